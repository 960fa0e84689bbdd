"""What the calendar pages read: a year's row, the stored years, the conflicts in the caller's district."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.auth.permissions import scoped
from trainer.core.extensions import db
from trainer.workdays.models import CalendarYear, WorkdayConflict


def year_shown(year: int) -> CalendarYear | None:
    """The year's row with its entries and who confirmed it, or None when nothing is stored."""
    return db.session.scalar(select(CalendarYear).where(CalendarYear.year == year)
                             .options(selectinload(CalendarYear.entries), selectinload(CalendarYear.confirmed_by)))


def stored_years() -> dict[int, CalendarYear]:
    return {row.year: row for row in db.session.scalars(select(CalendarYear))}


def open_conflict_count(year: int) -> int:
    """The unresolved conflicts of a year in the caller's district (the admin: all)."""
    return db.session.scalar(scoped(select(func.count(WorkdayConflict.id))
                                    .where(WorkdayConflict.year == year, WorkdayConflict.resolved.is_(False)),
                                    WorkdayConflict.district_id))


def conflicts(show_all: bool):
    """The conflicts in the caller's district, open ones first, by day (a select to paginate)."""
    stmt = (select(WorkdayConflict).options(selectinload(WorkdayConflict.district),
                                            selectinload(WorkdayConflict.resolved_by))
            .order_by(WorkdayConflict.resolved, WorkdayConflict.day, WorkdayConflict.kind, WorkdayConflict.id))
    stmt = scoped(stmt, WorkdayConflict.district_id)
    if not show_all:
        stmt = stmt.where(WorkdayConflict.resolved.is_(False))
    return stmt
