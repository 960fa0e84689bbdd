"""The 24-hour telephone duty roster for special periods (疫情等特别时期 24小时电话值班).

Every calendar day of the period (duty is round the clock, not only on working days) has the given
shifts, e.g. 00-08, 08-16, 16-24; every shift needs ``per_shift`` lawyers.

Hard rules: no lawyer on two overlapping shifts; at most ``max_hours_per_24h`` hours of shifts starting
within any 24 hours (so back-to-back shifts cannot run on and on); after a night shift at least
``rest_after_night_h`` hours off (no day shift straight after a night); no shift touching a lawyer's
unavailable day or shift, nor clashing with their busy times (station visits, given as datetimes).
Wishes, in order: few shifts for the busiest lawyer and nobody far below the even share (fairness); shifts
spread evenly over the period (nobody idle for days and then on duty several times in a row: at most the
even rate's share in any three days, and a shift in every few days); at most one shift a day per lawyer;
few nights for the busiest lawyer; no back-to-back shifts. Shifts nobody can take are reported, never
silently left.

A greedy roster (shift by shift, to the free lawyer with the fewest shifts who has waited longest) is the
hint; CP-SAT improves it for the time left and stops early when it proves the roster best. Measured on 14
days x 3 shifts for 8 lawyers: a good roster in well under a second.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from ortools.sat.python import cp_model

from trainer.planning.common import PlanProblem, SolveOutcome, SolveTimer, daterange, gc_paused, solve_model
from trainer.planning.duty_spread import BURST_DAYS, roster_spread, shift_times, spread_limits

UNCOVERED_COST = 1_000_000
MAX_SHIFTS_COST = 1_000  # per shift of the busiest lawyer
BELOW_FAIR_SHARE_COST = 200  # per shift a lawyer works below the even share (total / lawyers, rounded down)
BURST_COST = 120  # per shift a lawyer works beyond the even rate's share within BURST_DAYS days
IDLE_COST = 120  # per IDLE-day stretch (the even rate's gap, see duty_spread.spread_limits) with no shift at all
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
    rest_after_night_h: int = 8  # no shift may start within this many hours after a night shift ends
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


def _shift_relations(shifts: list[_Shift], rest_after_night_h: int,
                     ) -> tuple[list[list[int]], list[list[int]], list[list[int]], list[list[int]]]:
    """For each shift (sorted by start): the shifts running at its start (itself included), the shifts
    starting within 24 hours of its start, the shifts starting exactly as it ends, and, for a night shift,
    the shifts starting within ``rest_after_night_h`` hours of its end (too soon after a night)."""
    running_at: list[list[int]] = []
    within_24h: list[list[int]] = []
    follows: list[list[int]] = []
    too_soon: list[list[int]] = []
    longest = max((s.end - s.start for s in shifts), default=timedelta(0))
    rest = timedelta(hours=rest_after_night_h)
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
        soon = []
        if shift.spec.night and rest:
            j = i + 1
            while j < len(shifts) and shifts[j].start < shift.end + rest:
                if shifts[j].start >= shift.end:
                    soon.append(j)
                j += 1
        within_24h.append(window)
        follows.append(after)
        too_soon.append(soon)
    return running_at, within_24h, follows, too_soon


def _hour_units(hours: float) -> int:
    return round(hours * 4)  # quarter hours keep the 24-hour rule in integers


def plan_duty(req: DutyRequest) -> DutyResult:
    """Assign lawyers to every shift of the period (see the module docstring).

    A greedy roster (each shift to the free lawyers with the fewest shifts who have waited longest) is handed
    to CP-SAT as a complete hint, so the result is never worse than the greedy roster, whatever the time limit.
    """
    if req.per_shift < 1 or req.last_day < req.first_day:
        raise ValueError("per_shift must be positive and the period must not end before it starts")
    with gc_paused():
        return _plan_duty(req)


def _plan_duty(req: DutyRequest) -> DutyResult:
    timer = SolveTimer()
    shifts = _shifts(req)
    lawyers = list(req.lawyers)
    problems: list[PlanProblem] = []
    pinned_keys = {(a.day, a.shift_code, a.lawyer_id) for a in req.existing if a.pinned}
    running_at, within_24h, follows, too_soon = _shift_relations(shifts, req.rest_after_night_h)

    # Who could take which shift (a pinned assignment stands even where it breaks a rule).
    allowed: set[tuple[int, int]] = set()
    pinned: set[tuple[int, int]] = set()
    for i, shift in enumerate(shifts):
        blocked: Counter[str] = Counter()
        for lawyer in lawyers:
            reason = _blocked(lawyer, shift)
            if (shift.day, shift.spec.code, lawyer.id) in pinned_keys:
                pinned.add((i, lawyer.id))
            elif reason is not None:
                blocked[reason] += 1
                continue
            allowed.add((i, lawyer.id))
        takers = sum(1 for lawyer in lawyers if (i, lawyer.id) in allowed)
        if takers < req.per_shift:
            problems.append(PlanProblem(
                rule="coverage", days=(shift.day,),
                details={"shift": shift.spec.code, "needed": req.per_shift, "available": takers,
                         "blocked_by": dict(blocked)}))
    greedy = _greedy_roster(req, shifts, lawyers, allowed, pinned, running_at, too_soon)
    day_count = (req.last_day - req.first_day).days + 1
    pool = sum(1 for lawyer in lawyers if any((i, lawyer.id) in allowed for i in range(len(shifts))))
    burst_cap, idle_days = spread_limits(day_count, len(req.shifts), req.per_shift, pool)
    day_index = [(shift.day - req.first_day).days for shift in shifts]

    model = cp_model.CpModel()
    terms: list[tuple[int, cp_model.IntVar]] = []
    hint: dict[cp_model.IntVar, int] = {}
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    for key in sorted(allowed):
        x[key] = model.new_bool_var("")
        hint[x[key]] = int(key in greedy)
        if key in pinned:
            model.add(x[key] == 1)
    short_vars: dict[int, cp_model.IntVar] = {}
    for i in range(len(shifts)):
        takers = [x[(i, lawyer.id)] for lawyer in lawyers if (i, lawyer.id) in x]
        short = model.new_int_var(0, req.per_shift, "")
        short_vars[i] = short
        model.add(sum(takers) + short == req.per_shift)
        terms.append((UNCOVERED_COST, short))
        hint[short] = max(0, req.per_shift - sum(hint[v] for v in takers))

    limit_units = _hour_units(req.max_hours_per_24h)
    fair_share = len(shifts) * req.per_shift // max(1, len(lawyers))
    max_load = model.new_int_var(0, len(shifts), "max_load")
    max_nights = model.new_int_var(0, len(shifts), "max_nights")
    loads, nights = [0], [0]
    for lawyer in lawyers:
        mine = {i: x[(i, lawyer.id)] for i in range(len(shifts)) if (i, lawyer.id) in x}
        if not mine:
            continue
        fixed = {i for i in mine if (i, lawyer.id) in pinned}
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
        # Rest after a night shift.
        for i in mine:
            for j in too_soon[i]:
                if j in mine and not (i in fixed and j in fixed):
                    model.add(mine[i] + mine[j] <= 1)
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
        # Wish: shifts spread over the period - not too many within a few days, none idle for long.
        on_day: dict[int, list[int]] = defaultdict(list)
        for i in mine:
            on_day[day_index[i]].append(i)
        for first in range(max(1, day_count - BURST_DAYS + 1)):
            window = [i for d in range(first, first + BURST_DAYS) for i in on_day.get(d, ())]
            if len(window) > burst_cap:
                over = model.new_int_var(0, len(window), "")
                model.add(over >= sum(mine[i] for i in window) - burst_cap)
                terms.append((BURST_COST, over))
                hint[over] = max(0, sum(hint[mine[i]] for i in window) - burst_cap)
        for first in range(max(0, day_count - idle_days + 1)):
            days = range(first, first + idle_days)
            if all(on_day.get(d) for d in days):  # free (some shift possible) on every day of the stretch
                window = [i for d in days for i in on_day[d]]
                idle = model.new_bool_var("")
                model.add(sum(mine[i] for i in window) + idle >= 1)
                terms.append((IDLE_COST, idle))
                hint[idle] = int(not any(hint[mine[i]] for i in window))
        # Wish: one shift a day.
        by_day: dict[date, list[cp_model.IntVar]] = defaultdict(list)
        for i, var in mine.items():
            by_day[shifts[i].day].append(var)
        for variables in by_day.values():
            if len(variables) > 1:
                extra = model.new_int_var(0, len(variables), "")
                model.add(extra >= sum(variables) - 1)
                terms.append((SECOND_SHIFT_COST, extra))
                hint[extra] = max(0, sum(hint[v] for v in variables) - 1)
        # Wish: no back-to-back shifts.
        for i, var in mine.items():
            for j in follows[i]:
                if j in mine:
                    both = model.new_bool_var("")
                    model.add(var + mine[j] - 1 <= both)
                    terms.append((BACK_TO_BACK_COST, both))
                    hint[both] = hint[var] * hint[mine[j]]
        load = sum(mine.values())
        model.add(load <= max_load)
        loads.append(sum(hint[v] for v in mine.values()))
        # With the busiest lawyer's load fixed, others could still be left with few: lift them to the
        # even share where their availability allows.
        below = model.new_int_var(0, fair_share, "")
        model.add(below >= fair_share - load)
        terms.append((BELOW_FAIR_SHARE_COST, below))
        hint[below] = max(0, fair_share - loads[-1])
        night_vars = [v for i, v in mine.items() if shifts[i].spec.night]
        model.add(sum(night_vars) <= max_nights)
        nights.append(sum(hint[v] for v in night_vars))
    model.add(pool * max_load >= sum(x.values()))
    model.add(pool * max_nights >= sum(v for (i, _lid), v in x.items() if shifts[i].spec.night))
    terms.append((MAX_SHIFTS_COST, max_load))
    terms.append((MAX_NIGHTS_COST, max_nights))
    hint[max_load] = max(loads)
    hint[max_nights] = max(nights)
    objective = cp_model.LinearExpr.weighted_sum([v for _, v in terms], [c for c, _ in terms])
    model.minimize(objective)
    for var, value in hint.items():
        model.add_hint(var, value)
    hint_objective = sum(c * hint[v] for c, v in terms)
    # A lower bound (a roster covering every shift gives its busiest lawyer at least the even share of shifts
    # and nights; one leaving a shift uncovered costs more): a greedy roster at it is best already.
    slots = len(shifts) * req.per_shift
    night_slots = sum(1 for shift in shifts if shift.spec.night) * req.per_shift
    bound = min(UNCOVERED_COST, MAX_SHIFTS_COST * -(-slots // max(1, pool))
                + MAX_NIGHTS_COST * -(-night_slots // max(1, pool)))
    model.add(objective >= bound)
    if hint_objective <= bound:
        outcome = SolveOutcome("optimal", None, 0.0, hint_objective)
    else:
        # The time limit bounds the whole call: building the model has used some of it.
        outcome = solve_model(model, time_limit_s=max(0.05, req.time_limit_s - timer.elapsed()),
                              num_workers=req.num_workers, seed=req.seed, timer=timer,
                              hint_objective=hint_objective)

    if outcome.solver is not None and outcome.objective is not None and outcome.objective <= hint_objective:
        chosen = {key for key, var in x.items() if outcome.solver.boolean_value(var)}
        status = outcome.status
    else:
        chosen = greedy | pinned  # at the bound already, or CP-SAT found nothing better in time
        status = "optimal" if outcome.status == "optimal" else "feasible"
    assignments = sorted(
        (DutyAssignment(shifts[i].day, shifts[i].spec.code, lawyer_id, (i, lawyer_id) in pinned)
         for i, lawyer_id in chosen),
        key=lambda a: (a.day, a.shift_code, a.lawyer_id))
    staffed = Counter(i for i, _ in chosen)
    reported = {(p.days[0], p.details["shift"]) for p in problems}
    for i, shift in enumerate(shifts):
        if staffed[i] < req.per_shift and (shift.day, shift.spec.code) not in reported:
            problems.append(PlanProblem(
                rule="coverage", days=(shift.day,),
                details={"shift": shift.spec.code, "needed": req.per_shift, "available": staffed[i],
                         "reason": "the lawyers free then are already at their hour limit"}))
    problems.extend(p for p in check_duty(req, assignments) if p.rule != "coverage" and p.details.get("pinned"))
    if any(p.rule == "coverage" for p in problems):
        status = "partial"
    per_lawyer = Counter(a.lawyer_id for a in assignments)
    stats = {"t_total_s": timer.elapsed(), "t_best_s": timer.best, "shifts": len(shifts),
             "greedy_objective": hint_objective, "objective": outcome.objective,
             "bound": bound,
             "max_shifts": max(per_lawyer.values(), default=0),
             "min_shifts": min((per_lawyer.get(lw.id, 0) for lw in lawyers), default=0),
             "burst_cap": burst_cap, "idle_days": idle_days, **roster_spread(req, assignments)}
    return DutyResult(tuple(assignments), tuple(problems), status, stats)


def _greedy_roster(req: DutyRequest, shifts: list[_Shift], lawyers: list[DutyLawyerSpec],
                   allowed: set[tuple[int, int]], pinned: set[tuple[int, int]],
                   running_at: list[list[int]], too_soon: list[list[int]]) -> set[tuple[int, int]]:
    """A quick roster within the hard rules: each shift, in time order, to the free lawyers with the fewest
    shifts (those not yet on duty that day first; for a night, those with the fewest nights; then who has
    waited longest: a round robin, so shifts come evenly spaced). The 24-hour rule is checked on windows starting at every shift start, which is at least
    as strict as the model's."""
    limit = req.max_hours_per_24h
    starts = [s.start for s in shifts]
    taken: dict[int, list[int]] = defaultdict(list)
    load: Counter[int] = Counter()
    night_load: Counter[int] = Counter()
    roster: set[tuple[int, int]] = set()
    for i, lawyer_id in sorted(pinned):
        roster.add((i, lawyer_id))
        taken[lawyer_id].append(i)
        load[lawyer_id] += 1
        night_load[lawyer_id] += shifts[i].spec.night

    def fits(lawyer_id: int, i: int) -> bool:
        mine = taken[lawyer_id]
        if any(j in running_at[i] or i in running_at[j] for j in mine):
            return False
        if any(i in too_soon[j] or j in too_soon[i] for j in mine):
            return False
        candidate = [*mine, i]
        first = bisect.bisect_left(starts, shifts[i].start - timedelta(hours=24))
        for k in range(first, i + 1):
            window_end = starts[k] + timedelta(hours=24)
            hours = sum(shifts[j].hours for j in candidate if starts[k] <= starts[j] < window_end)
            if hours > limit + 1e-9:
                return False
        return True

    def last_start(lawyer_id: int) -> datetime:
        return max((shifts[j].start for j in taken[lawyer_id]), default=datetime.min)

    for i, shift in enumerate(shifts):
        staffed = sum(1 for lawyer in lawyers if (i, lawyer.id) in roster)
        candidates = sorted(
            (lawyer.id for lawyer in lawyers if (i, lawyer.id) in allowed and (i, lawyer.id) not in roster),
            key=lambda lid: (any(shifts[j].day == shift.day for j in taken[lid]), load[lid],
                             night_load[lid] if shift.spec.night else 0, last_start(lid), lid))
        for lawyer_id in candidates:
            if staffed >= req.per_shift:
                break
            if fits(lawyer_id, i):
                roster.add((i, lawyer_id))
                taken[lawyer_id].append(i)
                load[lawyer_id] += 1
                night_load[lawyer_id] += shift.spec.night
                staffed += 1
    return roster


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
            rest = timedelta(hours=req.rest_after_night_h)
            if specs[a.shift_code].night and rest:
                for other_start, _other_end, b in items[k + 1:]:
                    if end <= other_start < end + rest:
                        problems.append(PlanProblem(rule="rest_after_night", lawyer_ids=(lawyer_id,),
                                                    days=(a.day, b.day),
                                                    details={"shifts": (a.shift_code, b.shift_code),
                                                             "rest_hours": req.rest_after_night_h,
                                                             "pinned": is_pinned(a) and is_pinned(b)}))
            window = [b for s, _e, b in items if start <= s < start + timedelta(hours=24)]
            hours = sum((e - s).total_seconds() / 3600 for s, e, _ in items if start <= s < start + timedelta(hours=24))
            if hours > req.max_hours_per_24h + 1e-9:
                problems.append(PlanProblem(rule="max_hours", lawyer_ids=(lawyer_id,), days=(a.day,),
                                            details={"hours": hours, "max": req.max_hours_per_24h,
                                                     "pinned": all(is_pinned(b) for b in window)}))
    return problems
