"""What the trainee pages and endpoints read: a year's trainees, a login's trainee record, the district's unions
and stations to choose from."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.api.schemas import paginate
from trainer.core.extensions import db
from trainer.core.names import pinyin_order
from trainer.org.models import Station, Union
from trainer.rotation.models import ProgrammeYear, Trainee


def page_of_trainees(py: ProgrammeYear, args: dict):
    """One page of the year's trainees (for the API)."""
    return paginate(select(Trainee).where(Trainee.programme_year_id == py.id)
                           .options(selectinload(Trainee.certification)).order_by(Trainee.id), args)


def trainee_of_user(user) -> Trainee | None:
    """The trainee record of a trainee login (the latest year's when there are several)."""
    return db.session.scalar(select(Trainee).join(ProgrammeYear).where(Trainee.user_id == user.id)
                             .order_by(ProgrammeYear.year.desc()).limit(1))


def district_unions(district_id: int) -> list[Union]:
    return db.session.scalars(select(Union).where(Union.district_id == district_id).order_by(*pinyin_order(Union))).all()


def district_stations(district_id: int) -> list[Station]:
    return db.session.scalars(select(Station).where(Station.district_id == district_id)
                              .order_by(*pinyin_order(Station))).all()
