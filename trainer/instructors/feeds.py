"""Calendar events of the instructor system: guidance meetings, bargaining sessions and engagement deadlines.

An instructor's feed carries the meetings they organise or attend, the sessions of the engagements they are
assigned to, and those engagements' deadlines (reply due, filing due) as all-day events. A coordinator's feed
carries all of their district's; the city admin's, the city-level meetings.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from trainer.agenda import person_of
from trainer.calendars.events import FeedEvent
from trainer.core.addresses import public_base
from trainer.core.clock import as_utc, local_datetime, now_utc
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.instructors.access import engagements_of, meetings_of
from trainer.instructors.meetings.operations import moved_reason
from trainer.instructors.models import BargainingSession, Engagement, Instructor, Meeting, MeetingAttendance


def _base_url() -> str:
    return public_base()


def _grace_start() -> datetime:
    return now_utc() - timedelta(days=current_app.config.get("FEED_CANCELLED_GRACE_DAYS", 30))


def _keep(status: str, updated_at: datetime, cutoff: datetime) -> bool:
    """Cancelled items stay for the grace period, then drop out (their UID is never reused)."""
    if status != "cancelled":
        return True
    return as_utc(updated_at) >= cutoff


def meeting_event(meeting: Meeting) -> FeedEvent:
    lines = [_("Guidance meeting organised by %(name)s.", name=meeting.organiser.name)]
    reason = moved_reason(meeting)
    if reason:
        lines.append(reason)
    if meeting.provisional:
        lines.append(_("Placed on a provisional calendar: the official holidays of that year are not announced yet."))
    if meeting.cancel_reason:
        lines.append(meeting.cancel_reason)
    return FeedEvent(
        uid=f"instructors-meeting-{meeting.id}@trainer",
        summary=meeting.title,
        start=local_datetime(meeting.day, meeting.start_time),
        end=local_datetime(meeting.day, meeting.end_time),
        last_modified=as_utc(meeting.updated_at),
        sequence=meeting.sequence,
        status="CANCELLED" if meeting.status == "cancelled" else ("TENTATIVE" if meeting.provisional else "CONFIRMED"),
        location=meeting.location or "",
        description="\n".join(lines),
        url=f"{_base_url()}/instructors/meetings/{meeting.id}",
        categories=("集体协商指导",),
        remind_user_ids=tuple(a.instructor.user_id for a in meeting.attendance
                              if a.instructor.user_id and meeting.status != "cancelled"),
    )


def session_event(session: BargainingSession) -> FeedEvent:
    engagement = session.engagement
    return FeedEvent(
        uid=f"instructors-session-{session.id}@trainer",
        summary=_("Bargaining session: %(name)s", name=engagement.enterprise),
        start=local_datetime(session.day, session.start_time),
        end=local_datetime(session.day, session.end_time),
        last_modified=as_utc(session.updated_at),
        sequence=session.sequence,
        status="CANCELLED" if session.status == "cancelled" else ("TENTATIVE" if session.provisional else "CONFIRMED"),
        location=session.location or "",
        description=_("Union: %(union)s. Instructors: %(names)s.", union=engagement.union_name,
                      names="、".join(p.name for p in engagement.instructors)),
        url=f"{_base_url()}/instructors/engagements/{engagement.id}",
        categories=("集体协商",),
        remind_user_ids=tuple(p.user_id for p in engagement.instructors if p.user_id and session.status != "cancelled"),
    )


def _with_reason(text: str, deadline) -> str:
    reason = deadline.reason() if deadline is not None else ""
    return f"{text}\n{reason}" if reason else text


def deadline_events(engagement: Engagement, start: date, end: date) -> list[FeedEvent]:
    """Reply due (20 days) and filing due (10 days) as all-day events while they still matter."""
    events = []
    people = tuple(p.user_id for p in engagement.instructors if p.user_id)
    url = f"{_base_url()}/instructors/engagements/{engagement.id}"
    if engagement.reply_pending and start <= engagement.reply_due <= end:
        events.append(FeedEvent(
            uid=f"instructors-reply-due-{engagement.id}@trainer",
            summary=_("Reply due: %(name)s", name=engagement.enterprise),
            start=engagement.reply_due, end=engagement.reply_due,  # all-day: ``end`` is the last day
            last_modified=as_utc(engagement.updated_at), sequence=engagement.sequence,
            description=_with_reason(_("The bargaining request was sent on %(day)s; the reply is due within 20 "
                                       "days.", day=format_day(engagement.request_sent_on)),
                                     engagement.reply_deadline),
            url=url, categories=("集体协商",), remind_user_ids=people))
    if engagement.filing_pending and engagement.filing_due and start <= engagement.filing_due <= end:
        events.append(FeedEvent(
            uid=f"instructors-filing-due-{engagement.id}@trainer",
            summary=_("Filing due: %(name)s", name=engagement.enterprise),
            start=engagement.filing_due, end=engagement.filing_due,  # all-day: ``end`` is the last day
            last_modified=as_utc(engagement.updated_at), sequence=engagement.sequence,
            description=_with_reason(_("Signed on %(day)s; submit it to the labour bureau within 10 days.",
                                       day=format_day(engagement.agreement_signed_on)),
                                     engagement.filing_deadline),
            url=url, categories=("集体协商",), remind_user_ids=people))
    return events


def _events(meetings, sessions, engagements, start: date, end: date) -> list[FeedEvent]:
    cutoff = _grace_start()
    events = [meeting_event(m) for m in meetings if _keep(m.status, m.updated_at, cutoff)]
    events += [session_event(s) for s in sessions if _keep(s.status, s.updated_at, cutoff)]
    for engagement in engagements:
        events += deadline_events(engagement, start, end)
    return events


_MEETING_LOAD = (selectinload(Meeting.organiser),
                 selectinload(Meeting.attendance).selectinload(MeetingAttendance.instructor))
_SESSION_LOAD = (selectinload(BargainingSession.engagement).selectinload(Engagement.instructors),)


def instructor_events(instructor: Instructor, start: date, end: date) -> list[FeedEvent]:
    meetings = db.session.scalars(select(Meeting).where(
        meetings_of(instructor.id), Meeting.day >= start, Meeting.day <= end).options(*_MEETING_LOAD)).all()
    sessions = db.session.scalars(select(BargainingSession).where(
        engagements_of(instructor.id, BargainingSession.engagement_id), BargainingSession.day >= start,
        BargainingSession.day <= end).options(*_SESSION_LOAD)).all()
    engagements = db.session.scalars(select(Engagement).where(engagements_of(instructor.id))
                                     .options(selectinload(Engagement.instructors))).all()
    return _events(meetings, sessions, engagements, start, end)


def district_events(district_id: int, start: date, end: date) -> list[FeedEvent]:
    meetings = db.session.scalars(select(Meeting).where(Meeting.district_id == district_id, Meeting.day >= start,
                                                        Meeting.day <= end).options(*_MEETING_LOAD)).all()
    sessions = db.session.scalars(select(BargainingSession).where(
        BargainingSession.district_id == district_id, BargainingSession.day >= start,
        BargainingSession.day <= end).options(*_SESSION_LOAD)).all()
    engagements = db.session.scalars(select(Engagement).where(Engagement.district_id == district_id)
                                     .options(selectinload(Engagement.instructors))).all()
    return _events(meetings, sessions, engagements, start, end)


def user_events(user, start: date, end: date) -> list[FeedEvent]:
    role = str(getattr(user, "role", ""))
    if role in ("instructor", "lawyer", "trainee"):
        # One agenda per person: the instructor records that are this person (trainer.agenda), e.g. a lawyer's.
        events: list[FeedEvent] = []
        for instructor_id in sorted(person_of("user", user.id).instructor_ids):
            events += instructor_events(db.session.get(Instructor, instructor_id), start, end)
        return events
    if role == "coordinator" and user.district_id:
        return district_events(user.district_id, start, end)
    if role == "admin":
        city_level = or_(Meeting.district_id.is_(None), Meeting.series.has(pair="city_district"))
        meetings = db.session.scalars(select(Meeting).where(city_level, Meeting.day >= start, Meeting.day <= end)
                                      .options(*_MEETING_LOAD)).all()
        return _events(meetings, [], [], start, end)
    return []
