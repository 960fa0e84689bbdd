"""The 24-hour telephone duty roster for special periods (疫情等特别时期 24小时电话值班).

Every calendar day of the period (duty is round the clock, not only on working days) has the given
shifts, e.g. 00-08, 08-16, 16-24; every shift needs ``per_shift`` lawyers.

Hard rules: no lawyer on two overlapping shifts; at most ``max_hours_per_24h`` hours of shifts starting
within any 24 hours (so back-to-back shifts cannot run on and on); no shift touching a lawyer's unavailable
day or shift, nor clashing with their busy times (station visits, given as datetimes).
Wishes: few shifts for the busiest lawyer (fairness), at most one shift a day per lawyer, few nights for
the busiest lawyer, no back-to-back shifts. Shifts nobody can take are reported, never silently left.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from ortools.sat.python import cp_model

from trainer.planning.common import PlanProblem, SolveTimer, daterange, solve_model

UNCOVERED_COST = 1_000_000
MAX_SHIFTS_COST = 1_000  # per shift of the busiest lawyer
SECOND_SHIFT_COST = 100  # per shift beyond one a lawyer works on one day
MAX_NIGHTS_COST = 50  # per night shift of the busiest lawyer at nights
BACK_TO_BACK_COST = 30  # a shift starting as the lawyer's previous one ends


@dataclass(frozen=True)
class ShiftSpec:
    """A shift of each day: ``end`` at or before ``start`` means it ends the next day (time(0) = 24:00)."""

    code: str
    start: time
    end: time
    night: bool = False


@dataclass(frozen=True)
class DutyLawyerSpec:
    id: int
    unavailable_days: frozenset[date] = frozenset()
    unavailable_shifts: frozenset[tuple[date, str]] = frozenset()  # (day, shift code)
    busy: tuple[tuple[datetime, datetime], ...] = ()  # station visits and the like, [start, end)


@dataclass(frozen=True)
class DutyAssignment:
    day: date
    shift_code: str
    lawyer_id: int
    pinned: bool = False


@dataclass(frozen=True)
class DutyRequest:
    first_day: date
    last_day: date
    shifts: tuple[ShiftSpec, ...]
    lawyers: tuple[DutyLawyerSpec, ...]
    per_shift: int = 1
    max_hours_per_24h: int = 16
    existing: tuple[DutyAssignment, ...] = ()  # pinned ones are kept as they are
    time_limit_s: float = 5.0
    num_workers: int = 2
    seed: int = 0


@dataclass(frozen=True)
class DutyResult:
    """``status``: "optimal", "feasible", "partial" (some shifts short of lawyers, see ``problems``)."""

    assignments: tuple[DutyAssignment, ...]
    problems: tuple[PlanProblem, ...]
    status: str
    stats: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class _Shift:
    day: date
    spec: ShiftSpec
    start: datetime
    end: datetime

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def shift_times(day: date, spec: ShiftSpec) -> tuple[datetime, datetime]:
    start = datetime.combine(day, spec.start)
    end = datetime.combine(day, spec.end)
    if end <= start:
        end += timedelta(days=1)
    return start, end


def _overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def _blocked(lawyer: DutyLawyerSpec, shift: _Shift) -> str | None:
    """Why a lawyer cannot take a shift: "lawyer_unavailable", "lawyer_busy" or None."""
    if (shift.day, shift.spec.code) in lawyer.unavailable_shifts:
        return "lawyer_unavailable"
    day = shift.start.date()
    while datetime.combine(day, time(0)) < shift.end:
        if day in lawyer.unavailable_days:
            return "lawyer_unavailable"
        day += timedelta(days=1)
    if any(_overlaps(shift.start, shift.end, start, end) for start, end in lawyer.busy):
        return "lawyer_busy"
    return None


def _shifts(req: DutyRequest) -> list[_Shift]:
    shifts = []
    for day in daterange(req.first_day, req.last_day):
        for spec in req.shifts:
            start, end = shift_times(day, spec)
            shifts.append(_Shift(day, spec, start, end))
    shifts.sort(key=lambda s: (s.start, s.spec.code))
    return shifts


def _shift_relations(shifts: list[_Shift]) -> tuple[list[list[int]], list[list[int]], list[list[int]]]:
    """For each shift (sorted by start): the shifts running at its start (itself included), the shifts
    starting within 24 hours of its start, and the shifts starting exactly as it ends."""
    running_at: list[list[int]] = []
    within_24h: list[list[int]] = []
    follows: list[list[int]] = []
    longest = max((s.end - s.start for s in shifts), default=timedelta(0))
    for i, shift in enumerate(shifts):
        running = []
        j = i
        while j >= 0 and shifts[j].start >= shift.start - longest:
            if shifts[j].start <= shift.start < shifts[j].end:
                running.append(j)
            j -= 1
        j = i + 1
        while j < len(shifts) and shifts[j].start == shift.start:
            running.append(j)  # shifts starting at the same moment
            j += 1
        running_at.append(sorted(running))
        window, after = [], []
        j = i
        while j < len(shifts) and shifts[j].start < shift.start + timedelta(hours=24):
            if j == i or shifts[j].start >= shift.start:
                window.append(j)
            j += 1
        j = i + 1
        while j < len(shifts) and shifts[j].start <= shift.end:
            if shifts[j].start == shift.end:
                after.append(j)
            j += 1
        within_24h.append(window)
        follows.append(after)
    return running_at, within_24h, follows


def _hour_units(hours: float) -> int:
    return round(hours * 4)  # quarter hours keep the 24-hour rule in integers


def plan_duty(req: DutyRequest) -> DutyResult:
    """Assign lawyers to every shift of the period (see the module docstring)."""
    timer = SolveTimer()
    shifts = _shifts(req)
    lawyers = list(req.lawyers)
    problems: list[PlanProblem] = []
    pinned = {(a.day, a.shift_code, a.lawyer_id) for a in req.existing if a.pinned}

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}  # (shift index, lawyer id)
    objective = []
    short_vars: dict[int, cp_model.IntVar] = {}
    for s_index, shift in enumerate(shifts):
        takers = []
        blocked: Counter[str] = Counter()
        for lawyer in lawyers:
            reason = _blocked(lawyer, shift)
            if reason is not None and (shift.day, shift.spec.code, lawyer.id) not in pinned:
                blocked[reason] += 1
                continue
            var = model.new_bool_var("")
            x[(s_index, lawyer.id)] = var
            takers.append(var)
            if (shift.day, shift.spec.code, lawyer.id) in pinned:
                model.add(var == 1)
        if len(takers) < req.per_shift:
            problems.append(PlanProblem(
                rule="coverage", days=(shift.day,),
                details={"shift": shift.spec.code, "needed": req.per_shift, "available": len(takers),
                         "blocked_by": dict(blocked)}))
        short = model.new_int_var(0, req.per_shift, "")
        short_vars[s_index] = short
        model.add(sum(takers) + short == req.per_shift)
        objective.append(UNCOVERED_COST * short)

    limit_units = _hour_units(req.max_hours_per_24h)
    running_at, within_24h, follows = _shift_relations(shifts)
    max_load = model.new_int_var(0, len(shifts), "max_load")
    max_nights = model.new_int_var(0, len(shifts), "max_nights")
    for lawyer in lawyers:
        mine = {i: x[(i, lawyer.id)] for i in range(len(shifts)) if (i, lawyer.id) in x}
        if not mine:
            continue
        fixed = {i for i in mine if (shifts[i].day, shifts[i].spec.code, lawyer.id) in pinned}
        # No overlap: shifts are intervals, so the cliques are the shifts running at each start time.
        # Pinned shifts count as taken; a clash among pinned shifts is reported, not made infeasible.
        for i in mine:
            running = [j for j in running_at[i] if j in mine]
            free = [mine[j] for j in running if j not in fixed]
            if any(j in fixed for j in running):
                for var in free:
                    model.add(var == 0)
            elif len(free) > 1:
                model.add_at_most_one(free)
        # Hours of shifts starting within any 24 hours.
        for i in mine:
            window = [j for j in within_24h[i] if j in mine]
            units = {j: _hour_units(shifts[j].hours) for j in window}
            if sum(units.values()) <= limit_units:
                continue
            fixed_units = sum(units[j] for j in window if j in fixed)
            free = [j for j in window if j not in fixed]
            if free:
                model.add(sum(units[j] * mine[j] for j in free) <= max(0, limit_units - fixed_units))
        # Wish: one shift a day.
        by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for i, var in mine.items():
            by_day[shifts[i].day].append(var)
        for variables in by_day.values():
            if len(variables) > 1:
                extra = model.new_int_var(0, len(variables), "")
                model.add(extra >= sum(variables) - 1)
                objective.append(SECOND_SHIFT_COST * extra)
        # Wish: no back-to-back shifts.
        for i, var in mine.items():
            for j in follows[i]:
                if j in mine:
                    both = model.new_bool_var("")
                    model.add(var + mine[j] - 1 <= both)
                    objective.append(BACK_TO_BACK_COST * both)
        model.add(sum(mine.values()) <= max_load)
        model.add(sum(v for i, v in mine.items() if shifts[i].spec.night) <= max_nights)
    objective.append(MAX_SHIFTS_COST * max_load)
    objective.append(MAX_NIGHTS_COST * max_nights)
    model.minimize(sum(objective))
    _hint_greedy(model, req, shifts, x, pinned)
    outcome = solve_model(model, time_limit_s=req.time_limit_s, num_workers=req.num_workers, seed=req.seed,
                          timer=timer, hint_objective=None)
    assignments: list[DutyAssignment] = []
    if outcome.solver is not None:
        for (i, lawyer_id), var in x.items():
            if outcome.solver.boolean_value(var):
                shift = shifts[i]
                assignments.append(DutyAssignment(shift.day, shift.spec.code, lawyer_id,
                                                  (shift.day, shift.spec.code, lawyer_id) in pinned))
        reported = {(p.days[0], p.details["shift"]) for p in problems}
        for i, short in short_vars.items():
            missing = outcome.solver.value(short)
            if missing and (shifts[i].day, shifts[i].spec.code) not in reported:
                problems.append(PlanProblem(
                    rule="coverage", days=(shifts[i].day,),
                    details={"shift": shifts[i].spec.code, "needed": req.per_shift,
                             "available": req.per_shift - missing,
                             "reason": "the lawyers free then are already at their hour limit"}))
    else:
        problems.append(PlanProblem(rule="solver_timeout", details={"time_limit_s": req.time_limit_s}))
    assignments.sort(key=lambda a: (a.day, a.shift_code, a.lawyer_id))
    problems.extend(p for p in check_duty(req, assignments) if p.rule != "coverage" and p.details.get("pinned"))
    if outcome.solver is None or any(p.rule == "coverage" for p in problems):
        status = "partial"
    else:
        status = outcome.status
    per_lawyer = Counter(a.lawyer_id for a in assignments)
    stats = {"t_total_s": timer.elapsed(), "shifts": len(shifts),
             "max_shifts": max(per_lawyer.values(), default=0),
             "min_shifts": min((per_lawyer.get(lw.id, 0) for lw in lawyers), default=0)}
    return DutyResult(tuple(assignments), tuple(problems), status, stats)


def _hint_greedy(model: cp_model.CpModel, req: DutyRequest, shifts: list[_Shift],
                 x: dict[tuple[int, int], cp_model.IntVar], pinned: set[tuple[date, str, int]]) -> None:
    """A quick roster as a hint: each shift to the least-loaded free lawyers who respect the hard rules."""
    load: Counter[int] = Counter()
    taken: dict[int, list[_Shift]] = defaultdict(list)
    limit = req.max_hours_per_24h
    lawyer_ids = [lawyer.id for lawyer in req.lawyers]
    picked_at: Counter[int] = Counter()
    for i, shift in enumerate(shifts):
        for lawyer_id in lawyer_ids:
            if (shift.day, shift.spec.code, lawyer_id) in pinned and (i, lawyer_id) in x:
                model.add_hint(x[(i, lawyer_id)], 1)
                taken[lawyer_id].append(shift)
                load[lawyer_id] += 1
                picked_at[i] += 1
    for i, shift in enumerate(shifts):
        picked = picked_at[i]
        candidates = sorted((lid for lid in lawyer_ids if (i, lid) in x),
                            key=lambda lid: (any(t.day == shift.day for t in taken[lid]), load[lid], lid))
        for lawyer_id in candidates:
            if picked >= req.per_shift:
                break
            mine = taken[lawyer_id]
            if shift in mine:
                continue
            if any(_overlaps(shift.start, shift.end, t.start, t.end) for t in mine):
                continue
            window = [t for t in mine if abs((t.start - shift.start).total_seconds()) < 24 * 3600]
            if sum(t.hours for t in window) + shift.hours > limit:
                continue
            model.add_hint(x[(i, lawyer_id)], 1)
            mine.append(shift)
            load[lawyer_id] += 1
            picked += 1


def check_duty(req: DutyRequest, assignments: Iterable[DutyAssignment]) -> list[PlanProblem]:
    """Every hard-rule violation of a roster, checked from scratch."""
    assignments = list(assignments)
    specs = {spec.code: spec for spec in req.shifts}
    lawyers = {lawyer.id: lawyer for lawyer in req.lawyers}
    pinned = {(a.day, a.shift_code, a.lawyer_id) for a in req.existing if a.pinned}

    def is_pinned(a: DutyAssignment) -> bool:
        return (a.day, a.shift_code, a.lawyer_id) in pinned

    problems: list[PlanProblem] = []
    staffed: Counter[tuple[date, str]] = Counter((a.day, a.shift_code) for a in assignments)
    for day in daterange(req.first_day, req.last_day):
        for spec in req.shifts:
            if staffed[(day, spec.code)] < req.per_shift:
                problems.append(PlanProblem(rule="coverage", days=(day,),
                                            details={"shift": spec.code, "needed": req.per_shift,
                                                     "assigned": staffed[(day, spec.code)]}))
    by_lawyer: dict[int, list[tuple[datetime, datetime, DutyAssignment]]] = defaultdict(list)
    for a in assignments:
        spec = specs[a.shift_code]
        start, end = shift_times(a.day, spec)
        by_lawyer[a.lawyer_id].append((start, end, a))
        lawyer = lawyers.get(a.lawyer_id)
        if lawyer is not None:
            reason = _blocked(lawyer, _Shift(a.day, spec, start, end))
            if reason is not None:
                problems.append(PlanProblem(rule=reason, lawyer_ids=(a.lawyer_id,), days=(a.day,),
                                            details={"shift": a.shift_code, "pinned": is_pinned(a)}))
    for lawyer_id, items in by_lawyer.items():
        items.sort(key=lambda item: item[0])
        for k, (start, end, a) in enumerate(items):
            for other_start, other_end, b in items[k + 1:]:
                if _overlaps(start, end, other_start, other_end):
                    problems.append(PlanProblem(rule="overlap", lawyer_ids=(lawyer_id,), days=(a.day, b.day),
                                                details={"shifts": (a.shift_code, b.shift_code),
                                                         "pinned": is_pinned(a) and is_pinned(b)}))
            window = [b for s, _e, b in items if start <= s < start + timedelta(hours=24)]
            hours = sum((e - s).total_seconds() / 3600 for s, e, _ in items if start <= s < start + timedelta(hours=24))
            if hours > req.max_hours_per_24h + 1e-9:
                problems.append(PlanProblem(rule="max_hours", lawyer_ids=(lawyer_id,), days=(a.day,),
                                            details={"hours": hours, "max": req.max_hours_per_24h,
                                                     "pinned": all(is_pinned(b) for b in window)}))
    return problems
