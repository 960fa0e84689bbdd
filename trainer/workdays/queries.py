"""What the calendar pages read: a year's row, the stored years, the conflicts in the caller's district now."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.auth.permissions import district_scope
from trainer.core.extensions import db
from trainer.org.models import District
from trainer.workdays.changes import Scope, current
from trainer.workdays.conflicts import Conflict, open_conflicts
from trainer.workdays.models import CalendarYear, KeptConflict


def year_shown(year: int) -> CalendarYear | None:
    """The year's row with its entries and who confirmed it, or None when nothing is stored."""
    return db.session.scalar(select(CalendarYear).where(CalendarYear.year == year)
                             .options(selectinload(CalendarYear.entries), selectinload(CalendarYear.confirmed_by)))


def stored_years() -> dict[int, CalendarYear]:
    return {row.year: row for row in db.session.scalars(select(CalendarYear))}


def open_conflict_count(year: int) -> int:
    """The planned items of a year (from today on) in the caller's district (the admin: all) that break a rule
    now and were not kept where they are."""
    _world, found = current(Scope.of(district_scope(), date(year, 1, 1), date(year, 12, 31)), with_proposals=False)
    return len(open_conflicts(found))


def conflicts_now(district_id: int | None) -> list[Conflict]:
    """The conflicts of a district (None: every district) from today on, open ones with proposals."""
    _world, found = current(Scope.of(district_id))
    return found


def kept_row(kept_id: int) -> KeptConflict | None:
    return db.session.get(KeptConflict, kept_id)


def conflict_of(key: tuple[str, int], district_id: int | None) -> Conflict | None:
    """One item's conflict now (without proposals), or None when it breaks no rule."""
    _world, found = current(Scope.of(district_id), with_proposals=False)
    return next((c for c in found if c.key == key), None)


def districts_by_id() -> dict[int, District]:
    return {d.id: d for d in db.session.scalars(select(District))}
