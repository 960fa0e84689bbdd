"""The anchor of the planning benchmark: one whole-year CP-SAT model of a visit plan, warm-started from a plan.

Written from the public request types only (nothing of the planner's internals), so it is a peer and not a
variant of the planner: the same hard rules (receiving half-days on working days, the station's lead or
backup lawyer, leave and court half-days, one place per half-day, exactly ``visits_per_month`` visits a
month, at least ``min_gap_days`` between visits), and as objective the benchmark's metric itself,
Σ|gap − 14| over each station's consecutive visits, plus ``backup_weight`` per visit by the backup lawyer
(0: the metric alone). No rhythm wish: this is what a model asked only for even gaps reaches.

With ``keep_share`` the same model must also keep each station's rhythm in at least that share of
station-months, counted as ``plan_quality`` counts it: both visits of a month on the pattern's days (week of
month, weekday). A station with an explicit rhythm keeps that one; a station without one keeps the pattern
the model chooses for it (the 1st and 3rd or the 2nd and 4th of one of its receiving weekdays). This is the
peer under the planner's own rule, so the two can be compared on one objective.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ortools.sat.python import cp_model

from trainer.planning.common import nth_weekday, week_of_month
from trainer.planning.visits import PlannedVisit, Slot, VisitPlanRequest

HALVES = ("am", "pm")


@dataclass
class YearOutcome:
    visits: list[PlannedVisit]
    status: str
    objective: float | None
    bound: float | None
    wall_s: float
    build_s: float


def _month_days(year: int, month: int) -> list[date]:
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return [first + timedelta(days=i) for i in range((following - first).days)]


def month_options(req: VisitPlanRequest, station, month: tuple[int, int],
                  lawyers: dict) -> list[tuple[int, Slot, int, bool]]:
    """Where and by whom the station may be visited in ``month`` under the hard rules: (the day's ordinal, the
    half-day, the lawyer, whether the lawyer is the backup), by day, half-day, lead first."""
    options = []
    for day in _month_days(*month):
        if day not in req.working_days:
            continue
        for half in HALVES:
            if (day.weekday(), half) not in station.receiving:
                continue
            slot = Slot(day, half)
            for lawyer_id in (station.lead_lawyer_id, station.backup_lawyer_id):
                if lawyer_id is None:
                    continue
                lawyer = lawyers[lawyer_id]
                if day in lawyer.unavailable_days or slot in lawyer.unavailable_slots:
                    continue
                options.append((day.toordinal(), slot, lawyer_id, lawyer_id != station.lead_lawyer_id))
    return options


def solve_year(req: VisitPlanRequest, hint: Sequence[PlannedVisit], *, time_limit_s: float,
               backup_weight: int = 0, workers: int = 2, keep_share: float | None = None,
               keep_at_least: int | None = None,
               patterns: dict[int, list[tuple[tuple[int, int], ...]]] | None = None) -> YearOutcome:
    """``keep_share`` (a share of station-months) or ``keep_at_least`` (a number of them) holds the model to the
    rhythm; ``patterns`` gives, by station, the patterns a station without a rhythm may keep (default: the 1st
    and 3rd or the 2nd and 4th of one of its receiving weekdays)."""
    started = time.perf_counter()
    lawyers = {lw.id: lw for lw in req.lawyers}
    hinted = {(v.station_id, v.lawyer_id, v.slot) for v in hint}
    model = cp_model.CpModel()
    by_resource: dict[tuple[int, Slot], list[cp_model.IntVar]] = defaultdict(list)
    choice: dict[tuple[int, int, int], list[tuple[cp_model.IntVar, int, Slot, bool]]] = {}
    objective: list[cp_model.LinearExprT] = []
    months = sorted(set(req.months))
    hint_days: dict[int, list[int]] = defaultdict(list)
    for v in hint:
        hint_days[v.station_id].append(v.slot.day.toordinal())
    kept: list[cp_model.IntVar] = []
    for station in req.stations:
        chain: list[cp_model.IntVar] = []
        month_chains: list[tuple[tuple[int, int], list[cp_model.IntVar]]] = []
        hint_chain = sorted(hint_days.get(station.id, []))
        for mi, (year, month) in enumerate(months):
            month_start = len(chain)
            options = month_options(req, station, (year, month), lawyers)
            if not options:
                continue
            lo = min(o[0] for o in options)
            hi = max(o[0] for o in options)
            for k in range(station.visits_per_month):
                pairs = []
                for day_no, slot, lawyer_id, backup in options:
                    var = model.new_bool_var("")
                    pairs.append((var, day_no, slot, backup))
                    by_resource[(lawyer_id, slot)].append(var)
                    model.add_hint(var, int((station.id, lawyer_id, slot) in hinted))
                    if backup and backup_weight:
                        objective.append(backup_weight * var)
                choice[(station.id, mi, k)] = [(v, d, s, b) for v, d, s, b in pairs]
                model.add_exactly_one([p[0] for p in pairs])
                day_var = model.new_int_var(lo, hi, "")
                model.add(day_var == sum(d * v for v, d, _s, _b in pairs))
                if len(chain) < len(hint_chain):
                    model.add_hint(day_var, hint_chain[len(chain)])
                chain.append(day_var)
            month_chains.append(((year, month), chain[month_start:]))
        if keep_share is not None or keep_at_least is not None:
            kept.extend(_rhythm_kept(model, station, month_chains, req.working_days,
                                     (patterns or {}).get(station.id)))
        for position, (earlier, later) in enumerate(zip(chain, chain[1:], strict=False)):
            model.add(later - earlier >= req.min_gap_days)
            deviation = model.new_int_var(0, 120, "")
            model.add_abs_equality(deviation, later - earlier - 14)
            objective.append(deviation)
            if position + 1 < len(hint_chain):
                model.add_hint(deviation, abs(hint_chain[position + 1] - hint_chain[position] - 14))
    for variables in by_resource.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    if keep_share is not None:
        total = len(months) * len(req.stations)
        model.add(sum(kept) >= math.ceil(keep_share * total - 1e-9))
    if keep_at_least is not None:
        model.add(sum(kept) >= keep_at_least)
    model.minimize(sum(objective))
    build = time.perf_counter() - started
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    wall = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return YearOutcome(list(hint), f"{solver.status_name(status).lower()}: none (the hint stands)", None,
                           None, wall, build)
    visits = []
    for (station_id, _mi, _k), pairs in choice.items():
        for var, _day_no, slot, backup in pairs:
            if solver.boolean_value(var):
                station = next(s for s in req.stations if s.id == station_id)
                lawyer_id = station.backup_lawyer_id if backup else station.lead_lawyer_id
                visits.append(PlannedVisit(station_id, lawyer_id, slot, backup))
    visits.sort(key=lambda v: (v.slot, v.station_id))
    return YearOutcome(visits, solver.status_name(status).lower(), solver.objective_value,
                       solver.best_objective_bound, wall, build)


def _rhythm_kept(model: cp_model.CpModel, station, month_chains, working_days,
                 patterns: list[tuple[tuple[int, int], ...]] | None = None) -> list[cp_model.IntVar]:
    """One flag per station-month that holds only where the month's visits fall on the rhythm's days."""
    if station.rhythm:
        patterns = [tuple(sorted(station.rhythm))]
    elif not patterns:
        weekdays = sorted({weekday for weekday, _half in station.receiving if weekday < 5})
        weeks = ((1, 3), (2, 4)) if station.visits_per_month == 2 else tuple((w,) for w in range(1, 5))
        patterns = [tuple((week, weekday) for week in ws) for weekday in weekdays for ws in weeks]
    if not patterns or any(len(p) != station.visits_per_month for p in patterns):
        return []
    chosen = [model.new_bool_var("") for _ in patterns]
    model.add_exactly_one(chosen)
    flags = []
    for (year, month), days in month_chains:
        if len(days) != station.visits_per_month:
            continue
        for pattern, picked in zip(patterns, chosen, strict=True):
            targets = [nth_weekday((year, month), week, weekday) for week, weekday in pattern]
            if any(week_of_month(t) != week or t not in working_days  # no 5th one that month
                   for t, (week, _weekday) in zip(targets, pattern, strict=True)):
                continue
            flag = model.new_bool_var("")
            model.add_implication(flag, picked)
            for day_var, target in zip(days, sorted(targets), strict=True):
                model.add(day_var == target.toordinal()).only_enforce_if(flag)
            flags.append(flag)
    return flags
