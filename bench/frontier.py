"""A floor under Σ|gap − 14| for plans that keep a station's rhythm in a given share of station-months.

Each station is planned alone over the year (its own lawyers free wherever their leave and court days allow,
as if no other station needed them; a day only the backup can take costs ``backup_cost``), exactly, by the year view's dynamic
programme (trainer/planning/rhythm_year.py) with the issue's metric as the cost: for every number of months
off the rhythm, the least Σ|gap − 14| the station can reach. A station without an explicit rhythm is counted
against every pattern it could keep (plan_quality counts it against the pattern it shows most). The months
off the rhythm are then shared out over the stations at best. Lawyers shared between stations only make a
plan worse, so no plan keeping the rhythm in that share of station-months goes below the floor.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import numpy as np

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
    total = len(req.stations) * len(req.months)
    floors: dict[float, int | None] = {}
    for share in shares:
        budget = int(total * (1 - share) + 1e-9)
        counts = share_out(curves, budget, 0)
        if sum(counts) > budget:
            floors[share] = None
        else:
            floors[share] = int(sum(curve[k] for curve, k in zip(curves, counts, strict=True)))
    return floors
