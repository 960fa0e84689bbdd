"""What the programme-year pages and endpoints read: the district's years, their counts, a year's trainees."""

from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from trainer.api.schemas import paginate
from trainer.auth.permissions import scoped
from trainer.core.extensions import db
from trainer.rotation.models import Placement, PlacementDay, ProgrammeYear, Trainee


def years_for(district_id: int) -> list[ProgrammeYear]:
    return db.session.scalars(select(ProgrammeYear).where(ProgrammeYear.district_id == district_id)
                              .order_by(ProgrammeYear.year.desc())).all()


def page_of_years(args: dict):
    """One page of the programme years the caller may see (the admin: all), newest first (for the API)."""
    return paginate(scoped(select(ProgrammeYear).options(selectinload(ProgrammeYear.blackouts))
                                  .order_by(ProgrammeYear.year.desc(), ProgrammeYear.id), ProgrammeYear.district_id),
                           args)


def year_counts(year_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per programme year: trainees and placed trainees, two queries for the whole list."""
    if not year_ids:
        return {}
    trainees = dict(db.session.execute(select(Trainee.programme_year_id, func.count()).where(
        Trainee.programme_year_id.in_(year_ids)).group_by(Trainee.programme_year_id)).all())
    placed = dict(db.session.execute(
        select(Placement.programme_year_id, func.count(func.distinct(Placement.id)))
        .join(PlacementDay).where(Placement.programme_year_id.in_(year_ids), PlacementDay.status == "planned")
        .group_by(Placement.programme_year_id)).all())
    return {i: {"trainees": trainees.get(i, 0), "placed": placed.get(i, 0)} for i in year_ids}


def year_trainees(py: ProgrammeYear) -> list[Trainee]:
    """The year's trainees with all the year page shows of them (union, station, login, placement days)."""
    return db.session.scalars(
        select(Trainee).where(Trainee.programme_year_id == py.id)
        .options(selectinload(Trainee.union), selectinload(Trainee.station), selectinload(Trainee.user),
                 selectinload(Trainee.evaluation), selectinload(Trainee.certification),
                 selectinload(Trainee.placement).selectinload(Placement.days).selectinload(PlacementDay.mentor))
        .order_by(Trainee.id)).all()


def year_of(district_id: int, year: int) -> ProgrammeYear | None:
    """The district's programme year of that year (there is at most one)."""
    return db.session.scalar(select(ProgrammeYear).where(ProgrammeYear.district_id == district_id,
                                                         ProgrammeYear.year == year))


def years_waiting_for_a_plan(from_year: int) -> list[ProgrammeYear]:
    """Open programme years (this year or later) that have trainees but no placement yet."""
    return db.session.scalars(
        select(ProgrammeYear).where(
            ProgrammeYear.status == "open", ProgrammeYear.year >= from_year,
            exists().where(Trainee.programme_year_id == ProgrammeYear.id),
            ~exists().where(Placement.programme_year_id == ProgrammeYear.id))
        .order_by(ProgrammeYear.year)).all()
