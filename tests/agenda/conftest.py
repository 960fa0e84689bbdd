"""One person in three programmes: lawyer 律师11 (station visits, telephone duty) who is also mentor 王律师 at the
mediation centre, in Chaoyang, December 2026."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import select

from tests.clock import TODAY  # noqa: E402,F401 - the planners' today: December is ahead
from tests.visits.conftest import make_programme
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.org.models import Union
from trainer.rotation.mentors.operations import assign_mentor, save_mentor
from trainer.rotation.models import Mentor, PlacementDay, Trainee
from trainer.rotation.trainees.operations import save_trainee
from trainer.rotation.years.operations import save_programme_year
from trainer.visits.duty import operations as duty
from trainer.visits.models import DutyPeriod, DutyShift, Lawyer, Visit
from trainer.visits.setup import operations as setup_ops

CENTRE = "朝阳区劳动争议调解中心"


@dataclass
class World:
    district: object
    lawyer: Lawyer  # 律师11, who is also the mentor 王律师
    mentor: Mentor
    other_mentor: Mentor
    py: object
    trainee: Trainee
    user: object


@pytest.fixture
def world(districts, make_user) -> World:
    district = districts["chaoyang"]
    made = make_programme(district)
    lawyer = made["lawyers"][0]
    user = make_user("lawyer", "chaoyang", username="lawyer.same", email="same@example.cn")
    setup_ops.save_lawyer(lawyer, firm=lawyer.firm, name=lawyer.name, phone=lawyer.phone, user_id=user.id)
    py = save_programme_year(None, district_id=district.id, year=2026, centre_name=CENTRE,
                             centre_address="北京市朝阳区工体东路", capacity=2, placement_length=10,
                             mentor_max_trainees=2, status="open", window_start=date(2026, 12, 1),
                             window_end=date(2026, 12, 31))
    mentor = save_mentor(None, district_id=district.id, name="王律师", lawyer_id=lawyer.id)
    assign_mentor(py, mentor, duty_weekdays=[0, 1, 2, 3, 4])
    union = db.session.scalar(select(Union).where(Union.district_id == district.id))
    trainee = save_trainee(None, py=py, union_id=union.id, name="李晓红")
    db.session.commit()
    return World(district, lawyer, mentor, None, py, trainee, user)


def add_other_mentor(world: World) -> Mentor:
    other = save_mentor(None, district_id=world.district.id, name="周律师")
    assign_mentor(world.py, other, duty_weekdays=[0, 1, 2, 3, 4])
    db.session.commit()
    world.other_mentor = other
    return other


def duty_period(world: World, first: date, last: date) -> DutyPeriod:
    pool = db.session.scalars(select(Lawyer).where(Lawyer.district_id == world.district.id)).all()
    return duty.save_period(None, district_id=world.district.id, title="特别时期电话值班", first_day=first,
                            last_day=last, shifts="00:00-08:00, 08:00-16:00, 16:00-24:00", per_shift=1,
                            lawyer_ids=[lw.id for lw in pool], phone="010-12351")


def mentoring_days(mentor: Mentor) -> set[date]:
    return set(db.session.scalars(select(PlacementDay.day).where(PlacementDay.mentor_id == mentor.id,
                                                                 PlacementDay.status == "planned")))


def day_shifts_of(lawyer: Lawyer) -> list[DutyShift]:
    """The lawyer's planned shifts that overlap the centre's day (08-16 and 16-24)."""
    return list(db.session.scalars(select(DutyShift).where(
        DutyShift.lawyer_id == lawyer.id, DutyShift.status == "planned", DutyShift.shift_code != "00-08")))


def visits_of(lawyer: Lawyer) -> list[Visit]:
    return list(db.session.scalars(select(Visit).where(Visit.lawyer_id == lawyer.id, Visit.status == "planned")
                                   .order_by(Visit.day, Visit.half)))


def api_headers(user) -> dict:
    """An API token of ``user`` as the Authorization header."""
    _row, secret = create_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}
