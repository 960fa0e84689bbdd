"""Rotation fixtures: a Chaoyang programme year 2026 with mentors and trainees of street unions."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import SOLVER_TIME_S, login
from trainer.auth.models import Role
from trainer.core.extensions import db
from trainer.org.models import Union
from trainer.rotation.mentors.operations import assign_mentor, save_mentor
from trainer.rotation.models import Mentor
from trainer.rotation.placements.operations import plan_year
from trainer.rotation.trainees.operations import save_trainee
from trainer.rotation.years.operations import add_blackout, save_programme_year

NAMES = ["李晓红", "王建华", "张丽", "刘洋", "陈静", "杨帆", "赵敏", "黄磊"]
STREETS = ["朝外街道", "劲松街道", "建外街道", "呼家楼街道", "八里庄街道", "三里屯街道", "团结湖街道", "双井街道",
           "垡头街道", "左家庄街道"]


@pytest.fixture
def request_context(app):
    """Operations called directly speak the page's language (Chinese by default): give them a request to ask.
    Not for tests that also use test clients (the request's g would be shared with theirs)."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def unions(districts):
    rows = []
    for street in STREETS:
        union = Union(district_id=districts["chaoyang"].id, name=f"{street}总工会", kind="street", street=street)
        db.session.add(union)
        rows.append(union)
    db.session.add(Union(district_id=districts["chaoyang"].id, name="建筑业工会", kind="industry"))
    db.session.add(Union(district_id=districts["xicheng"].id, name="月坛街道总工会", kind="street", street="月坛街道"))
    db.session.commit()
    return rows


def make_year(districts, *, year=2026, capacity=2, window=(date(2026, 3, 2), date(2026, 12, 31)), **extra):
    return save_programme_year(
        None, district_id=districts["chaoyang"].id, year=year, centre_name="朝阳区劳动人事争议仲裁院工会劳动争议调解中心",
        centre_address="北京市朝阳区工体东路", capacity=capacity, window_start=window[0], window_end=window[1],
        status="open", **extra)


@pytest.fixture
def programme(districts, unions):
    """Programme 2026: 2 mentors on duty Monday-Friday (and on make-up days), blackouts, 8 trainees."""
    py = make_year(districts)
    add_blackout(py, start=date(2026, 2, 14), end=date(2026, 2, 24), label="春节")
    add_blackout(py, start=date(2026, 7, 20), end=date(2026, 8, 14), label="暑期")
    mentors = []
    for name in ("周律师", "吴律师"):
        mentor = save_mentor(None, district_id=py.district_id, name=name, phone="13900000001")
        assign_mentor(py, mentor, duty_weekdays=[0, 1, 2, 3, 4])
        mentors.append(mentor)
    trainees = [save_trainee(None, py=py, union_id=unions[i].id, name=NAMES[i], phone="13800138000")
                for i in range(8)]
    db.session.commit()
    return py, mentors, trainees


@pytest.fixture
def planned(programme):
    py, mentors, trainees = programme
    outcome = plan_year(py, not_before=date(2026, 3, 2), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    return py, mentors, trainees, outcome


def mentor_named(name: str) -> Mentor:
    from sqlalchemy import select

    return db.session.scalar(select(Mentor).where(Mentor.name == name))


def trainee_client(app, make_user, trainee, username):
    """A test client logged in as the trainee (a new trainee login linked to them)."""
    user = make_user(Role.TRAINEE, "chaoyang", username=username)
    trainee.user_id = user.id
    db.session.commit()
    client = app.test_client()
    login(client, user)
    return client
