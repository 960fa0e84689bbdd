"""The anchor of the planning benchmark: one whole-year CP-SAT model of a visit plan, warm-started from a plan.

Written from the public request types only (nothing of the planner's internals), so it is a peer and not a
variant of the planner: the same hard rules (receiving half-days on working days, the station's lead or
backup lawyer, leave and court half-days, one place per half-day, exactly ``visits_per_month`` visits a
month, at least ``min_gap_days`` between visits), and as objective the benchmark's metric itself,
Σ|gap − 14| over each station's consecutive visits, plus ``backup_weight`` per visit by the backup lawyer
(0: the metric alone). No rhythm wish: this is what a model asked only for even gaps reaches.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ortools.sat.python import cp_model

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


def solve_year(req: VisitPlanRequest, hint: Sequence[PlannedVisit], *, time_limit_s: float,
               backup_weight: int = 0, workers: int = 2) -> YearOutcome:
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
    for station in req.stations:
        chain: list[cp_model.IntVar] = []
        hint_chain = sorted(hint_days.get(station.id, []))
        for mi, (year, month) in enumerate(months):
            options = []
            for day in _month_days(year, month):
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
    model.minimize(sum(objective))
    build = time.perf_counter() - started
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    wall = time.perf_counter() - started
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return YearOutcome(list(hint), "none (the hint stands)", None, None, wall, build)
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
