"""The 24-hour telephone duty roster (24小时电话值班) of a special period: load → ``trainer.planning.duty`` → persist.

Rules (the same as for visits): no lawyer on two shifts at once (also across periods), none on leave, none on a
shift that overlaps one of their station visits; every shift gets ``per_shift`` lawyers, and a shift nobody can
take is explained, never silently left empty. A shift changed by hand is pinned and checked the same way.
Callers commit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.agenda import busy_of, duty_shift_at, refuse_clashes
from trainer.core.clock import now_utc
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.names import by_name, name_key
from trainer.core.validation import InvalidInput
from trainer.planning.duty import (
    DutyAssignment,
    DutyLawyerSpec,
    DutyRequest,
    ShiftSpec,
    check_duty,
    plan_duty,
)
from trainer.planning.duty_spread import LawyerSpread
from trainer.planning.duty_spread import lawyer_spread as planned_spread
from trainer.visits.duty.messages import describe_problem
from trainer.visits.models import DEFAULT_SHIFTS, DutyPeriod, DutyShift, Lawyer, LawyerLeave
from trainer.workdays import day_info, holiday_name
from trainer.workdays.notice_period import first_open_day

MAX_DAYS = 92
# The roster of a fortnight is planned in well under a second (the greedy roster is usually proven best at
# once); this caps CP-SAT where it is not, so "plan the roster" answers within a second.
PLAN_TIME_LIMIT_S = 0.6


HHMM = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")


def _time(text: str) -> time:
    hour, minute = (int(p) for p in text.split(":"))
    return time(0, 0) if hour == 24 else time(hour, minute)


def shift_specs(period: DutyPeriod):
    return tuple(ShiftSpec(s["code"], _time(s["start"]), _time(s["end"]), bool(s.get("night")))
                 for s in period.shifts)


def parse_shifts(text: str | list | None) -> list[dict]:
    """"00:00-08:00, 08:00-16:00, 16:00-24:00" (or the JSON list) -> the shifts JSON; a shift starting before
    06:00, or running past midnight (20:00-08:00), counts as a night shift."""
    if isinstance(text, list):
        items = [f"{s.get('start')}-{s.get('end')}" if isinstance(s, dict) else str(s) for s in text]
    else:
        items = [part for part in re.split(r"[,，;；\s]+", text or "") if part]
    if not items:
        return [dict(s) for s in DEFAULT_SHIFTS]
    shifts, seen = [], set()
    for item in items:
        start, _sep, end = item.replace("–", "-").partition("-")
        start, end = start.strip(), end.strip()
        if len(start) <= 2 and start.isdigit():
            start = f"{int(start):02d}:00"
        if len(end) <= 2 and end.isdigit():
            end = f"{int(end):02d}:00"
        if not HHMM.match(start) or not HHMM.match(end) or start == "24:00" or start == end:
            raise InvalidInput({"shifts": _("Write shifts as 00:00-08:00, 08:00-16:00, 16:00-24:00.")})
        end = "00:00" if end == "24:00" else end
        code = f"{start[:2]}-{'24' if end == '00:00' else end[:2]}" if start.endswith(":00") and end.endswith(
            ":00") else f"{start}-{end}"
        if code in seen:
            raise InvalidInput({"shifts": _("The shift %(shift)s is listed twice.", shift=item)})
        seen.add(code)
        past_midnight = end != "00:00" and end < start
        shifts.append({"code": code, "start": start, "end": end, "night": start < "06:00" or past_midnight})
    if len(shifts) > 6:
        raise InvalidInput({"shifts": _("At most 6 shifts a day.")})
    return shifts


def save_period(period: DutyPeriod | None, *, district_id: int, title: str, first_day: date | None,
                last_day: date | None, shifts: str | list | None = None, per_shift: int | None = 1,
                lawyer_ids: list[int] | None = None, phone: str | None = None,
                version: int | None = None) -> DutyPeriod:
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Give the period a title, e.g. 疫情防控特别时期电话值班.")
    if first_day is None:
        errors["first_day"] = _("Enter the first day.")
    if last_day is None:
        errors["last_day"] = _("Enter the last day.")
    if first_day and last_day and last_day < first_day:
        errors["last_day"] = _("The last day must not come before the first.")
    elif first_day and last_day and (last_day - first_day).days >= MAX_DAYS:
        errors["last_day"] = _("A duty period lasts at most %(n)s days.", n=MAX_DAYS)
    try:
        per = int(per_shift or 1)
    except (TypeError, ValueError):
        per = 0
    if not 1 <= per <= 5:
        errors["per_shift"] = _("Between 1 and 5 lawyers per shift.")
    try:
        parsed = parse_shifts(shifts)
    except InvalidInput as error:
        errors.update(error.fields)
        parsed = []
    lawyers = []
    if lawyer_ids:
        lawyers = db.session.scalars(select(Lawyer).where(Lawyer.id.in_(lawyer_ids))).all()
        if len(lawyers) != len(set(lawyer_ids)) or any(lw.district_id != district_id for lw in lawyers):
            errors["lawyer_ids"] = _("Choose lawyers of this district.")
    if not lawyer_ids:
        errors["lawyer_ids"] = _("Choose the lawyers who take turns on duty.")
    elif not errors.get("per_shift") and len(lawyers) < per:
        errors["lawyer_ids"] = _("At least %(n)s lawyers are needed for %(n)s per shift.", n=per)
    if errors:
        raise InvalidInput(errors)
    if period is None:
        period = DutyPeriod(district_id=district_id)
        db.session.add(period)
    else:
        check_version(period, version)
        if period.duty_shifts and (parsed != period.shifts or first_day > period.first_day
                                   or last_day < period.last_day):
            active = [s for s in period.duty_shifts if s.status == "planned"]
            codes = {s["code"] for s in parsed}
            outside = [s for s in active if s.day < first_day or s.day > last_day or s.shift_code not in codes]
            for row in outside:
                row.status = "cancelled"
                row.touch()
    period.title = title[:120]
    period.first_day, period.last_day = first_day, last_day
    period.shifts = parsed
    period.per_shift = per
    period.phone = (phone or "").strip()[:40] or None
    period.lawyers = by_name(lawyers)
    db.session.flush()
    return period


# ------------------------------------------------------------------------------------------------ loading

def _busy_for(lawyer_ids: list[int], first: date, last: date, period_id: int | None):
    """Leave days, half-day leave, and the lawyer's commitments in every programme as busy intervals."""
    days: dict[int, set[date]] = defaultdict(set)
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    if not lawyer_ids:
        return days, busy
    window_first, window_last = first - timedelta(days=1), last + timedelta(days=1)
    for leave in db.session.scalars(select(LawyerLeave).where(
            LawyerLeave.lawyer_id.in_(lawyer_ids), LawyerLeave.end >= window_first,
            LawyerLeave.start <= window_last)):
        current = max(leave.start, window_first)
        while current <= min(leave.end, window_last):
            if leave.half == "am":
                busy[leave.lawyer_id].append((datetime.combine(current, time(0)),
                                              datetime.combine(current, time(12))))
            elif leave.half == "pm":
                busy[leave.lawyer_id].append((datetime.combine(current, time(12)),
                                              datetime.combine(current + timedelta(days=1), time(0))))
            else:
                days[leave.lawyer_id].add(current)
            current += timedelta(days=1)
    # The same person's commitments in every programme (station visits, other periods' shifts, mentoring,
    # meetings, sessions); this period's own roster is the solver's.
    own = f"duty:{period_id}" if period_id is not None else None
    for lawyer_id, items in busy_of("lawyer", lawyer_ids, window_first, window_last,
                                    ignore=lambda c: c.kind == "duty" and c.scope == own).items():
        busy[lawyer_id].extend((item.start, item.end) for item in items)
    return days, busy


def build_request(period: DutyPeriod, *, time_limit_s: float = 5.0, roster: list | None = None):
    """The solver's request for the period (pinned rows stay); ``roster`` overrides the stored assignments."""
    pool = list(period.lawyers)
    ids = [lw.id for lw in pool]
    days, busy = _busy_for(ids, period.first_day, period.last_day, period.id)
    lawyers = tuple(DutyLawyerSpec(lw.id, frozenset(days[lw.id]), frozenset(), tuple(busy[lw.id]))
                    for lw in pool)
    if roster is None:
        roster = [DutyAssignment(r.day, r.shift_code, r.lawyer_id, r.pinned)
                  for r in period.duty_shifts if r.status == "planned"]
    return DutyRequest(first_day=period.first_day, last_day=period.last_day, shifts=shift_specs(period),
                       lawyers=lawyers, per_shift=period.per_shift, existing=tuple(roster),
                       time_limit_s=time_limit_s)


# ------------------------------------------------------------------------------------------------ planning

@dataclass
class RosterOutcome:
    created: int
    removed: int
    kept: int
    problems: list[dict]
    status: str
    moved: tuple = ()  # (day, shift_code, lawyer_id) of each shift taken from its lawyer (handed to another)


def _problem_dict(problem) -> dict:
    return {"rule": problem.rule, "days": [d.isoformat() for d in problem.days],
            "lawyer_ids": list(problem.lawyer_ids), "details": {k: (list(v) if isinstance(v, tuple) else v)
                                                                for k, v in (problem.details or {}).items()}}


def plan_period(period: DutyPeriod, *, time_limit_s: float = PLAN_TIME_LIMIT_S, today: date | None = None,
                repair: set[int] | None = None) -> RosterOutcome:
    """Plan the roster: pinned shifts stay, and so do the shifts already planned within the district's minimum
    notice (today and the next N working days: nobody's shift there is moved by a re-plan; a day there with
    nobody on it yet is filled, since the line must be covered); the rest is planned anew. With ``repair`` (ids
    of broken shifts), only those are planned again and every other shift stays. Flushes; the caller commits."""
    pool_ids = {lw.id for lw in period.lawyers}
    open_day = first_open_day(period.district_id, today)
    held = [r for r in period.duty_shifts if r.status == "planned" and r.lawyer_id in pool_ids
            and (r.pinned or r.day < open_day or (repair is not None and r.id not in repair))]
    pinned = [DutyAssignment(r.day, r.shift_code, r.lawyer_id, True) for r in held]
    request = build_request(period, time_limit_s=time_limit_s, roster=pinned)
    result = plan_duty(request)
    wanted = {(a.day, a.shift_code, a.lawyer_id): a for a in result.assignments}
    rows = {(r.day, r.shift_code, r.lawyer_id): r for r in period.duty_shifts}
    created = removed = kept = 0
    handed_over = []
    for key, row in rows.items():
        if row.status == "planned" and key not in wanted:
            row.status = "cancelled"
            row.pinned = False
            row.touch()
            removed += 1
            handed_over.append(key)
    for key, assignment in wanted.items():
        row = rows.get(key)
        if row is None:
            db.session.add(DutyShift(period=period, district_id=period.district_id, day=key[0], shift_code=key[1],
                                     lawyer_id=key[2], status="planned", pinned=assignment.pinned))
            created += 1
        elif row.status != "planned":
            row.status = "planned"
            row.touch()
            created += 1
        else:
            kept += 1
    period.problems = [_problem_dict(p) for p in result.problems]
    period.planned_at = now_utc()
    db.session.flush()
    return RosterOutcome(created, removed, kept, period.problems, result.status, tuple(handed_over))


@dataclass
class RosterDay:
    """A day of the roster as the page shows it: holidays and make-up working days named (from the official
    calendar, ``trainer.workdays``; a year not announced yet answers provisionally and says so)."""

    day: date
    kind: str  # holiday | makeup_workday | weekend | workday
    name: str | None  # the holiday's name in the page's language
    provisional: bool


def roster_days(period: DutyPeriod) -> list[RosterDay]:
    days = []
    current = period.first_day
    while current <= period.last_day:
        info = day_info(current, allow_provisional=True)
        name = holiday_name(current, allow_provisional=True) if info.kind == "holiday" else None
        days.append(RosterDay(current, info.kind, name, info.provisional))
        current += timedelta(days=1)
    return days


def roster_grid(period: DutyPeriod) -> tuple[list[date], dict[tuple[date, str], list[DutyShift]]]:
    days, current = [], period.first_day
    while current <= period.last_day:
        days.append(current)
        current += timedelta(days=1)
    grid: dict[tuple[date, str], list[DutyShift]] = defaultdict(list)
    for row in period.duty_shifts:
        if row.status == "planned":
            grid[(row.day, row.shift_code)].append(row)
    for cell in grid.values():
        cell.sort(key=lambda r: name_key(r.lawyer.name))
    return days, grid


def check_period(period: DutyPeriod) -> list[dict]:
    """Every hard-rule violation of the stored roster (coverage, overlap, leave, busy, hours)."""
    request = build_request(period, time_limit_s=0)
    return [_problem_dict(p) for p in check_duty(request, request.existing)]


def change_shift(period: DutyPeriod, *, day: date, shift_code: str, remove_lawyer_id: int | None,
                 lawyer_id: int | None, version: int | None = None) -> DutyShift | None:
    """Put ``lawyer_id`` on a shift (in place of ``remove_lawyer_id``, if given), with the same checks as the
    planner: refused with every reason when the lawyer is on leave, busy, or on another shift then."""
    check_version(period, version)
    errors = {}
    if day is None or not period.first_day <= day <= period.last_day:
        errors["day"] = _("Choose a day of the period.")
    if period.shift(shift_code) is None:
        errors["shift_code"] = _("Choose a shift of the period.")
    pool = {lw.id: lw for lw in period.lawyers}
    if lawyer_id is not None and lawyer_id not in pool:
        errors["lawyer_id"] = _("Choose a lawyer of the period's pool.")
    if lawyer_id is None and remove_lawyer_id is None:
        errors["lawyer_id"] = _("Choose a lawyer to put on duty or to take off.")
    if errors:
        raise InvalidInput(errors)
    rows = {(r.day, r.shift_code, r.lawyer_id): r for r in period.duty_shifts}
    active = [r for r in rows.values() if r.status == "planned"]
    removing = rows.get((day, shift_code, remove_lawyer_id)) if remove_lawyer_id else None
    if remove_lawyer_id and (removing is None or removing.status != "planned"):
        raise InvalidInput({"remove_lawyer_id": _("That lawyer is not on this shift.")})
    if lawyer_id is not None:
        current = rows.get((day, shift_code, lawyer_id))
        if current is not None and current.status == "planned":
            raise InvalidInput({"lawyer_id": _("%(name)s is already on this shift.", name=pool[lawyer_id].name)})
        # Another commitment of the same person (a visit, mentoring, a meeting…) is refused naming both.
        refuse_clashes(duty_shift_at(period, day, shift_code, pool[lawyer_id]), "lawyer_id")
        roster = [DutyAssignment(r.day, r.shift_code, r.lawyer_id, r.pinned) for r in active if r is not removing]
        added = DutyAssignment(day, shift_code, lawyer_id, True)
        request = build_request(period, time_limit_s=0, roster=roster + [added])
        reasons = []
        for problem in check_duty(request, request.existing):
            if problem.rule == "coverage" or lawyer_id not in problem.lawyer_ids:
                continue
            if day not in problem.days and problem.rule != "max_hours":
                continue
            reasons.append(describe_problem(_problem_dict(problem), pool, period))
        if reasons:
            raise InvalidInput({"lawyer_id": " ".join(dict.fromkeys(reasons))})
    if removing is not None:
        removing.status = "cancelled"
        removing.pinned = False
        removing.touch()
    result = None
    if lawyer_id is not None:
        result = rows.get((day, shift_code, lawyer_id))
        if result is None:
            result = DutyShift(period=period, district_id=period.district_id, day=day, shift_code=shift_code,
                               lawyer_id=lawyer_id, status="planned", pinned=True)
            db.session.add(result)
        else:
            result.status, result.pinned = "planned", True
            result.touch()
    db.session.flush()
    period.problems = check_period(period)
    period.planned_at = now_utc()  # an UPDATE of the period: its version moves with every change of its roster
    db.session.flush()
    return result


def lawyer_spread(period: DutyPeriod) -> dict[int, LawyerSpread]:
    """How each lawyer's shifts are spread over the period (shifts, nights, longest stretch without duty, most
    shifts in three days), as the roster page shows it."""
    request = build_request(period, time_limit_s=0)
    return planned_spread(request, request.existing)
