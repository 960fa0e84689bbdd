"""Floors under Σ|gap − 14| for plans that keep a station's rhythm in a given share of station-months.

``rhythm_frontier``, quick and loose:

Each station is planned alone over the year (its own lawyers free wherever their leave and court days allow,
as if no other station needed them; a day only the backup can take costs ``backup_cost``), exactly, by the year view's dynamic
programme (trainer/planning/rhythm_year.py) with the issue's metric as the cost: for every number of months
off the rhythm, the least Σ|gap − 14| the station can reach. A station without an explicit rhythm is counted
against every pattern it could keep (plan_quality counts it against the pattern it shows most). The months
off the rhythm are then shared out over the stations at best. Lawyers shared between stations only make a
plan worse, so no plan keeping the rhythm in that share of station-months goes below the floor.

``exact_frontier``, for plans without backup visits, with the lawyers shared: a station visited only by its
lead shares that lawyer with the other stations the lawyer leads and with no one else, so the plan falls
apart into one small problem a lead lawyer, tied to the others only by the share of station-months kept.
Each is solved exactly by the whole-year CP-SAT model of bench/year_model.py (the lead alone; a station
without a rhythm held to the pattern a given plan shows most, as plan_quality counts it): for every number of
months kept, its least Σ|gap − 14|. Shared out at best as above, that is the least Σ|gap − 14| of any plan
without backup visits keeping those patterns in the share of station-months: how far a plan is from the best
its own rhythm allows. (Letting CP-SAT choose among every pattern as well takes minutes a lead lawyer, past
the bench's budget.)
"""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np
import year_model

from trainer.planning.common import month_days, week_of_month
from trainer.planning.rhythm_year import INF, MonthDays, StationYear, share_out, station_curve
from trainer.planning.visits import HALVES, Slot, VisitPlanRequest


def _gap_metric(deltas: np.ndarray) -> np.ndarray:
    return np.abs(deltas - 14)


def _free(lawyer, day, station) -> bool:
    return lawyer is not None and day not in lawyer.unavailable_days and any(
        (day.weekday(), half) in station.receiving and Slot(day, half) not in lawyer.unavailable_slots
        for half in HALVES)


def _months(req: VisitPlanRequest, station, lawyers, backup_cost: int) -> tuple[MonthDays, ...]:
    """The station's possible days a month: the lead free costs nothing, only the backup ``backup_cost``."""
    lead, backup = lawyers[station.lead_lawyer_id], lawyers.get(station.backup_lawyer_id)
    months = []
    for month in req.months:
        days, costs = [], []
        for day in month_days(month):
            if day not in req.working_days:
                continue
            if _free(lead, day, station):
                days.append(day)
                costs.append(0)
            elif _free(backup, day, station):
                days.append(day)
                costs.append(backup_cost)
        months.append(MonthDays(month, tuple(d.toordinal() for d in days), tuple(costs),
                                tuple((week_of_month(d), d.weekday()) for d in days)))
    return tuple(months)


def _patterns(months: tuple[MonthDays, ...], need: int, min_gap: int) -> list[frozenset]:
    """Every pattern the station could keep in at least one month."""
    seen: Counter[frozenset] = Counter()
    for month in months:
        seen.update({frozenset(month.keys[i] for i in chain)
                     for chain in combinations(range(len(month.day_nos)), need)
                     if month.day_nos[chain[-1]] - month.day_nos[chain[0]] >= min_gap * (need - 1)})
    return list(seen)


def rhythm_frontier(req: VisitPlanRequest, shares: tuple[float, ...], backup_cost: int = 0) -> dict[float, int | None]:
    """For each share of station-months keeping the rhythm, the floor under Σ|gap − 14| + ``backup_cost`` a
    backup visit (None: no plan keeps that share). With ``backup_cost`` 0 the floor holds for any plan; with
    the anchor's 1,000 (the lead first), for Σ|gap − 14| of any plan without backup visits."""
    lawyers = {lw.id: lw for lw in req.lawyers}
    curves = []
    for station in req.stations:
        months = _months(req, station, lawyers, backup_cost)
        targets = [frozenset(station.rhythm)] if station.rhythm else _patterns(
            months, station.visits_per_month, req.min_gap_days)
        best = np.full(len(months) + 1, INF, dtype=np.int64)
        for target in targets:
            result = station_curve(StationYear(station.id, station.visits_per_month, target, months, None),
                                   req.min_gap_days, _gap_metric)
            if result is not None:
                best = np.minimum(best, np.minimum.accumulate(result[0]))
        curves.append(best)
    return _shared_out(curves, len(req.stations) * len(req.months), shares)


def shown_patterns(req: VisitPlanRequest, visits) -> dict[int, tuple[tuple[int, int], ...]]:
    """Each station's rhythm: its own, else the (week of month, weekday) pattern ``visits`` show most."""
    seen: dict[int, Counter] = defaultdict(Counter)
    for station_id, patterns in _monthly_patterns(visits).items():
        seen[station_id].update(patterns)
    return {s.id: tuple(sorted(s.rhythm)) if s.rhythm else seen[s.id].most_common(1)[0][0]
            for s in req.stations if s.rhythm or seen[s.id]}


def _monthly_patterns(visits) -> dict[int, list[tuple[tuple[int, int], ...]]]:
    """By station, the (week of month, weekday) pattern of each month's visits."""
    monthly: dict[tuple[int, tuple[int, int]], list] = defaultdict(list)
    for visit in visits:
        monthly[(visit.station_id, (visit.slot.day.year, visit.slot.day.month))].append(visit.slot.day)
    out: dict[int, list] = defaultdict(list)
    for (station_id, _month), days in monthly.items():
        out[station_id].append(tuple(sorted((week_of_month(d), d.weekday()) for d in days)))
    return out


@dataclass(frozen=True)
class ExactFrontier:
    floors: dict[float, int | None]  # share -> least Σ|gap − 14| (None: no plan without backup visits keeps it)
    proven: bool  # every part solved to optimality (else some floors are CP-SAT's bounds)
    parts: int  # lead lawyers, each with their stations
    solves: int
    wall_s: float


def exact_frontier(req: VisitPlanRequest, shares: tuple[float, ...], visits,
                   time_limit_s: float = 10.0) -> ExactFrontier:
    """For each share of station-months keeping the rhythm (a station without one: the pattern ``visits`` show
    most), the least Σ|gap − 14| of a plan without backup visits. ``time_limit_s`` bounds each CP-SAT solve."""
    started = time.perf_counter()
    lawyers = {lw.id: lw for lw in req.lawyers}
    rhythm = shown_patterns(req, visits)
    curves, proven, solves = [], True, 0
    for lead in sorted({s.lead_lawyer_id for s in req.stations}):
        stations = tuple(replace(s, backup_lawyer_id=None) for s in req.stations if s.lead_lawyer_id == lead)
        part = replace(req, stations=stations, lawyers=(lawyers[lead],), existing=())
        patterns = {s.id: [rhythm[s.id]] for s in stations if s.id in rhythm}
        months = len(stations) * len(req.months)
        kept_floor = np.full(months + 1, INF, dtype=np.int64)  # least Σ with at least this many months kept
        at_least = 0
        while at_least <= months:
            outcome = year_model.solve_year(part, [], time_limit_s=time_limit_s, keep_at_least=at_least,
                                            patterns=patterns)
            solves += 1
            proven &= outcome.status.startswith(("optimal", "infeasible"))
            if outcome.objective is None:  # none keeps that many; or none found in time: then a floor is all
                if not outcome.status.startswith("infeasible"):  # we know, the one below
                    kept_floor[at_least:] = kept_floor[at_least - 1] if at_least else 0
                break
            kept = sum(pattern == rhythm.get(station_id)
                       for station_id, patterns in _monthly_patterns(outcome.visits).items() for pattern in patterns)
            # the plan found keeps `kept` months: the least Σ keeping any number from at_least up to it
            floor = max(kept_floor[at_least - 1] if at_least else 0, math.ceil(outcome.bound - 1e-6))
            kept_floor[at_least:kept + 1] = floor
            at_least = kept + 1
        if kept_floor[0] >= INF:  # no plan without backup visits at all
            return ExactFrontier({share: None for share in shares}, proven, 0, solves, time.perf_counter() - started)
        curves.append(kept_floor[::-1].copy())  # by months off the rhythm, as share_out takes them
    return ExactFrontier(_shared_out(curves, len(req.stations) * len(req.months), shares), proven, len(curves),
                         solves, time.perf_counter() - started)


def _shared_out(curves: list[np.ndarray], total: int, shares: tuple[float, ...]) -> dict[float, int | None]:
    """For each share of the ``total`` station-months kept, the least sum over the curves (each by months off
    the rhythm) with the months off shared out at best; None where no sharing keeps that share."""
    floors: dict[float, int | None] = {}
    for share in shares:
        budget = int(total * (1 - share) + 1e-9)
        counts = share_out(curves, budget, 0)
        floors[share] = None if sum(counts) > budget else int(sum(c[k] for c, k in zip(curves, counts, strict=True)))
    return floors
