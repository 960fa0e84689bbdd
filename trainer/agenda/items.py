"""A person's commitments in every programme, as plain ``Commitment``s with a start and an end in Beijing time.

    visit          a lawyer's half-day at a station (the station's hours)          role lawyer
    duty           a lawyer's telephone duty shift (its times; 16:00-24:00 ends at midnight)   role lawyer
    placement_day  a day at the mediation centre (09:00-17:00), for its mentor and its trainee
    meeting        a guidance meeting, for its organiser and everyone expected
    session        a bargaining session, for the engagement's instructors

Only what is still on counts: cancelled items are no commitment. ``commitments_of_row(row)`` reads a row as it
stands, unsaved changes included, so a hand edit can be checked before it is kept.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.instructors.models import (
    BargainingSession,
    Engagement,
    Instructor,
    Meeting,
    MeetingAttendance,
    engagement_instructors,
)
from trainer.org.models import Station
from trainer.rotation.models import CENTRE_HOURS, Mentor, Placement, PlacementDay, ProgrammeYear, Trainee
from trainer.visits.models import DutyPeriod, DutyShift, Lawyer, Visit

KINDS = ("visit", "duty", "placement_day", "meeting", "session")


@dataclass(frozen=True)
class Commitment:
    """One item of one person's agenda. ``start``/``end`` are Beijing wall-clock times (naive)."""

    kind: str  # one of KINDS
    id: int | None  # the row's id (None while it is not saved)
    role: str  # lawyer | mentor | trainee | instructor: the record of the person it belongs to
    role_id: int
    start: datetime
    end: datetime
    what: str  # 测试服务站1驻站, 电话值班：…, in the language it was read in
    person_name: str
    scope: str = ""  # what it belongs to: "duty:3" (a period), "rotation:2" (a programme year), "series:5" …
    district_id: int | None = None
    url: str = ""
    where: str = ""  # a meeting's or session's place (a visit's is its station, in ``what``)
    # Where one person may hold several items at once as one commitment: a mentor at the centre guides up to
    # the programme year's ``mentor_max_trainees`` trainees on the same day ("centre:<district>:<name>").
    shared_at: str = ""

    @property
    def day(self) -> date:
        return self.start.date()

    @property
    def key(self) -> tuple[str, int | None]:
        return self.kind, self.id

    @property
    def label(self) -> str:
        """电话值班：疫情防控特别时期 2026年11月4日 周三 08:00–16:00"""
        text = f"{self.what} {format_day(self.day)} {self.start:%H:%M}–{self.end:%H:%M}"
        return f"{text} · {self.where}" if self.where else text

    def overlaps(self, other: Commitment) -> bool:
        return self.start < other.end and other.start < self.end

    def joins(self, other: Commitment) -> bool:
        """Both are one commitment of the same person, never a clash: the same place where several items are
        held at once (a mentor's days with two trainees at the same centre), at the same time."""
        return (bool(self.shared_at) and self.shared_at == other.shared_at and self.role == other.role
                and self.start == other.start and self.end == other.end)


def _at(day: date, hhmm: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    if hour == 24:
        return datetime.combine(day + timedelta(days=1), time(0, 0))
    return datetime.combine(day, time(hour, minute))


def _span(day: date, start: str, end: str) -> tuple[datetime, datetime]:
    """A time span on a day; an end at or before the start (16:00-00:00) is on the next day."""
    first, last = _at(day, start), _at(day, end)
    if last <= first:
        last += timedelta(days=1)
    return first, last


def _get(model, ident, loaded):
    """A related row: the loaded relationship when it matches the id (an edit may change the id alone)."""
    if loaded is not None and (ident is None or getattr(loaded, "id", None) == ident):
        return loaded
    return db.session.get(model, ident) if ident is not None else None


# ---------------------------------------------------------------------------------------------- one row

def visit_commitments(visit: Visit, *, lawyer_id: int | None = None, day: date | None = None,
                      half: str | None = None) -> list[Commitment]:
    """The visit as it is, or as it would be at another (lawyer, day, half)."""
    if visit.status == "cancelled":
        return []
    lawyer_id, day, half = lawyer_id or visit.lawyer_id, day or visit.day, half or visit.half
    station = _get(Station, visit.station_id, visit.station)
    lawyer = _get(Lawyer, lawyer_id, visit.lawyer)
    start, end = _span(day, *station.hours_of(half))
    return [Commitment("visit", visit.id, "lawyer", lawyer_id, start, end,
                       _("station visit at %(station)s", station=station.name), lawyer.name if lawyer else "",
                       f"station:{visit.station_id}", visit.district_id, f"/visits/v/{visit.id}" if visit.id else "")]


def duty_commitments(row: DutyShift) -> list[Commitment]:
    if row.status != "planned":
        return []
    return duty_shift_at(_get(DutyPeriod, row.period_id, row.period), row.day, row.shift_code,
                         _get(Lawyer, row.lawyer_id, row.lawyer), row.id)


def duty_shift_at(period: DutyPeriod, day: date, shift_code: str, lawyer: Lawyer,
                  row_id: int | None = None) -> list[Commitment]:
    """A lawyer on a shift of a period (saved as ``row_id``, or only proposed)."""
    spec = period.shift(shift_code) if period is not None else None
    if spec is None or lawyer is None:
        return []
    start, end = _span(day, spec["start"], spec["end"])
    return [Commitment("duty", row_id, "lawyer", lawyer.id, start, end,
                       _("telephone duty: %(title)s", title=period.title), lawyer.name,
                       f"duty:{period.id}", period.district_id, f"/visits/duty/{period.id}")]


def placement_day_commitments(row: PlacementDay, *, mentor_id: int | None = None) -> list[Commitment]:
    """The day for its trainee and its mentor (or, given ``mentor_id``, the mentor it would have)."""
    if row.status != "planned":
        return []
    placement = _get(Placement, row.placement_id, row.placement)
    trainee = _get(Trainee, placement.trainee_id, placement.trainee)
    py = _get(ProgrammeYear, placement.programme_year_id, placement.programme_year)
    start, end = _span(row.day, *CENTRE_HOURS)
    scope, url = f"rotation:{py.id}", f"/rotation/days/{row.id}" if row.id else ""
    out = [Commitment("placement_day", row.id, "trainee", trainee.id, start, end,
                      _("rotation day %(n)s at %(centre)s", n=row.number, centre=py.centre_name), trainee.name,
                      scope, row.district_id, url)]
    mentor_id = mentor_id or row.mentor_id
    if mentor_id is not None:
        mentor = _get(Mentor, mentor_id, row.mentor)
        out.append(Commitment("placement_day", row.id, "mentor", mentor_id, start, end,
                              _("mentoring %(trainee)s at %(centre)s", trainee=trainee.name, centre=py.centre_name),
                              mentor.name, scope, row.district_id, url,
                              shared_at=f"centre:{py.district_id}:{py.centre_name}"))
    return out


def meeting_commitments(meeting: Meeting) -> list[Commitment]:
    if meeting.status == "cancelled" or meeting.day is None:
        return []
    people = [_get(Instructor, meeting.organiser_id, meeting.organiser)]
    people += [_get(Instructor, row.instructor_id, row.instructor) for row in meeting.attendance]
    return meeting_at(meeting.title, meeting.day, meeting.start_time, meeting.end_time, people,
                      meeting_id=meeting.id, series_id=meeting.series_id, district_id=meeting.district_id,
                      where=meeting.location or "")


def meeting_at(title: str, day: date, start_time: str, end_time: str, people, *, meeting_id: int | None = None,
               series_id: int | None = None, district_id: int | None = None, where: str = "") -> list[Commitment]:
    """A guidance meeting (saved as ``meeting_id``, or only proposed) for each of ``people``."""
    start, end = _span(day, start_time, end_time)
    what = _("guidance meeting: %(title)s", title=title)
    unique = {person.id: person for person in people if person is not None}
    return [Commitment("meeting", meeting_id, "instructor", ident, start, end, what, person.name,
                       f"series:{series_id}" if series_id else "", district_id,
                       f"/instructors/meetings/{meeting_id}" if meeting_id else "", where)
            for ident, person in unique.items()]


def session_commitments(session: BargainingSession) -> list[Commitment]:
    if session.status == "cancelled" or session.day is None:
        return []
    engagement = _get(Engagement, session.engagement_id, session.engagement)
    start, end = _span(session.day, session.start_time, session.end_time)
    what = _("bargaining session: %(name)s", name=engagement.enterprise)
    return [Commitment("session", session.id, "instructor", person.id, start, end, what, person.name,
                       f"engagement:{engagement.id}", session.district_id,
                       f"/instructors/engagements/{engagement.id}", session.location or "")
            for person in engagement.instructors]


BUILDERS = {Visit: visit_commitments, DutyShift: duty_commitments, PlacementDay: placement_day_commitments,
            Meeting: meeting_commitments, BargainingSession: session_commitments}


def commitments_of_row(row) -> list[Commitment]:
    """The commitments a row of any programme stands for, read as it is now (unsaved changes included)."""
    builder = BUILDERS.get(type(row))
    if builder is None:
        raise TypeError(f"{type(row).__name__} is not an agenda item")
    with db.session.no_autoflush:
        return builder(row)


# ---------------------------------------------------------------------------------------------- in bulk

def commitments_between(ids: dict[str, set[int]], first: date, last: date, *,
                        skip: Collection[str] = ()) -> list[Commitment]:
    """Every commitment of the given records (``{"lawyer": {7}, "mentor": {2}}``) from ``first`` to ``last``
    (a night shift starting the evening before ``first`` included), less the ``skip`` kinds (of ``KINDS``),
    which are not read at all."""
    unknown = set(skip) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}")
    out: list[Commitment] = []
    lawyers, mentors = ids.get("lawyer") or set(), ids.get("mentor") or set()
    trainees, instructors = ids.get("trainee") or set(), ids.get("instructor") or set()
    with db.session.no_autoflush:
        if lawyers and "visit" not in skip:
            for visit in db.session.scalars(select(Visit).where(
                    Visit.lawyer_id.in_(lawyers), Visit.status != "cancelled", Visit.day >= first, Visit.day <= last)
                    .options(selectinload(Visit.station), selectinload(Visit.lawyer))):
                out += visit_commitments(visit)
        if lawyers and "duty" not in skip:
            for row in db.session.scalars(select(DutyShift).where(
                    DutyShift.lawyer_id.in_(lawyers), DutyShift.status == "planned",
                    DutyShift.day >= first - timedelta(days=1), DutyShift.day <= last)
                    .options(selectinload(DutyShift.period), selectinload(DutyShift.lawyer))):
                out += duty_commitments(row)
        if (mentors or trainees) and "placement_day" not in skip:
            who = []
            if mentors:
                who.append(PlacementDay.mentor_id.in_(mentors))
            if trainees:
                who.append(PlacementDay.placement_id.in_(select(Placement.id).where(Placement.trainee_id.in_(trainees))))
            for row in db.session.scalars(select(PlacementDay).where(
                    or_(*who), PlacementDay.status == "planned", PlacementDay.day >= first, PlacementDay.day <= last)
                    .options(selectinload(PlacementDay.placement).selectinload(Placement.trainee),
                             selectinload(PlacementDay.placement).selectinload(Placement.programme_year),
                             selectinload(PlacementDay.mentor))):
                out += [c for c in placement_day_commitments(row)
                        if c.role_id in (mentors if c.role == "mentor" else trainees)]
        if instructors and "meeting" not in skip:
            attending = select(MeetingAttendance.meeting_id).where(MeetingAttendance.instructor_id.in_(instructors))
            for meeting in db.session.scalars(select(Meeting).where(
                    or_(Meeting.organiser_id.in_(instructors), Meeting.id.in_(attending)),
                    Meeting.status != "cancelled", Meeting.day >= first, Meeting.day <= last)
                    .options(selectinload(Meeting.organiser),
                             selectinload(Meeting.attendance).selectinload(MeetingAttendance.instructor))):
                out += [c for c in meeting_commitments(meeting) if c.role_id in instructors]
        if instructors and "session" not in skip:
            assigned = select(engagement_instructors.c.engagement_id).where(
                engagement_instructors.c.instructor_id.in_(instructors))
            for session in db.session.scalars(select(BargainingSession).where(
                    BargainingSession.engagement_id.in_(assigned), BargainingSession.status != "cancelled",
                    BargainingSession.day >= first, BargainingSession.day <= last)
                    .options(selectinload(BargainingSession.engagement).selectinload(Engagement.instructors))):
                out += [c for c in session_commitments(session) if c.role_id in instructors]
    out.sort(key=lambda c: (c.start, c.kind, c.id or 0, c.role))
    return out
