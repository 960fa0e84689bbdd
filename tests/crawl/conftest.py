"""The crawl keeps one world (the demo programme, and for the long crawl a district of city size) for a whole
module: loading it takes seconds, and every page, operation and role then runs over the same real data. A crawl
module says which world (``CITY``) and which generation phases of the fuzzer (``PHASES``)."""

from __future__ import annotations

import pytest

from tests.conftest import empty_database
from tests.crawl import api, pages
from tests.crawl.world import ROLES, load_world
from trainer.core.extensions import db


@pytest.fixture(autouse=True)
def _clean_db(app):
    """Replaces the suite's per-test emptying: the module's world stays until its last test (which empties it)."""
    ctx = app.app_context()
    ctx.push()
    yield
    db.session.rollback()
    db.session.remove()
    ctx.pop()


@pytest.fixture(params=[role for role, _ in ROLES])
def role(request):
    return request.param


@pytest.fixture(scope="module")
def world(app, request):
    with app.app_context():
        empty_database()
        yield load_world(city=getattr(request.module, "CITY", False))
        empty_database()


@pytest.fixture(scope="module")
def page_list(app, world):
    """Every page address, with real rows (pages.visits)."""
    with app.app_context():
        return pages.visits(app, world)


@pytest.fixture
def api_schema(app, world, role, request):
    """The document, every call made with the token of ``role``, in the module's generation phases."""
    return api.api_schema(app, world.tokens[role], request.module.PHASES)
