"""Instructors, the hierarchy rules, duties, meetings, engagements, training. Callers commit.

Every rule of the three-tier hierarchy lives in ``check_guide``: the web form, the API, the importer and the
programme file all go through ``save_instructor``/``set_guide``, so each refusal carries the same message,
naming the rule.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from dateutil.rrule import rrulestr
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from trainer.core.clock import now_utc, today_local
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.instructors.models import (
    AREA_KINDS,
    ASSESSMENT_RESULTS,
    BACKGROUNDS,
    INSTRUCTOR_STATUSES,
    PAIRS,
    STAGES,
    TIERS,
    Assessment,
    BargainingSession,
    Engagement,
    Instructor,
    Meeting,
    MeetingAttendance,
    MeetingSeries,
    Responsibility,
    Stage,
    Tier,
    TrainingRecord,
    stage_index,
)

TIER_LABELS = {"city_full": _l("City full-time"), "district_full": _l("District full-time"),
               "district_part": _l("District part-time")}
BACKGROUND_LABELS = {"expert": _l("Expert"), "lawyer": _l("Lawyer"), "teacher": _l("Teacher"),
                     "social_worker": _l("Social worker"), "manager": _l("Enterprise manager")}
STATUS_LABELS = {"active": _l("Active"), "suspended": _l("Suspended"), "ended": _l("Term ended")}
AREA_LABELS = {"street": _l("Street"), "industry": _l("Industry"), "enterprise": _l("Enterprise")}
PAIR_LABELS = {"city_district": _l("City → district full-time"),
               "district_part": _l("District full-time → part-time")}
STAGE_LABELS = {
    "request_sent": _l("Request sent"),
    "awaiting_reply": _l("Awaiting reply (20 days)"),
    "preparation": _l("Preparation"),
    "sessions": _l("Bargaining sessions"),
    "signed": _l("Agreement signed"),
    "filed": _l("Filed with the labour bureau (10 days)"),
    "in_force": _l("In force"),
}
RESULT_LABELS = {"excellent": _l("Excellent"), "competent": _l("Competent"), "basic": _l("Basically competent"),
                 "not_competent": _l("Not competent")}
MEETING_STATUS_LABELS = {"scheduled": _l("Scheduled"), "cancelled": _l("Cancelled")}

# The industries a district's duties should cover, unless INSTRUCTOR_INDUSTRIES is configured.
DEFAULT_INDUSTRIES = ["制造业", "建筑业", "批发和零售业", "住宿和餐饮业", "交通运输业", "信息技术服务业", "金融业",
                      "教育", "卫生健康", "商业服务业"]
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# A meeting series is expanded at most this far, whatever the caller asks.
MAX_EXPANSION_DAYS = 800


def known_industries() -> list[str]:
    configured = current_app.config.get("INSTRUCTOR_INDUSTRIES") if has_app_context() else None
    return list(configured or DEFAULT_INDUSTRIES)


def span_limit() -> int:
    return int(current_app.config.get("INSTRUCTOR_SPAN_LIMIT", 8))


# --- instructors and the hierarchy -----------------------------------------------------------------------

def tier_label(tier: str | None) -> str:
    return str(TIER_LABELS.get(tier or "", tier or ""))


def check_guide(instructor: Instructor, guide: Instructor | None, *, tier: str, district_id: int | None) -> None:
    """Raise InvalidInput({"guide_id": ...}) naming the rule the link would break."""
    if tier == Tier.CITY_FULL:
        if guide is not None:
            raise InvalidInput({"guide_id": _("Rule: a city full-time instructor is guided by no one; "
                                              "leave the guide empty.")})
        return
    if guide is None:
        if tier == Tier.DISTRICT_FULL:
            message = _("Rule: every district full-time instructor is guided by one city full-time instructor; "
                        "choose one.")
        else:
            message = _("Rule: every part-time instructor is linked to a full-time instructor of the same "
                        "district; choose one.")
        raise InvalidInput({"guide_id": message})
    if instructor.id is not None and guide.id == instructor.id:
        raise InvalidInput({"guide_id": _("Rule: an instructor cannot guide themselves.")})
    if tier == Tier.DISTRICT_FULL and guide.tier != Tier.CITY_FULL:
        raise InvalidInput({"guide_id": _(
            "Rule: a district full-time instructor is guided by a city full-time instructor; %(name)s is %(tier)s.",
            name=guide.name, tier=tier_label(guide.tier))})
    if tier == Tier.DISTRICT_PART:
        if guide.tier == Tier.CITY_FULL:
            raise InvalidInput({"guide_id": _(
                "Rule: a part-time instructor cannot be placed directly under a city instructor (%(name)s); "
                "link them to a district full-time instructor of their district.", name=guide.name)})
        if guide.tier != Tier.DISTRICT_FULL:
            raise InvalidInput({"guide_id": _(
                "Rule: a part-time instructor is linked to a district full-time instructor; %(name)s is %(tier)s.",
                name=guide.name, tier=tier_label(guide.tier))})
        if guide.district_id != district_id:
            raise InvalidInput({"guide_id": _(
                "Rule: a part-time instructor is linked to a full-time instructor of the same district; "
                "%(name)s works in %(district)s.", name=guide.name,
                district=guide.district.name if guide.district else "—")})
    if guide.status == "ended":
        raise InvalidInput({"guide_id": _("Rule: the guide must be a serving instructor; %(name)s's term has ended.",
                                          name=guide.name)})
    # No cycles: walk up from the guide; meeting the instructor again would close a loop.
    seen: list[str] = [instructor.name or "?"]
    current: Instructor | None = guide
    steps = 0
    while current is not None and steps < 50:
        seen.append(current.name)
        if instructor.id is not None and current.id == instructor.id:
            raise InvalidInput({"guide_id": _("Rule: the hierarchy has no cycles; this link would make one: "
                                              "%(chain)s.", chain=" → ".join(seen))})
        current = current.guide
        steps += 1


def _check_tier_change(instructor: Instructor, tier: str, district_id: int | None) -> None:
    """Someone who guides others keeps tier and district until they are moved (the rules hold for them too)."""
    if instructor.id is None or (instructor.tier == tier and instructor.district_id == district_id):
        return
    guided = [g for g in instructor.guided]
    if guided:
        raise InvalidInput({"tier": _(
            "%(name)s guides %(n)s instructor(s) (%(names)s); link them to another guide before changing "
            "the tier or district.", name=instructor.name, n=len(guided),
            names="、".join(g.name for g in guided[:5]))})


def save_instructor(instructor: Instructor | None, *, tier: str, district_id: int | None, name: str,
                    background: str, phone: str | None = None, specialities: list[str] | None = None,
                    term_from: date | None = None, term_to: date | None = None, status: str = "active",
                    guide: Instructor | None = None, user_id: int | None = None, notes: str | None = None,
                    version: int | None = None) -> Instructor:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Enter the instructor's name.")
    if tier not in TIERS:
        errors["tier"] = _("Unknown tier.")
    if background not in BACKGROUNDS:
        errors["background"] = _("Unknown background.")
    if status not in INSTRUCTOR_STATUSES:
        errors["status"] = _("Unknown status.")
    if tier == Tier.CITY_FULL:
        district_id = None
    elif tier in TIERS and not district_id:
        errors["district_id"] = _("Rule: a district instructor belongs to a district; choose it.")
    if term_from and term_to and term_to < term_from:
        errors["term_to"] = _("The appointment ends before it starts.")
    if errors:
        raise InvalidInput(errors)
    if instructor is None:
        instructor = Instructor()
    else:
        check_version(instructor, version)
        _check_tier_change(instructor, tier, district_id)
    check_guide(instructor, guide, tier=tier, district_id=district_id)
    if user_id:
        _check_account(instructor, user_id)
    if instructor.id is None:
        db.session.add(instructor)
    instructor.tier, instructor.district_id, instructor.name = tier, district_id, name
    instructor.background, instructor.status = background, status
    instructor.phone = (phone or "").strip() or None
    instructor.specialities = _clean_list(specialities)
    instructor.term_from, instructor.term_to = term_from, term_to
    instructor.user_id = user_id or None
    instructor.notes = (notes or "").strip() or None
    _link(instructor, guide)
    db.session.flush()
    return instructor


def _check_account(instructor: Instructor, user_id: int) -> None:
    from trainer.auth.models import Role, User

    user = db.session.get(User, user_id)
    if user is None or user.role != Role.INSTRUCTOR:
        raise InvalidInput({"user_id": _("Choose an account with the instructor role.")})
    taken = db.session.scalar(select(Instructor).where(Instructor.user_id == user_id))
    if taken is not None and taken is not instructor:
        raise InvalidInput({"user_id": _("This account already belongs to %(name)s.", name=taken.name)})


def _link(instructor: Instructor, guide: Instructor | None) -> None:
    instructor.guide = guide
    instructor.guide_id = guide.id if guide is not None else None
    instructor.guide_tier = guide.tier if guide is not None else None
    instructor.guide_district_id = guide.district_id if guide is not None and guide.tier != Tier.CITY_FULL else None


def set_guide(instructor: Instructor, guide: Instructor | None, version: int | None = None) -> Instructor:
    """Change only the hierarchy link (the org chart's and the API's move)."""
    check_version(instructor, version)
    check_guide(instructor, guide, tier=instructor.tier, district_id=instructor.district_id)
    _link(instructor, guide)
    db.session.flush()
    return instructor


def _clean_list(values) -> list[str]:
    seen, result = set(), []
    for value in values or []:
        value = str(value).strip()
        if value and value not in seen:
            seen.add(value)
            result.append(value)
    return result


def instructor_for_user(user) -> Instructor | None:
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return db.session.scalar(select(Instructor).where(Instructor.user_id == user.id)
                             .options(selectinload(Instructor.guided), selectinload(Instructor.responsibilities)))


def visible_instructors_stmt(district_id: int | None):
    """City instructors and those of the district (all when district_id is None: the city admin)."""
    stmt = select(Instructor)
    if district_id is not None:
        stmt = stmt.where(or_(Instructor.district_id == district_id, Instructor.tier == Tier.CITY_FULL))
    return stmt


# --- the org chart --------------------------------------------------------------------------------------

@dataclass
class ChartNode:
    instructor: Instructor
    children: list[ChartNode] = field(default_factory=list)

    @property
    def span(self) -> int:
        return len(self.children)


@dataclass
class OrgChart:
    roots: list[ChartNode]
    unlinked: list[Instructor]  # district instructors whose guide is missing (to be fixed)
    limit: int

    def over_limit(self) -> list[ChartNode]:
        found = []

        def walk(nodes):
            for node in nodes:
                if node.span > self.limit:
                    found.append(node)
                walk(node.children)

        walk(self.roots)
        return found


def org_chart(district_id: int | None, *, include_ended: bool = False) -> OrgChart:
    """The tree: city instructors, the district full-time instructors they guide, their part-time ones.

    With a district, only that district's instructors appear, under the city instructors who guide them.
    Spans count the instructors guided in the whole city (a city instructor's span is city-wide).
    """
    rows = db.session.scalars(select(Instructor).options(selectinload(Instructor.district))
                              .order_by(Instructor.name)).all()
    if not include_ended:
        rows = [r for r in rows if r.status != "ended"]
    by_guide: dict[int | None, list[Instructor]] = defaultdict(list)
    for row in rows:
        by_guide[row.guide_id].append(row)
    ids = {r.id for r in rows}

    def build(instructor: Instructor) -> ChartNode:
        node = ChartNode(instructor)
        for child in by_guide.get(instructor.id, []):
            node.children.append(build(child))
        return node

    roots = [build(r) for r in rows if r.tier == Tier.CITY_FULL]
    unlinked = [r for r in rows if r.tier != Tier.CITY_FULL and (r.guide_id is None or r.guide_id not in ids)]
    if district_id is not None:
        for root in roots:
            root.children = [c for c in root.children if c.instructor.district_id == district_id]
        city_span = {root.instructor.id: len(by_guide.get(root.instructor.id, [])) for root in roots}
        roots = [r for r in roots if r.children]
        unlinked = [u for u in unlinked if u.district_id == district_id]
        for root in roots:
            root.city_span = city_span[root.instructor.id]
    return OrgChart(roots=roots, unlinked=unlinked, limit=span_limit())


def spans() -> dict[int, int]:
    """How many instructors each instructor guides (serving ones)."""
    from sqlalchemy import func

    rows = db.session.execute(select(Instructor.guide_id, func.count()).where(
        Instructor.guide_id.is_not(None), Instructor.status != "ended").group_by(Instructor.guide_id)).all()
    return {guide_id: count for guide_id, count in rows}


# --- division of duties ----------------------------------------------------------------------------------

def add_responsibility(instructor: Instructor, kind: str, value: str) -> Responsibility:
    value = (value or "").strip()
    if kind not in AREA_KINDS:
        raise InvalidInput({"kind": _("Unknown kind of area.")})
    if not value:
        raise InvalidInput({"value": _("Name the street, industry or enterprise.")})
    if len(value) > 120:
        raise InvalidInput({"value": _("Keep it under 120 characters.")})
    for existing in instructor.responsibilities:
        if existing.kind == kind and existing.value == value:
            raise InvalidInput({"value": _("%(name)s already covers %(value)s.", name=instructor.name, value=value)})
    area = Responsibility(instructor=instructor, kind=kind, value=value)
    db.session.add(area)
    db.session.flush()
    return area


def remove_responsibility(area: Responsibility) -> None:
    area.instructor.responsibilities.remove(area)
    db.session.delete(area)
    db.session.flush()


def district_streets(district_id: int) -> list[str]:
    from trainer.org.models import Union

    rows = db.session.scalars(select(Union.street).where(Union.district_id == district_id, Union.kind == "street",
                                                         Union.street.is_not(None))).all()
    return sorted(set(rows))


@dataclass
class Coverage:
    streets: list[str]
    industries: list[str]
    covered: dict[tuple[str, str], list[Instructor]]  # (kind, value) -> active instructors covering it
    gaps: dict[str, list[str]]  # kind -> areas nobody covers
    overlaps: list[tuple[str, str, str, list[Instructor]]]  # (kind, value, tier, instructors of that tier)


def coverage(district_id: int) -> Coverage:
    """Which of the district's streets and industries are covered, the gaps and the overlaps within a tier."""
    rows = db.session.scalars(select(Instructor).where(Instructor.district_id == district_id,
                                                       Instructor.status == "active")
                              .options(selectinload(Instructor.responsibilities)).order_by(Instructor.name)).all()
    covered: dict[tuple[str, str], list[Instructor]] = defaultdict(list)
    for instructor in rows:
        for area in instructor.responsibilities:
            covered[(area.kind, area.value)].append(instructor)
    streets = district_streets(district_id)
    industries = known_industries()
    gaps = {"street": [s for s in streets if ("street", s) not in covered],
            "industry": [i for i in industries if ("industry", i) not in covered]}
    overlaps = []
    for (kind, value), people in sorted(covered.items()):
        by_tier: dict[str, list[Instructor]] = defaultdict(list)
        for person in people:
            by_tier[person.tier].append(person)
        for tier, same in by_tier.items():
            if len(same) > 1:
                overlaps.append((kind, value, tier, same))
    return Coverage(streets=streets, industries=industries, covered=dict(covered), gaps=gaps, overlaps=overlaps)


# --- meetings: series, expansion onto working days --------------------------------------------------------

def parse_hhmm(value: str, field_name: str) -> str:
    value = (value or "").strip()
    if not HHMM.match(value):
        raise InvalidInput({field_name: _("Write the time as 09:30.")})
    return value


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
    from trainer.workdays import holiday_name, is_provisional_year, is_working_day

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
    from trainer.core.i18n import format_day

    if meeting.moved_by_hand:
        return _("Moved by hand from %(original)s.", original=format_day(meeting.original_day)) \
            if meeting.original_day and meeting.original_day != meeting.day else ""
    if not meeting.moved_because or not meeting.original_day:
        return ""
    if meeting.moved_because == "weekend":
        name = _("a weekend")
    else:
        name = meeting.moved_because
        if language == "en":
            from trainer.workdays import holiday_name

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

    def summary(self) -> str:
        text = _("%(n)s meeting(s) created.", n=self.created)
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
                  provisional: bool = False) -> Expansion:
    """Create the meetings the rule gives up to ``until`` (idempotent: one row per rule date).

    A date on a non-working day moves to the next working day and records why. A year whose calendar is
    not announced stops the expansion (recorded on the series) unless ``provisional`` is asked for.
    """
    from trainer.workdays import YearNotAnnounced

    result = Expansion()
    if not series.active:
        return result
    start = start or series.starts_on
    until = min(until, today_local() + timedelta(days=MAX_EXPANSION_DAYS))
    existing = set(db.session.scalars(select(Meeting.original_day).where(Meeting.series_id == series.id)))
    attendees = None
    series.blocked_year = None
    for day in _rule_days(series, start, until):
        if day in existing:
            continue
        try:
            placement = place_on_working_day(day, provisional=provisional)
        except YearNotAnnounced as error:
            result.stopped_year = error.year
            series.blocked_year = error.year
            break
        if attendees is None:
            attendees = expected_attendees(series)
        meeting = Meeting(series=series, organiser=series.organiser, district_id=series.district_id,
                          title=series.title, original_day=day, day=placement.day,
                          moved_because=placement.moved_because, provisional=placement.provisional,
                          start_time=series.start_time, end_time=series.end_time, location=series.location,
                          status="scheduled", sequence=0, moved_by_hand=False)
        meeting.attendance = [MeetingAttendance(instructor=person) for person in attendees]
        db.session.add(meeting)
        result.created += 1
        result.provisional += int(placement.provisional)
    db.session.flush()
    return result


def expand_all(until: date, *, provisional: bool = False) -> Expansion:
    total = Expansion()
    for series in db.session.scalars(select(MeetingSeries).where(MeetingSeries.active.is_(True))
                                     .options(selectinload(MeetingSeries.organiser))):
        result = expand_series(series, until, provisional=provisional)
        total.created += result.created
        total.provisional += result.provisional
        total.stopped_year = total.stopped_year or result.stopped_year
    return total


def _check_day(day: date, field_name: str = "day") -> bool:
    """Refuse a non-working day; returns True when the day's year is only provisional."""
    from trainer.core.i18n import format_day
    from trainer.workdays import YearNotAnnounced, holiday_name, is_provisional_year, is_working_day

    try:
        working = is_working_day(day)
        provisional = False
    except YearNotAnnounced:
        working = is_working_day(day, allow_provisional=True)
        provisional = is_provisional_year(day.year)
    if not working:
        name = holiday_name(day, allow_provisional=True)
        reason = name or _("a weekend")
        raise InvalidInput({field_name: _("%(day)s is not a working day (%(reason)s); choose a working day.",
                                          day=format_day(day), reason=reason)})
    return provisional


def move_meeting(meeting: Meeting, *, day: date, start_time: str, end_time: str, location: str,
                 version: int | None = None) -> Meeting:
    check_version(meeting, version)
    if meeting.status == "cancelled":
        raise InvalidInput({"day": _("This meeting is cancelled; it cannot be moved.")})
    start_time, end_time = parse_hhmm(start_time, "start_time"), parse_hhmm(end_time, "end_time")
    if end_time <= start_time:
        raise InvalidInput({"end_time": _("The end time must come after the start time.")})
    provisional = _check_day(day)
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
    provisional = _check_day(day)
    if organiser.tier != Tier.CITY_FULL:
        district_id = organiser.district_id
    meeting = Meeting(organiser=organiser, district_id=district_id, title=title, day=day, start_time=start_time,
                      end_time=end_time, location=(location or "").strip(), provisional=provisional,
                      status="scheduled", sequence=0, moved_by_hand=False)
    meeting.attendance = [MeetingAttendance(instructor=p) for p in expected_attendees(meeting)]
    db.session.add(meeting)
    db.session.flush()
    return meeting


# --- engagements ------------------------------------------------------------------------------------------

def days_left(due: date | None, today: date | None = None) -> int | None:
    if due is None:
        return None
    return (due - (today or today_local())).days


_STAGE_DATES = (
    (Stage.SIGNED, "agreement_signed_on", _l("Enter the day the agreement was signed.")),
    (Stage.FILED, "filed_on", _l("Enter the day it was submitted to the labour bureau.")),
    (Stage.IN_FORCE, "in_force_on", _l("Enter the day the contract came into force.")),
)


def save_engagement(engagement: Engagement | None, *, district_id: int, enterprise: str, union_name: str,
                    industry: str | None, street: str | None, stage: str, request_sent_on: date | None,
                    reply_received_on: date | None = None, agreement_signed_on: date | None = None,
                    filed_on: date | None = None, in_force_on: date | None = None, notes: str | None = None,
                    instructors: list[Instructor] | None = None, version: int | None = None) -> Engagement:
    errors: dict[str, str] = {}
    enterprise, union_name = (enterprise or "").strip(), (union_name or "").strip()
    if not enterprise:
        errors["enterprise"] = _("Name the enterprise.")
    if not union_name:
        errors["union_name"] = _("Name the enterprise's union.")
    if stage not in STAGES:
        errors["stage"] = _("Unknown stage.")
    if request_sent_on is None:
        errors["request_sent_on"] = _("Enter the day the bargaining request was sent.")
    if errors:
        raise InvalidInput(errors)
    values = {"agreement_signed_on": agreement_signed_on, "filed_on": filed_on, "in_force_on": in_force_on}
    for needed_stage, name, message in _STAGE_DATES:
        if stage_index(stage) >= stage_index(needed_stage) and values[name] is None:
            errors[name] = str(message)
    if reply_received_on and reply_received_on < request_sent_on:
        errors["reply_received_on"] = _("The reply cannot come before the request.")
    if agreement_signed_on and agreement_signed_on < request_sent_on:
        errors["agreement_signed_on"] = _("The agreement cannot be signed before the request was sent.")
    if filed_on and (agreement_signed_on is None or filed_on < agreement_signed_on):
        errors["filed_on"] = _("Filing comes after signing.")
    if in_force_on and (agreement_signed_on is None or in_force_on < agreement_signed_on):
        errors["in_force_on"] = _("The contract comes into force after it is signed.")
    for person in instructors or []:
        if person.tier != Tier.CITY_FULL and person.district_id != district_id:
            errors["instructor_ids"] = _("%(name)s works in another district.", name=person.name)
        elif person.status != "active":
            errors["instructor_ids"] = _("%(name)s is not serving.", name=person.name)
    if errors:
        raise InvalidInput(errors)
    if engagement is None:
        engagement = Engagement(sequence=0)
        db.session.add(engagement)
        dates_changed = False
    else:
        check_version(engagement, version)
        dates_changed = (engagement.request_sent_on, engagement.agreement_signed_on, engagement.filed_on,
                         engagement.stage, engagement.enterprise) != (
            request_sent_on, agreement_signed_on, filed_on, stage, enterprise)
    engagement.district_id, engagement.enterprise, engagement.union_name = district_id, enterprise, union_name
    engagement.industry = (industry or "").strip() or None
    engagement.street = (street or "").strip() or None
    engagement.stage, engagement.request_sent_on = stage, request_sent_on
    engagement.reply_received_on, engagement.agreement_signed_on = reply_received_on, agreement_signed_on
    engagement.filed_on, engagement.in_force_on = filed_on, in_force_on
    engagement.notes = (notes or "").strip() or None
    if instructors is not None:
        if {p.id for p in engagement.instructors} != {p.id for p in instructors}:
            dates_changed = True
        engagement.instructors = list(instructors)
    if dates_changed:
        engagement.sequence += 1
        engagement.updated_at = now_utc()
        for session in engagement.sessions:  # the people on a session changed with it
            session.sequence += 1
    db.session.flush()
    return engagement


@dataclass(frozen=True)
class Suggestion:
    instructor: Instructor
    score: int
    reasons: tuple[str, ...]


def suggest_instructors(*, district_id: int, enterprise: str | None, street: str | None,
                        industry: str | None) -> list[Suggestion]:
    """Instructors to assign, by the areas they cover and their specialities (by area, then speciality)."""
    rows = db.session.scalars(select(Instructor).where(Instructor.district_id == district_id,
                                                       Instructor.status == "active")
                              .options(selectinload(Instructor.responsibilities))).all()
    suggestions = []
    for person in rows:
        score, reasons = 0, []
        areas = {(a.kind, a.value) for a in person.responsibilities}
        if enterprise and ("enterprise", enterprise.strip()) in areas:
            score += 4
            reasons.append(_("covers the enterprise"))
        if street and ("street", street.strip()) in areas:
            score += 3
            reasons.append(_("covers the street"))
        if industry and ("industry", industry.strip()) in areas:
            score += 2
            reasons.append(_("covers the industry"))
        if industry and industry.strip() in (person.specialities or []):
            score += 1
            reasons.append(_("speciality"))
        if score:
            suggestions.append(Suggestion(person, score, tuple(reasons)))
    suggestions.sort(key=lambda s: (-s.score, s.instructor.tier != Tier.DISTRICT_FULL, s.instructor.name))
    return suggestions


def save_session(session: BargainingSession | None, *, engagement: Engagement, day: date, start_time: str,
                 end_time: str, location: str = "", notes: str | None = None,
                 version: int | None = None) -> BargainingSession:
    start_time, end_time = parse_hhmm(start_time, "start_time"), parse_hhmm(end_time, "end_time")
    if end_time <= start_time:
        raise InvalidInput({"end_time": _("The end time must come after the start time.")})
    if day < engagement.request_sent_on:
        raise InvalidInput({"day": _("A session comes after the bargaining request.")})
    provisional = _check_day(day)
    if session is None:
        session = BargainingSession(engagement=engagement, district_id=engagement.district_id, sequence=0,
                                    status="scheduled")
        db.session.add(session)
    else:
        check_version(session, version)
        if (session.day, session.start_time, session.end_time, session.location) != (
                day, start_time, end_time, (location or "").strip()):
            session.sequence += 1
    session.day, session.start_time, session.end_time = day, start_time, end_time
    session.location, session.notes = (location or "").strip(), (notes or "").strip() or None
    session.provisional = provisional
    if engagement.stage in (Stage.REQUEST_SENT, Stage.AWAITING_REPLY, Stage.PREPARATION):
        engagement.stage = Stage.SESSIONS
        engagement.sequence += 1
    db.session.flush()
    return session


def cancel_session(session: BargainingSession, version: int | None = None) -> BargainingSession:
    check_version(session, version)
    if session.status != "cancelled":
        session.status = "cancelled"
        session.sequence += 1
    db.session.flush()
    return session


# --- training and assessment -------------------------------------------------------------------------------

def add_training(instructor: Instructor, *, year: int, course: str, hours: float,
                 day: date | None = None) -> TrainingRecord:
    course = (course or "").strip()
    if not course:
        raise InvalidInput({"course": _("Name the course.")})
    if hours is None or not (0 < hours <= 500):
        raise InvalidInput({"hours": _("Hours are between 0.5 and 500.")})
    if not (2000 <= year <= 2100):
        raise InvalidInput({"year": _("Give a year such as 2026.")})
    if day is not None and day.year != year:
        raise InvalidInput({"day": _("The day is not in %(year)s.", year=year)})
    record = TrainingRecord(instructor=instructor, year=year, course=course, hours=float(hours), day=day)
    db.session.add(record)
    db.session.flush()
    return record


def save_assessment(instructor: Instructor, *, year: int, result: str, score: float | None = None,
                    remarks: str | None = None) -> Assessment:
    if result not in ASSESSMENT_RESULTS:
        raise InvalidInput({"result": _("Unknown result.")})
    if score is not None and not (0 <= score <= 100):
        raise InvalidInput({"score": _("The score is between 0 and 100.")})
    if not (2000 <= year <= 2100):
        raise InvalidInput({"year": _("Give a year such as 2026.")})
    row = db.session.scalar(select(Assessment).where(Assessment.instructor_id == instructor.id,
                                                     Assessment.year == year))
    if row is None:
        row = Assessment(instructor=instructor, year=year)
        db.session.add(row)
    row.result, row.score, row.remarks = result, score, (remarks or "").strip() or None
    db.session.flush()
    return row


@dataclass
class YearRow:
    instructor: Instructor
    hours: float
    courses: int
    assessment: Assessment | None


def training_year(year: int, district_id: int | None) -> list[YearRow]:
    """Training hours and the assessment per instructor for one year (the district's, or the whole city)."""
    stmt = visible_instructors_stmt(district_id).where(Instructor.status != "ended").order_by(
        Instructor.tier, Instructor.name)
    people = db.session.scalars(stmt).all()
    ids = [p.id for p in people]
    hours: dict[int, list[float]] = defaultdict(list)
    for record in db.session.scalars(select(TrainingRecord).where(TrainingRecord.year == year,
                                                                  TrainingRecord.instructor_id.in_(ids))):
        hours[record.instructor_id].append(record.hours)
    assessments = {a.instructor_id: a for a in db.session.scalars(
        select(Assessment).where(Assessment.year == year, Assessment.instructor_id.in_(ids)))}
    return [YearRow(p, sum(hours.get(p.id, [])), len(hours.get(p.id, [])), assessments.get(p.id)) for p in people]
