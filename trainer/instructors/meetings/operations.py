"""Guidance meetings (指导例会): series with a recurrence rule, their expansion onto working days, single meetings
moved, cancelled or planned on their own, attendance and minutes. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.agenda import busy_of, meeting_at, refuse_clashes
from trainer.core.clock import now_utc, today_local
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.core.validation import InvalidInput, check_reach
from trainer.instructors.models import PAIRS, Instructor, Meeting, MeetingAttendance, MeetingSeries, Tier
from trainer.instructors.times import check_day, parse_hhmm
from trainer.workdays import (
    YearNotAnnounced,
    holiday_name,
    is_provisional_year,
    is_working_day,
    next_working_day,
)
from trainer.workdays.notice_period import first_open_day

# A meeting series is expanded at most this far, whatever the caller asks.
MAX_EXPANSION_DAYS = 800
# How many working days a meeting may move on to find a day on which everyone expected is free.
MAX_BUSY_STEPS = 10


def horizon(today: date | None = None) -> date:
    """How far ahead meetings are placed: ``JOBS_MEETING_HORIZON_DAYS`` (120) days after today."""
    return (today or today_local()) + timedelta(days=int(current_app.config.get("JOBS_MEETING_HORIZON_DAYS", 120)))


def check_rrule(rule: str, starts_on: date) -> str:
    rule = (rule or "").strip().upper()
    if rule.startswith("RRULE:"):
        rule = rule[6:]
    if not rule.startswith("FREQ="):
        raise InvalidInput({"rrule": _("Write a recurrence rule such as FREQ=MONTHLY;BYDAY=2TU.")})
    if any(part.startswith(("DTSTART", "COUNT=", "UNTIL=")) for part in rule.split(";")):
        raise InvalidInput({"rrule": _("Give the start and end dates in their own fields, not in the rule.")})
    try:
        parsed = rrulestr(rule, dtstart=datetime.combine(starts_on, time()))
        first = parsed.after(datetime.combine(starts_on, time()) - timedelta(seconds=1), inc=True)
    except (ValueError, TypeError):
        raise InvalidInput({"rrule": _("This recurrence rule cannot be read; e.g. FREQ=MONTHLY;BYDAY=2TU or "
                                       "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE.")}) from None
    if first is None:
        raise InvalidInput({"rrule": _("This rule gives no date.")})
    if rule.split(";")[0] in ("FREQ=HOURLY", "FREQ=MINUTELY", "FREQ=SECONDLY"):
        raise InvalidInput({"rrule": _("Meetings repeat daily at most often.")})
    return rule


def _check_pair(organiser: Instructor, pair: str, district_id: int | None) -> int | None:
    if pair not in PAIRS:
        raise InvalidInput({"pair": _("Unknown pair of tiers.")})
    if pair == "city_district" and organiser.tier != Tier.CITY_FULL:
        raise InvalidInput({"organiser_id": _("A city → district meeting is organised by a city full-time "
                                              "instructor.")})
    if pair == "district_part":
        if organiser.tier != Tier.DISTRICT_FULL:
            raise InvalidInput({"organiser_id": _("A district → part-time meeting is organised by a district "
                                                  "full-time instructor.")})
        district_id = organiser.district_id
    return district_id


def save_series(series: MeetingSeries | None, *, organiser: Instructor, pair: str, district_id: int | None,
                title: str, rrule: str, starts_on: date, until: date | None, start_time: str, end_time: str,
                location: str = "", active: bool = True, version: int | None = None) -> MeetingSeries:
    title = (title or "").strip()
    if not title:
        raise InvalidInput({"title": _("Give the meeting a title.")})
    district_id = _check_pair(organiser, pair, district_id)
    rule = check_rrule(rrule, starts_on)
    start_time, end_time = parse_hhmm(start_time, "start_time"), parse_hhmm(end_time, "end_time")
    if end_time <= start_time:
        raise InvalidInput({"end_time": _("The end time must come after the start time.")})
    if until is not None and until < starts_on:
        raise InvalidInput({"until": _("The series ends before it starts.")})
    changed_rule = details_changed = False
    if series is None:
        series = MeetingSeries()
        db.session.add(series)
    else:
        check_version(series, version)
        changed_rule = (series.rrule, series.starts_on, series.until) != (rule, starts_on, until)
        details_changed = (series.start_time, series.end_time, series.location, series.title) != (
            start_time, end_time, location.strip(), title)
    series.organiser, series.pair, series.district_id, series.title = organiser, pair, district_id, title
    series.rrule, series.starts_on, series.until = rule, starts_on, until
    series.start_time, series.end_time, series.location, series.active = start_time, end_time, location.strip(), active
    db.session.flush()
    if series.meetings:
        _reconcile_series(series, changed_rule, details_changed)
    return series


def save_and_place(series: MeetingSeries | None, *, place_until: date, **fields) -> tuple[MeetingSeries, Expansion]:
    """Save a series and place its meetings up to ``place_until`` (the series form and the API)."""
    series = save_series(series, **fields)
    return series, expand_series(series, place_until)


def _reconcile_series(series: MeetingSeries, changed_rule: bool, details_changed: bool) -> None:
    """After an edit: future meetings follow the new time and place; those the new rule no longer gives are
    cancelled (kept, so calendars learn it); meetings moved or cancelled by hand are left alone."""
    today = today_local()
    wanted = set(_rule_days(series, today, today + timedelta(days=MAX_EXPANSION_DAYS))) if changed_rule else None
    for meeting in series.meetings:
        if meeting.day < today or meeting.moved_by_hand:
            continue
        if wanted is not None and meeting.original_day not in wanted and meeting.status == "scheduled":
            meeting.status = "cancelled"
            meeting.cancel_reason = _("The series' rule changed.")
            meeting.sequence += 1
            continue
        if not series.active and meeting.status == "scheduled":
            meeting.status = "cancelled"
            meeting.cancel_reason = _("The series was stopped.")
            meeting.sequence += 1
            continue
        if details_changed and meeting.status == "scheduled":
            meeting.title, meeting.start_time, meeting.end_time = series.title, series.start_time, series.end_time
            meeting.location = series.location
            meeting.sequence += 1
    db.session.flush()


def _rule_days(series: MeetingSeries, start: date, end: date) -> list[date]:
    rule = rrulestr(series.rrule, dtstart=datetime.combine(series.starts_on, time()))
    last = min(end, series.until) if series.until else end
    first = max(start, series.starts_on)
    if last < first:
        return []
    return [moment.date() for moment in rule.between(datetime.combine(first, time()),
                                                     datetime.combine(last, time()), inc=True)]


@dataclass(frozen=True)
class Placement:
    day: date
    moved_because: str | None  # holiday name (zh) or "weekend"
    provisional: bool


def place_on_working_day(day: date, *, provisional: bool = False) -> Placement:
    """The working day a meeting of ``day`` is held on: the day itself, or the next working day.
    Raises YearNotAnnounced unless ``provisional`` (then the placement is marked provisional)."""
    if is_working_day(day, allow_provisional=provisional):
        return Placement(day, None, provisional and is_provisional_year(day.year))
    reason = holiday_name(day, allow_provisional=provisional, language="zh") or "weekend"
    actual = day
    for _step in range(40):
        actual += timedelta(days=1)
        if is_working_day(actual, allow_provisional=provisional):
            break
    is_prov = provisional and (is_provisional_year(day.year) or is_provisional_year(actual.year))
    return Placement(actual, reason, is_prov)


def moved_reason(meeting, language: str = "zh") -> str:
    """原定 2026年10月1日 为国庆节，顺延至 2026年10月9日 — in the page's language."""
    if meeting.moved_by_hand:
        return _("Moved by hand from %(original)s.", original=format_day(meeting.original_day)) \
            if meeting.original_day and meeting.original_day != meeting.day else ""
    if not meeting.moved_because or not meeting.original_day:
        return ""
    if meeting.moved_because == "busy":
        return _("Planned for %(original)s; moved to %(day)s, the first working day on which everyone expected is "
                 "free of other commitments.", original=format_day(meeting.original_day),
                 day=format_day(meeting.day))
    if meeting.moved_because == "weekend":
        name = _("a weekend")
    else:
        name = meeting.moved_because
        if language == "en":
            try:
                name = holiday_name(meeting.original_day, allow_provisional=True, language="en") or name
            except Exception:  # noqa: BLE001 - the stored Chinese name is a fine fallback
                pass
    return _("Planned for %(original)s, which is %(name)s; moved to the next working day, %(day)s.",
             original=format_day(meeting.original_day), name=name, day=format_day(meeting.day))


@dataclass
class Expansion:
    created: int = 0
    stopped_year: int | None = None  # the year the expansion could not enter (not announced)
    provisional: int = 0
    within_notice: int = 0  # rule dates an automatic expansion left alone: within the minimum notice

    def summary(self) -> str:
        text = _("%(n)s meeting(s) created.", n=self.created)
        if self.within_notice:
            text += " " + _("%(n)s meeting(s) of the rules fall within the minimum notice and were not placed "
                            "automatically; add them by hand if they are to be held.", n=self.within_notice)
        if self.stopped_year:
            text += " " + _("Stopped at %(year)s: its official holiday calendar is not announced yet.",
                            year=self.stopped_year)
        if self.provisional:
            text += " " + _("%(n)s placed provisionally.", n=self.provisional)
        return text


def expected_attendees(series_or_meeting) -> list[Instructor]:
    """The organiser and the serving instructors they guide (of the district, for a district meeting)."""
    organiser = series_or_meeting.organiser
    people = [organiser]
    for person in organiser.guided:
        if person.status == "ended":
            continue
        if series_or_meeting.district_id is not None and person.district_id != series_or_meeting.district_id:
            continue
        people.append(person)
    return people


def expand_series(series: MeetingSeries, until: date, *, start: date | None = None,
                  provisional: bool = False, automatic: bool = False, today: date | None = None) -> Expansion:
    """Create the meetings the rule gives up to ``until`` (idempotent: one row per rule date).

    A date on a non-working day moves to the next working day and records why. A year whose calendar is
    not announced stops the expansion (recorded on the series) unless ``provisional`` is asked for.
    ``automatic`` (the night job, a year's notice confirmed): nothing is placed in the past or within the
    district's minimum notice (``trainer.workdays.notice_period``); those rule dates are counted, not placed.
    """
    result = Expansion()
    if not series.active:
        return result
    start = start or series.starts_on
    until = min(until, today_local() + timedelta(days=MAX_EXPANSION_DAYS))
    existing = set(db.session.scalars(select(Meeting.original_day).where(Meeting.series_id == series.id)))
    attendees = busy = None
    stopped = None
    today = today or today_local()
    open_day = first_open_day(series.district_id, today) if automatic else None
    for day in _rule_days(series, start, until):
        if day in existing:
            continue
        if open_day is not None and day < open_day:
            result.within_notice += int(day >= today)
            continue
        if attendees is None:
            attendees = expected_attendees(series)
            busy = _busy(series, attendees, start, until)
        try:
            placement = _free_placement(series, place_on_working_day(day, provisional=provisional), busy,
                                        provisional)
        except YearNotAnnounced as error:
            result.stopped_year = stopped = error.year
            break
        meeting = Meeting(series=series, organiser=series.organiser, district_id=series.district_id,
                          title=series.title, original_day=day, day=placement.day,
                          moved_because=placement.moved_because, provisional=placement.provisional,
                          start_time=series.start_time, end_time=series.end_time, location=series.location,
                          status="scheduled", sequence=0, moved_by_hand=False)
        meeting.attendance = [MeetingAttendance(instructor=person) for person in attendees]
        db.session.add(meeting)
        result.created += 1
        result.provisional += int(placement.provisional)
    # The year the series waits for: set when this expansion stopped there, cleared only by one that went into
    # that year (a shorter expansion the same night must not clear it and write the change twice).
    if stopped is not None:
        if series.blocked_year != stopped:
            series.blocked_year = stopped
    elif series.blocked_year is not None and until.year >= series.blocked_year:
        series.blocked_year = None
    db.session.flush()
    return result


def _busy(series: MeetingSeries, attendees: list[Instructor], start: date, until: date) -> list:
    """What the people expected at the series' meetings have on elsewhere (trainer.agenda)."""
    own = f"series:{series.id}" if series.id else None
    found = busy_of("instructor", [p.id for p in attendees], start, until + timedelta(days=31),
                    ignore=lambda c: c.kind == "meeting" and c.scope == own)
    return [item for items in found.values() for item in items]


def _free_placement(series: MeetingSeries, placement: Placement, busy: list, provisional: bool) -> Placement:
    """The placement, or the first working day after it on which nobody expected has another commitment at
    the meeting's time; the rule's day when nobody is free for MAX_BUSY_STEPS working days."""
    day = placement.day
    for _step in range(MAX_BUSY_STEPS):
        [probe] = meeting_at(series.title, day, series.start_time, series.end_time, [series.organiser])
        if not any(item.overlaps(probe) for item in busy):
            if day == placement.day:
                return placement
            return Placement(day, "busy", provisional and is_provisional_year(day.year))
        day = next_working_day(day, allow_provisional=provisional)
    return placement


def expand_all(until: date, *, provisional: bool = False, today: date | None = None) -> Expansion:
    """Every active series placed up to ``until`` — the roll-forward: automatic, so never in the past or within
    a district's minimum notice."""
    total = Expansion()
    for series in db.session.scalars(select(MeetingSeries).where(MeetingSeries.active.is_(True))
                                     .options(selectinload(MeetingSeries.organiser))):
        result = expand_series(series, until, provisional=provisional, automatic=True, today=today)
        total.created += result.created
        total.provisional += result.provisional
        total.within_notice += result.within_notice
        total.stopped_year = total.stopped_year or result.stopped_year
    return total


def move_meeting(meeting: Meeting, *, day: date, start_time: str, end_time: str, location: str,
                 version: int | None = None) -> Meeting:
    check_version(meeting, version)
    if meeting.status == "cancelled":
        raise InvalidInput({"day": _("This meeting is cancelled; it cannot be moved.")})
    start_time, end_time = parse_hhmm(start_time, "start_time"), parse_hhmm(end_time, "end_time")
    if end_time <= start_time:
        raise InvalidInput({"end_time": _("The end time must come after the start time.")})
    if day != meeting.day:
        check_reach(day, "day", today=today_local())
    provisional = check_day(day)
    changed = (meeting.day, meeting.start_time, meeting.end_time, meeting.location) != (
        day, start_time, end_time, (location or "").strip())
    if changed:
        if meeting.day != day:
            meeting.moved_by_hand = True
            if meeting.original_day is None:
                meeting.original_day = meeting.day if meeting.series_id is None else meeting.original_day
        meeting.day, meeting.start_time, meeting.end_time = day, start_time, end_time
        meeting.location = (location or "").strip()
        meeting.provisional = provisional
        meeting.sequence += 1
        # Everyone expected must be free then in every programme; a clash is refused naming both items.
        refuse_clashes(meeting, "day")
    db.session.flush()
    return meeting


def cancel_meeting(meeting: Meeting, reason: str = "", version: int | None = None) -> Meeting:
    check_version(meeting, version)
    if meeting.status != "cancelled":
        meeting.status = "cancelled"
        meeting.cancel_reason = (reason or "").strip()[:200] or None
        meeting.moved_by_hand = True  # a series edit must not bring it back
        meeting.sequence += 1
    db.session.flush()
    return meeting


def record_meeting(meeting: Meeting, *, present_ids: set[int], minutes: str | None,
                   version: int | None = None) -> Meeting:
    """Attendance and minutes (会议纪要) after the meeting."""
    check_version(meeting, version)
    if meeting.status == "cancelled":
        raise InvalidInput({"minutes": _("This meeting was cancelled; there is nothing to record.")})
    if meeting.day > today_local():
        raise InvalidInput({"minutes": _("Attendance is recorded on or after the day of the meeting.")})
    for row in meeting.attendance:
        row.present = row.instructor_id in present_ids
    meeting.minutes = (minutes or "").strip() or None
    meeting.updated_at = now_utc()
    db.session.flush()
    return meeting


def create_meeting(*, organiser: Instructor, district_id: int | None, title: str, day: date, start_time: str,
                   end_time: str, location: str = "") -> Meeting:
    """A single meeting outside any series."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput({"title": _("Give the meeting a title.")})
    start_time, end_time = parse_hhmm(start_time, "start_time"), parse_hhmm(end_time, "end_time")
    if end_time <= start_time:
        raise InvalidInput({"end_time": _("The end time must come after the start time.")})
    # A meeting that already took place may be entered afterwards, to record it.
    check_reach(day, "day", today=today_local(), past_allowed=True)
    provisional = check_day(day)
    if organiser.tier != Tier.CITY_FULL:
        district_id = organiser.district_id
    meeting = Meeting(organiser=organiser, district_id=district_id, title=title, day=day, start_time=start_time,
                      end_time=end_time, location=(location or "").strip(), provisional=provisional,
                      status="scheduled", sequence=0, moved_by_hand=False)
    meeting.attendance = [MeetingAttendance(instructor=p) for p in expected_attendees(meeting)]
    refuse_clashes(meeting, "day")
    db.session.add(meeting)
    db.session.flush()
    return meeting
