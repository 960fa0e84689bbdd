"""What the mentor pages read: the mentors on duty in a year, the district's mentors and lawyer logins, and a
mentor's own days."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role, User
from trainer.core.extensions import db
from trainer.core.names import pinyin_order
from trainer.rotation.models import CentreMentor, Mentor, Placement, PlacementDay, ProgrammeYear
from trainer.visits.models import Lawyer


def centre_links(py: ProgrammeYear) -> list[CentreMentor]:
    """The mentors on duty at the centre in a programme year, with their leave."""
    return db.session.scalars(select(CentreMentor).where(CentreMentor.programme_year_id == py.id)
                              .options(selectinload(CentreMentor.mentor).selectinload(Mentor.unavailable))).all()


def centre_link(py: ProgrammeYear, mentor_id: int) -> CentreMentor | None:
    return db.session.scalar(select(CentreMentor).where(CentreMentor.programme_year_id == py.id,
                                                        CentreMentor.mentor_id == mentor_id))


def mentors_on_duty(programme_year_id: int) -> list[Mentor]:
    return db.session.scalars(select(Mentor).join(CentreMentor).where(
        CentreMentor.programme_year_id == programme_year_id).order_by(*pinyin_order(Mentor))).all()


def district_mentors(district_id: int) -> list[Mentor]:
    """The district's mentors by name, with their leave."""
    return db.session.scalars(select(Mentor).where(Mentor.district_id == district_id)
                              .options(selectinload(Mentor.unavailable)).order_by(*pinyin_order(Mentor))).all()


def lawyer_accounts(district_id: int) -> list[User]:
    """Active lawyer logins of the district (or of no district) that a mentor may use."""
    return db.session.scalars(select(User).where(User.role == Role.LAWYER, User.active.is_(True),
                                                 (User.district_id == district_id) | User.district_id.is_(None))
                              .order_by(User.display_name)).all()


def district_lawyers(district_id: int) -> list[Lawyer]:
    """The district's active lawyers (visits area), whom a mentor may be the same person as."""
    return db.session.scalars(select(Lawyer).where(Lawyer.district_id == district_id, Lawyer.active.is_(True))
                              .order_by(*pinyin_order(Lawyer))).all()


def all_mentors():
    """Every mentor by district and name: a statement the API narrows to the caller's district and pages."""
    return select(Mentor).order_by(Mentor.district_id, *pinyin_order(Mentor))


def mentor_of_user(user) -> Mentor | None:
    return db.session.scalar(select(Mentor).where(Mentor.user_id == user.id))


def mentoring_days(mentor: Mentor, since: date) -> list[PlacementDay]:
    """The mentor's planned days from ``since`` on, with the trainee and the cases logged (at most 200)."""
    return db.session.scalars(
        select(PlacementDay).where(PlacementDay.mentor_id == mentor.id, PlacementDay.status == "planned",
                                   PlacementDay.day >= since)
        .options(selectinload(PlacementDay.placement).selectinload(Placement.trainee),
                 selectinload(PlacementDay.logs), selectinload(PlacementDay.reflection))
        .order_by(PlacementDay.day).limit(200)).all()
