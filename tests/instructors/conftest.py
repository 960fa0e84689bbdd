"""Fixtures of the instructor tests: a small hierarchy over Chaoyang and Xicheng."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests.conftest import errors_of, text_of  # noqa: F401 - the instructors' tests import them from here
from trainer.core.extensions import db


@pytest.fixture
def ctx(app):
    """Operations use gettext: run them inside a request context (Chinese by default)."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def tree(ctx, districts, make_user):
    from trainer.instructors.hierarchy.operations import save_instructor

    cy, xc = districts["chaoyang"].id, districts["xicheng"].id
    zhao_user = make_user("instructor", "chaoyang", username="zhao")
    part_user = make_user("instructor", "chaoyang", username="qian")
    city = save_instructor(None, tier="city_full", district_id=None, name="孙立平", background="expert")
    city2 = save_instructor(None, tier="city_full", district_id=None, name="周敏", background="lawyer")
    zhao = save_instructor(None, tier="district_full", district_id=cy, name="赵建国", background="lawyer",
                           guide=city, user_id=zhao_user.id, specialities=["建筑业"])
    li = save_instructor(None, tier="district_full", district_id=cy, name="李秀英", background="teacher",
                         guide=city)
    qian = save_instructor(None, tier="district_part", district_id=cy, name="钱晓梅", background="lawyer",
                           guide=zhao, user_id=part_user.id)
    sun = save_instructor(None, tier="district_part", district_id=cy, name="孙志强", background="manager",
                          guide=zhao)
    wang = save_instructor(None, tier="district_full", district_id=xc, name="王海燕", background="lawyer",
                           guide=city2)
    chen = save_instructor(None, tier="district_part", district_id=xc, name="陈晨", background="lawyer",
                           guide=wang)
    settle()
    return SimpleNamespace(city=city, city2=city2, zhao=zhao, li=li, qian=qian, sun=sun, wang=wang, chen=chen,
                           zhao_user=zhao_user, part_user=part_user, cy=cy, xc=xc)


def settle() -> None:
    """Commit what the test made with operations, and forget the anonymous user Flask-Login cached in ``g``
    while they ran (it would otherwise leak into the next test-client request of this app context)."""
    from flask import g

    db.session.commit()
    g.pop("_login_user", None)


def feed(user, start, end) -> dict:
    """The instructor area's feed events of a user, by UID (see settle() for why g is cleaned)."""
    from flask import g

    from trainer.instructors.feeds import user_events

    events = {e.uid: e for e in user_events(user, start, end)}
    g.pop("_login_user", None)
    return events


