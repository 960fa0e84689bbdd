"""Working-day conflicts of the instructor system: meetings and bargaining sessions planned on given days."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.instructors.meetings.operations import expand_series, horizon
from trainer.instructors.models import BargainingSession, Meeting, MeetingSeries
from trainer.workdays import is_working_day
from trainer.workdays.conflicts import PlannedItem


def planned_on(days: set[date], district_id: int | None) -> list[PlannedItem]:
    if not days:
        return []
    items = []
    stmt = select(Meeting).where(Meeting.day.in_(days), Meeting.status == "scheduled").options(
        selectinload(Meeting.organiser))
    if district_id is not None:
        stmt = stmt.where(Meeting.district_id == district_id)
    for meeting in db.session.scalars(stmt):
        items.append(PlannedItem(kind="meeting", id=meeting.id, day=meeting.day,
                                 label=f"{meeting.title} · {meeting.organiser.name}", district_id=meeting.district_id,
                                 url=f"/instructors/meetings/{meeting.id}", provisional=meeting.provisional))
    stmt = select(BargainingSession).where(BargainingSession.day.in_(days),
                                           BargainingSession.status == "scheduled").options(
        selectinload(BargainingSession.engagement))
    if district_id is not None:
        stmt = stmt.where(BargainingSession.district_id == district_id)
    for session in db.session.scalars(stmt):
        items.append(PlannedItem(kind="bargaining_session", id=session.id, day=session.day,
                                 label=f"集体协商 · {session.engagement.enterprise}", district_id=session.district_id,
                                 url=f"/instructors/engagements/{session.engagement_id}",
                                 provisional=session.provisional))
    return items


def year_became_official(year: int) -> None:
    """Meetings and sessions placed provisionally in ``year`` lose the mark when their day is a working day of
    the official calendar; the others stay marked and appear in the conflicts list (planned_on). Series that
    stopped before ``year`` (not announced) are placed on into it at once, not at the next night job."""
    for series in db.session.scalars(select(MeetingSeries).where(
            MeetingSeries.active.is_(True), MeetingSeries.blocked_year.is_not(None),
            MeetingSeries.blocked_year <= year)):
        expand_series(series, horizon())
    first, last = date(year, 1, 1), date(year, 12, 31)
    for model in (Meeting, BargainingSession):
        for row in db.session.scalars(select(model).where(model.provisional.is_(True), model.day >= first,
                                                          model.day <= last)):
            if is_working_day(row.day):
                row.provisional = False
    db.session.flush()
