"""Working-day conflicts: placement days that fall on given days (asked when a year becomes official or an
official entry is corrected)."""

from __future__ import annotations

from datetime import date

from flask import has_request_context, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.rotation.models import Placement, PlacementDay
from trainer.workdays.conflicts import PlannedItem


def planned_on(days: set[date], district_id: int | None) -> list[PlannedItem]:
    if not days:
        return []
    stmt = (select(PlacementDay).where(PlacementDay.day.in_(sorted(days)), PlacementDay.status == "planned")
            .options(selectinload(PlacementDay.placement).selectinload(Placement.trainee),
                     selectinload(PlacementDay.mentor))
            .order_by(PlacementDay.day, PlacementDay.id))
    if district_id is not None:
        stmt = stmt.where(PlacementDay.district_id == district_id)
    items = []
    for row in db.session.scalars(stmt):
        trainee = row.placement.trainee
        url = (url_for("rotation.trainee", trainee_id=trainee.id) if has_request_context()
               else f"/rotation/trainees/{trainee.id}")
        label = f"以干代训 · {trainee.name} · 第{row.number}天" + (f" · {row.mentor.name}" if row.mentor else "")
        items.append(PlannedItem(kind="placement", id=row.id, day=row.day, label=label,
                                 district_id=row.district_id, url=url, provisional=row.placement.provisional))
    return items
