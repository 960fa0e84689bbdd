"""Working-day conflicts: which planned visits fall on given days (asked when a year becomes official or an
official entry is corrected), and clearing the provisional mark once a year is official."""

from __future__ import annotations

from datetime import date, timedelta

from flask import has_request_context, url_for
from sqlalchemy import extract, select
from sqlalchemy.orm import selectinload

from trainer import workdays
from trainer.core.extensions import db
from trainer.visits.models import Visit
from trainer.visits.plan.operations import visit_conflicts
from trainer.workdays.conflicts import PlannedItem


def _suggest_day(visit: Visit) -> date | None:
    """The nearest day of the same month where the visit could go (receiving, working, free, gap kept)."""
    first = visit.day.replace(day=1)
    candidates = []
    current = first
    while current.month == first.month:
        if current != visit.day:
            candidates.append(current)
        current += timedelta(days=1)
    candidates.sort(key=lambda d: (abs((d - visit.day).days), d))
    for day in candidates[:20]:
        if not visit_conflicts(visit, lawyer_id=visit.lawyer_id, day=day, half=visit.half):
            return day
    return None


def planned_on(days: set[date], district_id: int | None) -> list[PlannedItem]:
    if not days:
        return []
    stmt = (select(Visit).where(Visit.day.in_(sorted(days)), Visit.status == "planned")
            .options(selectinload(Visit.station), selectinload(Visit.lawyer)).order_by(Visit.day, Visit.id))
    if district_id is not None:
        stmt = stmt.where(Visit.district_id == district_id)
    items = []
    for visit in db.session.scalars(stmt):
        url = url_for("visits.visit", visit_id=visit.id) if has_request_context() else f"/visits/v/{visit.id}"
        items.append(PlannedItem(kind="visit", id=visit.id, day=visit.day,
                                 label=f"{visit.station.name} · {visit.lawyer.name}", district_id=visit.district_id,
                                 url=url, suggested_day=_suggest_day(visit), provisional=visit.provisional))
    return items


def year_became_official(year: int) -> None:
    """Visits planned on the provisional calendar of ``year`` that fall on official working days lose the mark;
    the others keep it and appear in the workday conflicts list."""
    visits = db.session.scalars(select(Visit).where(Visit.provisional, Visit.status == "planned",
                                                    extract("year", Visit.day) == year))
    for visit in visits:
        if workdays.is_working_day(visit.day):
            visit.provisional = False
    db.session.flush()
