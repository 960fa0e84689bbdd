"""What the placement pages, endpoints and exports read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.rotation.models import Placement, PlacementDay, ProgrammeYear, Trainee


def placements_of_year(py: ProgrammeYear) -> list[Placement]:
    """Every placement of a programme year with its trainee (and union) and its days (and mentors)."""
    return db.session.scalars(
        select(Placement).where(Placement.programme_year_id == py.id)
        .options(selectinload(Placement.trainee).selectinload(Trainee.union),
                 selectinload(Placement.days).selectinload(PlacementDay.mentor))
        .order_by(Placement.start)).all()


def days_with_logs(placement: Placement | None) -> list[PlacementDay]:
    """A placement's planned days, in order, with their mentor and the cases logged."""
    if placement is None:
        return []
    return db.session.scalars(select(PlacementDay).where(PlacementDay.placement_id == placement.id,
                                                         PlacementDay.status == "planned")
                              .options(selectinload(PlacementDay.logs), selectinload(PlacementDay.mentor),
                                       selectinload(PlacementDay.reflection))
                              .order_by(PlacementDay.day)).all()
