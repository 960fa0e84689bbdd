"""The instructor system in the conflicts of the present (``trainer.workdays.conflicts``): guidance meetings and
bargaining sessions as planned items (their organiser and instructors as the people they occupy), and moving one
to the day a proposal found. Their hard rules are the generic ones: a working day, nobody booked twice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.audit.bulk import BulkRow, update_rows
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.instructors.engagements.operations import save_session
from trainer.instructors.meetings.operations import expand_series, horizon, move_meeting
from trainer.instructors.models import BargainingSession, Engagement, Meeting, MeetingSeries
from trainer.workdays import is_working_day
from trainer.workdays.conflicts import Person, PlannedItem


def planned_items(district_id: int | None, first: date, last: date) -> list[PlannedItem]:
    items = []
    meetings = (select(Meeting).where(Meeting.status == "scheduled", Meeting.day >= first, Meeting.day <= last)
                .options(selectinload(Meeting.organiser)))
    sessions = (select(BargainingSession).where(BargainingSession.status == "scheduled",
                                                BargainingSession.day >= first, BargainingSession.day <= last)
                .options(selectinload(BargainingSession.engagement).selectinload(Engagement.instructors)))
    if district_id is not None:
        meetings = meetings.where(Meeting.district_id == district_id)
        sessions = sessions.where(BargainingSession.district_id == district_id)
    for meeting in db.session.scalars(meetings):
        items.append(PlannedItem(
            kind="meeting", id=meeting.id, day=meeting.day, label=f"{meeting.title} · {meeting.organiser.name}",
            district_id=meeting.district_id, url=f"/instructors/meetings/{meeting.id}",
            provisional=meeting.provisional, start=meeting.start_time, end=meeting.end_time,
            people=(Person("instructor", meeting.organiser_id, meeting.organiser.name),), version=meeting.version,
            refs={"location": meeting.location}))
    for session in db.session.scalars(sessions):
        engagement = session.engagement
        items.append(PlannedItem(
            kind="bargaining_session", id=session.id, day=session.day, label=f"集体协商 · {engagement.enterprise}",
            district_id=session.district_id, url=f"/instructors/engagements/{session.engagement_id}",
            provisional=session.provisional, start=session.start_time, end=session.end_time,
            people=tuple(Person("instructor", i.id, i.name) for i in engagement.instructors),
            version=session.version, refs={"location": session.location, "notes": session.notes}))
    return items


def apply(moves: list[tuple[PlannedItem, PlannedItem]]) -> list[str]:
    refused = []
    for old, new in moves:
        try:  # each operation checks before it changes anything
            if old.kind == "meeting":
                move_meeting(db.session.get(Meeting, old.id), day=new.day, start_time=new.start, end_time=new.end,
                             location=old.refs["location"])
            elif old.kind == "bargaining_session":
                session = db.session.get(BargainingSession, old.id)
                save_session(session, engagement=session.engagement, day=new.day, start_time=new.start,
                             end_time=new.end, location=old.refs["location"], notes=old.refs["notes"])
        except InvalidInput as error:
            refused.append(f"{old.label}: {error.message}")
    return refused


def year_became_official(year: int) -> None:
    """Meetings and sessions placed provisionally in ``year`` lose the mark when their day is a working day of
    the official calendar; the others stay marked and appear in the conflicts list (planned_on). Series that
    stopped before ``year`` (not announced) are placed on into it at once, not at the next night job."""
    for series in db.session.scalars(select(MeetingSeries).where(
            MeetingSeries.active.is_(True), MeetingSeries.blocked_year.is_not(None),
            MeetingSeries.blocked_year <= year)):
        expand_series(series, horizon(), automatic=True)
    for model in (Meeting, BargainingSession):
        rows = db.session.scalars(select(model).where(model.provisional.is_(True),
                                                      model.day.between(date(year, 1, 1), date(year, 12, 31))))
        update_rows(model, [BulkRow(row.id, row.audit_district_id, row.audit_label) for row in rows
                            if is_working_day(row.day)],
                    before={"provisional": True}, after={"provisional": False})
