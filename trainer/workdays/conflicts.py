"""Working-day conflicts: things already planned on a day that stopped being a working day.

Each programme area answers through ``trainer/<area>/calendar_checks.py:planned_on(days, district_id)``, returning
``PlannedItem``s. When a year becomes official, or an entry of an official year is corrected, the calendar asks
every area, and stores one ``WorkdayConflict`` per item so the coordinators see a list with a suggested day and
mark each resolved after acting. Nothing is moved silently.

An area may also define ``year_became_official(year: int) -> None`` in the same module, to re-check (and clear the
provisional mark of) what it planned on that year's provisional calendar.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from trainer.core.areas import area_modules
from trainer.core.extensions import db
from trainer.workdays.models import WorkdayConflict
from trainer.workdays.service import YearNotAnnounced, next_working_day

log = logging.getLogger(__name__)

AREAS = ("visits", "rotation", "instructors")


@dataclass
class PlannedItem:
    """Something an area planned on a day: a visit, a placement day, a meeting..."""

    kind: str  # the area's word for it: "visit", "placement", "meeting"
    id: int
    day: date
    label: str  # what a coordinator recognises: "八里庄街道工会服务站 · 王律师"
    district_id: int | None
    url: str = ""  # its page, for the conflicts list
    suggested_day: date | None = None  # the area's own suggestion; else the next working day
    provisional: bool = False  # planned on a provisional calendar


def _calendar_check_modules() -> list:
    return area_modules("calendar_checks", AREAS)


def checkers() -> list[Callable[[set[date], int | None], list[PlannedItem]]]:
    """Each present area's ``planned_on``; absent areas are skipped."""
    return [m.planned_on for m in _calendar_check_modules() if hasattr(m, "planned_on")]


def official_hooks() -> list[Callable[[int], None]]:
    return [m.year_became_official for m in _calendar_check_modules() if hasattr(m, "year_became_official")]


def _suggest(day: date) -> date | None:
    try:
        return next_working_day(day, allow_provisional=True)
    except YearNotAnnounced:  # pragma: no cover - allow_provisional never raises
        return None


def find_conflicts(days: Iterable[date], district_id: int | None = None) -> list[PlannedItem]:
    """Everything planned on ``days`` (in one district, or all when None), with a suggested day each."""
    days = set(days)
    if not days:
        return []
    items: list[PlannedItem] = []
    for planned_on in checkers():
        items.extend(planned_on(days, district_id))
    for item in items:
        if item.suggested_day is None:
            item.suggested_day = _suggest(item.day)
    items.sort(key=lambda i: (i.day, i.kind, i.id))
    return items


def record_conflicts(year: int, days: Iterable[date]):
    """Store a WorkdayConflict for every item planned on ``days`` not already listed. Returns the new rows."""
    items = find_conflicts(days)
    if not items:
        return []
    item_days = sorted({i.day for i in items})
    existing = {(r.kind, r.item_id, r.day) for r in db.session.execute(
        select(WorkdayConflict.kind, WorkdayConflict.item_id, WorkdayConflict.day)
        .where(WorkdayConflict.day.in_(item_days)))}
    new = []
    for item in items:
        key = (item.kind, item.id, item.day)
        if key in existing:
            continue
        existing.add(key)
        new.append(WorkdayConflict(year=year, kind=item.kind[:30], item_id=item.id, day=item.day,
                                   label=(item.label or "")[:200], district_id=item.district_id,
                                   url=(item.url or "")[:300], suggested_day=item.suggested_day,
                                   provisional=bool(item.provisional)))
    db.session.add_all(new)
    db.session.flush()
    log.info("calendar %s: %d new working-day conflicts", year, len(new))
    return new
