"""Where a station's rhythm should give way to even gaps: a year's view of each station, before the planner
plans month by month.

A rhythm such as "1st and 3rd Wednesday" keeps 14 days inside a month, but after every month with five
Wednesdays the next visit comes 21 days later; and how early the first visit of the range falls and how
late the last one does fixes how much the gaps must stretch in between (Σ(gap − 14) over a station's visits
is their span less 14 days a gap). A plan made month by month sees neither. So, first, each station is
planned alone over the whole range by an exact dynamic programme over its possible visit days (any lawyer
of the station free, the lead preferred), with the gap wish of the planner and a count of the months it
leaves its rhythm: for every number of such months, the most even gaps it can reach. Then the months off
the rhythm are shared out over the stations where they even the gaps most (a knapsack over the stations'
curves), keeping the rhythm in at least ``keep_share`` of the station-months and taking a month off only
where it saves at least ``break_cost``; months the calendar forces off the rhythm count first.

The answer names, for each station-month to leave its rhythm, the days the station's own plan chose: the
planner then plans those months towards these days instead of towards the rhythm. Lawyers shared between
stations are not considered here: the month-by-month planner settles them, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from trainer.planning.common import Month

INF = np.int64(10**12)
STEP_TABLE_DAYS = 128  # gaps between the visits of neighbouring months are shorter than this


@dataclass(frozen=True)
class MonthDays:
    """One station-month as the year view sees it: the possible visit days (date ordinals, sorted) with
    what a visit that day costs on its own, and the rhythm key of each day ((week of month, weekday))."""

    month: Month
    day_nos: tuple[int, ...]
    costs: tuple[int, ...]
    keys: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class StationYear:
    """A station over the planned months: ``need`` visits a month, its rhythm (a set of keys the month's
    visits keep exactly), and its last known visit before the range."""

    station_id: int
    need: int
    rhythm: frozenset[tuple[int, int]]
    months: tuple[MonthDays, ...]
    prev_day: int | None


@dataclass
class _Layer:
    """One month of a station's programme: the chains (the month's visits), where each state came from."""

    chains: np.ndarray  # (chains, need) indexes into the month's days, ordered by their last day
    off: np.ndarray  # (chains,) whether each chain leaves the rhythm
    from_state: np.ndarray  # (chains, K): the previous month's state each chain at k came from (-1: none)
    state_chain: np.ndarray  # (last days, K): the chain that ends each state


@lru_cache(maxsize=64)
def _pairs(count: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of indexes i < j below ``count``, ordered by j, then i."""
    second, first = np.tril_indices(count, k=-1)
    return first, second


def _key_codes(keys: Sequence[tuple[int, int]]) -> np.ndarray:
    return np.array([week * 8 + weekday for week, weekday in keys], dtype=np.int64)


@dataclass(frozen=True)
class _Chains:
    """A month's possible visit sets for a station (see :func:`_chains`), with their grouping by last day."""

    days: np.ndarray  # the month's possible days (ordinals)
    chains: np.ndarray  # (chains, need) indexes into days, ordered by the last day, then the first
    inner: np.ndarray  # (chains,) the cost of the chain's days and the gaps inside it
    off: np.ndarray  # (chains,) whether the chain leaves the rhythm
    starts: np.ndarray  # where each group of chains with the same last day starts
    group: np.ndarray  # (chains,) the group of each chain
    off_rows: np.ndarray  # the indexes of the chains off the rhythm
    positions: np.ndarray  # (chains, 1): each chain's index


@lru_cache(maxsize=4096)
def _chains(month: MonthDays, need: int, min_gap: int, gap_cost: Callable[[np.ndarray], np.ndarray],
            rhythm: frozenset[tuple[int, int]]) -> _Chains:
    """The month's possible visit sets: index chains (ordered by their last day, then their first), their cost
    (days and gaps inside), whether each leaves the rhythm (its days' keys are not exactly the rhythm).
    Stations with the same days, costs and rhythm share the answer (cached; read it, never change it)."""
    days = np.array(month.day_nos, dtype=np.int64)
    costs = np.array(month.costs, dtype=np.int64)
    codes = _key_codes(month.keys)
    wanted = _key_codes(sorted(rhythm))
    if need == 1:
        first = second = np.arange(len(days))
        chains = first.reshape(-1, 1)
        inner = costs
        keeps = codes == wanted[0] if len(wanted) == 1 else np.zeros(len(days), dtype=bool)
    elif need == 2:
        first, second = _pairs(len(days))
        spaced = days[second] - days[first] >= min_gap
        first, second = first[spaced], second[spaced]
        chains = np.empty((len(first), 2), dtype=np.int64)
        chains[:, 0], chains[:, 1] = first, second
        inner = costs[first] + costs[second] + gap_cost(days[second] - days[first])
        if len(wanted) == 2:
            in_rhythm = (codes == wanted[0]) | (codes == wanted[1])
            keeps = in_rhythm[first] & in_rhythm[second] & (codes[first] != codes[second])
        elif len(wanted) == 1:
            keeps = (codes[first] == wanted[0]) & (codes[second] == wanted[0])
        else:
            keeps = np.zeros(len(first), dtype=bool)
    else:
        raise ValueError("the year view plans one or two visits a month")  # _year_view gives no others
    new_group = second[1:] != second[:-1]
    starts = np.flatnonzero(np.concatenate(([True], new_group))) if len(second) else np.zeros(0, dtype=np.int64)
    group = np.concatenate(([0], np.cumsum(new_group))) if len(second) else np.zeros(0, dtype=np.int64)
    made = _Chains(days, chains, inner, ~keeps, starts, group, np.flatnonzero(~keeps),
                   np.arange(len(chains)).reshape(-1, 1))
    for array in vars(made).values():
        array.flags.writeable = False
    return made


@lru_cache(maxsize=16)
def _step_table(gap_cost: Callable[[np.ndarray], np.ndarray], min_gap: int) -> np.ndarray:
    """The gap wish's cost of each gap below STEP_TABLE_DAYS, INF below ``min_gap`` (read-only, shared)."""
    gaps = np.arange(STEP_TABLE_DAYS, dtype=np.int64)
    table = np.where(gaps >= min_gap, gap_cost(gaps), INF)
    table.flags.writeable = False
    return table


def _steps(delta: np.ndarray, min_gap: int, gap_cost: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """What each gap in ``delta`` costs, INF where it is below ``min_gap``."""
    if delta.size and 0 <= delta.min() and delta.max() < STEP_TABLE_DAYS:
        return _step_table(gap_cost, min_gap)[delta]
    return np.where(delta >= min_gap, gap_cost(delta), INF)


def _shift_off(values: np.ndarray, rows: np.ndarray, fill: np.int64 | None) -> None:
    """The ``rows`` (chains off the rhythm) move one month-off count up (k -> k + 1), in place; column 0
    gets ``fill``, or the last column when ``fill`` is None (as a roll would)."""
    last = values[rows, -1]
    values[rows, 1:] = values[rows, :-1]
    values[rows, 0] = last if fill is None else fill


def station_curve(station: StationYear, min_gap: int, gap_cost: Callable[[np.ndarray], np.ndarray],
                  ) -> tuple[np.ndarray, list[_Layer], np.ndarray] | None:
    """The station's best cost for each number of months off its rhythm (INF where none), with the layers
    and the last month's states to read the plan back. None when a month has no possible visits (the planner
    reports it)."""
    k_size = len(station.months) + 1
    layers: list[_Layer] = []
    prev_cost: np.ndarray | None = None  # (last days, K)
    prev_days: np.ndarray | None = None
    for month in station.months:
        if len(month.day_nos) < station.need:
            return None
        made = _chains(month, station.need, min_gap, gap_cost, station.rhythm)
        chains, days, off = made.chains, made.days, made.off
        if not len(chains):
            return None
        if prev_cost is None:
            entry = np.zeros((len(chains), k_size), dtype=np.int64)
            if station.prev_day is not None:
                delta = days - station.prev_day
                step = _steps(delta, min_gap, gap_cost)[chains[:, 0]]
                entry += step[:, None]
            from_state = np.full((len(chains), k_size), -1, dtype=np.int64)
        else:
            delta = days[None, :] - prev_days[:, None]  # (prev states, days)
            step = _steps(delta, min_gap, gap_cost)[:, chains[:, 0]]  # (prev, chains)
            total = prev_cost[:, None, :] + step[:, :, None]  # (prev, chains, K)
            from_state = total.argmin(axis=0)
            entry = total.min(axis=0)
        entry += made.inner[:, None]
        if len(made.off_rows):
            _shift_off(entry, made.off_rows, INF)
            _shift_off(from_state, made.off_rows, None)
        np.minimum(entry, INF, out=entry)
        # For each last day and k, the cheapest chain (the first of equals).
        state_cost = np.minimum.reduceat(entry, made.starts, axis=0)
        index = np.where(entry == state_cost[made.group], made.positions, len(chains))
        state_chain = np.minimum.reduceat(index, made.starts, axis=0)
        layers.append(_Layer(chains, off, from_state, state_chain))
        prev_cost, prev_days = state_cost, days[chains[made.starts, -1]]
    assert prev_cost is not None
    return prev_cost.min(axis=0), layers, prev_cost


def _read_back(station: StationYear, layers: list[_Layer], final_cost: np.ndarray,
               k: int) -> list[tuple[tuple[int, ...], bool]]:
    """The station's chosen days per month, and whether the month leaves the rhythm, for exactly ``k`` months
    off the rhythm."""
    state = int(final_cost[:, k].argmin())
    picked: list[tuple[tuple[int, ...], bool]] = []
    for month, layer in zip(reversed(station.months), reversed(layers), strict=True):
        chain = int(layer.state_chain[state, k])
        off = bool(layer.off[chain])
        picked.append((tuple(month.day_nos[i] for i in layer.chains[chain]), off))
        state = int(layer.from_state[chain, k])
        k -= int(off)
    picked.reverse()
    return picked


def share_out(curves: Sequence[np.ndarray], budget: int, break_cost: int) -> list[int]:
    """How many months off the rhythm each station gets: the least total cost (plus ``break_cost`` a month
    off) with at most ``budget`` months off in all, or each station's least possible if that is more."""
    least = [int(np.argmax(curve < INF)) for curve in curves]
    budget = max(budget, sum(least))
    total = np.zeros(budget + 1, dtype=np.int64)
    choices = np.zeros((len(curves), budget + 1), dtype=np.int16)
    for s, curve in enumerate(curves):
        new = np.full(budget + 1, INF, dtype=np.int64)
        pick = np.zeros(budget + 1, dtype=np.int16)
        for k in range(min(len(curve), budget + 1)):
            if curve[k] >= INF:
                continue
            candidate = np.full(budget + 1, INF, dtype=np.int64)
            candidate[k:] = total[:budget + 1 - k] + curve[k] + break_cost * k
            better = candidate < new
            new = np.where(better, candidate, new)
            pick = np.where(better, k, pick)
        total, choices[s] = np.minimum(new, INF), pick
    spent = int(total.argmin())
    counts = [0] * len(curves)
    for s in range(len(curves) - 1, -1, -1):
        counts[s] = int(choices[s, spent])
        spent -= counts[s]
    return counts


def rhythm_breaks(stations: Sequence[StationYear], *, min_gap: int, gap_cost: Callable[[np.ndarray], np.ndarray],
                  keep_share: float, break_cost: int) -> dict[tuple[int, Month], tuple[int, ...]]:
    """The station-months that should leave their rhythm, each with the days (ordinals) to aim for."""
    solved = []
    for station in stations:
        if not station.rhythm or not station.months:
            continue
        result = station_curve(station, min_gap, gap_cost)
        if result is None or not (result[0] < INF).any():
            continue
        solved.append((station, result))
    if not solved:
        return {}
    curves = [np.minimum.accumulate(result[0]) for _station, result in solved]
    total_months = sum(len(station.months) for station in stations)
    budget = int(total_months * (1 - keep_share) + 1e-9)
    counts = share_out(curves, budget, break_cost)
    released: dict[tuple[int, Month], tuple[int, ...]] = {}
    for (station, (exact, layers, final)), count in zip(solved, counts, strict=True):
        if count == 0:
            continue
        k = int(exact[: count + 1].argmin())  # the best plan with at most `count` months off
        for month, (days, off) in zip(station.months, _read_back(station, layers, final, k), strict=True):
            if off:
                released[(station.station_id, month.month)] = days
    return released
