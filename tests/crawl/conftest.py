"""The crawl keeps one world (the demo programme, and for the slow variant a generated city) for a whole
module: loading it takes seconds, and every operation, role and page then runs over the same real data."""

from __future__ import annotations

import pytest

from tests.crawl.world import ROLES


@pytest.fixture(autouse=True)
def _clean_db(app):
    """Replaces the suite's per-test cleaning: the module's world stays until its last test."""
    ctx = app.app_context()
    ctx.push()
    yield
    from trainer.core.extensions import db

    db.session.rollback()
    db.session.remove()
    ctx.pop()


@pytest.fixture(params=[label for label, _ in ROLES])
def role(request):
    return request.param
