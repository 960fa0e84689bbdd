"""The lawyer visit plan (律师值班走访计划, 一站一家一律师).

Every union service station (工会服务站) has a lead lawyer (主律师), maybe a backup lawyer of the same firm
(备岗律师), and must be visited ``visits_per_month`` times a month in half-day slots (上午/下午) on its
receiving days (接待日).

How a plan is made (the product owner measured that CP-SAT started cold on a district year often finds
nothing in 30 s, while a greedy plan handed over as a hint lets it improve steadily):

1. per month, check each station on its own (receiving days, gaps, lawyer leave) and, where the greedy
   plan falls short, each group of stations sharing lawyers as a whole (a small max-flow: free half-days
   against visits needed, whose minimum cut names the stations and lawyers); station-months that cannot
   be planned are left out whole and named in a :class:`PlanProblem`, the rest is planned;
2. a greedy plan for the whole range, month by month (an exact dynamic programme per station, the
   stations taken hardest first; a group of stations the greedy order left short although its lawyers have
   the half-days is planned again with the stations left out first, else solved for the month with CP-SAT)
   - the first valid plan;
3. the look-ahead pass: month by month again, each month planned together with the next one as a draft
   (a rolling horizon of two months, which keeps the memory bounded at city scale), CP-SAT on independent
   groups of stations (usually a firm's two months) from a valid hint and with a share of the time left;
   the month is kept and the draft becomes the next window's hint. Groups whose hint already meets a lower
   bound are not solved. Station-months the greedy pass lost to the month before get another try.
   Measured on a district year: a draft of one month comes within 0.2 % of two months' drafts (and of a
   whole-year model per firm given a minute more) in less than half the time.

The time limit is a hard cap on the call: the greedy plan is always made, the look-ahead pass stops in time
to put the result together (``FINISH_SHARE``) and hands on whatever it has reached, the months it did not
reach keeping their greedy visits (repaired where the month before changed). ``stats["method"]`` says
which plan came back: "look-ahead", or "greedy" with ``stats["greedy_reason"]``.

Hard rules: a lawyer is in one place per half-day (existing visits elsewhere count as busy), visits only
on working days, receiving half-days and outside the lawyer's leave, exactly ``visits_per_month`` visits
per station and month, and two visits of a station at least ``min_gap_days`` apart (across month ends
and against existing visits too).

Wishes, in order of weight: keep existing visits (replan), the lead lawyer over the backup, the
station's rhythm (an explicit one such as 2nd and 4th Tuesday, else the pattern of its earlier months),
gaps near 14 days, a lawyer not out twice on one day, a firm's visits spread over the days. The rhythm is
counted per station-month (kept or not, as a coordinator counts it), and a gap shorter than 14 days costs
five times a longer one (it is paid twice: by itself and by the longer gap it forces later); so the plan
keeps the rhythm where the calendar allows it and, where a holiday or leave breaks it anyway, keeps the
gaps even.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from ortools.sat.python import cp_model

from trainer.planning.common import (
    Month,
    PlanProblem,
    SolveTimer,
    gc_paused,
    month_days,
    month_of,
    nth_weekday,
    solve_model,
    sorted_unique,
    week_of_month,
)
from trainer.planning.rhythm_year import MonthDays, StationYear, rhythm_breaks

HALVES = ("am", "pm")

# Objective weights. Each wish outweighs everything below it in practice, so the order of the wishes
# in the module docstring holds.
MISS_COST = 1_000_000  # a station-month the solver could not fit at all (only after the pre-checks pass)
MOVE_COST = 10_000  # replan: an existing visit that is moved or handed to another lawyer
BACKUP_COST = 1_000  # a visit by the backup lawyer (备岗) instead of the lead
RHYTHM_MISS_COST = 150  # a visit off the station's rhythm (week of month + weekday)...
RHYTHM_DAY_COST = 4  # ...plus this per day away from the nearest rhythm day
RHYTHM_DAY_CAP = 14
RHYTHM_KEEP_SHARE = 0.87  # the rhythm is kept in at least this share of station-months (where the calendar
RHYTHM_BREAK_MIN_SAVING = 10  # allows); a month leaves it only where that evens the gaps by at least this much
HALF_CHANGE_COST = 5  # the rhythm's half-day (am/pm) not kept
GAP_TARGET_DAYS = 14
GAP_LONG_DAY_COST = 5  # per day a gap between visits of a station is longer than 14 days...
GAP_SHORT_DAY_COST = 25  # ...and per day it is shorter
SAME_DAY_COST = 8  # a lawyer out both in the morning and in the afternoon of one day
FIRM_PEAK_COST = 2  # per visit on a firm's busiest day of the month

# CP-SAT models are built for batches of independent station groups (a firm, usually) of about this many
# station-months: measured on a city month, small models without presolve and with one worker prove
# optimality several times faster than large ones (a group is never split, so nothing is lost).
BATCH_TASKS = 15
WINDOW_BATCH_TASKS = 15
ONE_WORKER_TASKS = 40
MIN_BATCH_S = 0.05
REPAIR_ROUNDS = 3  # the greedy pass plans a group it left short again, the stations left out first, this often
REPAIR_S = 0.5  # then solves it with CP-SAT for at most this long
LOOKAHEAD_MONTHS = 1  # each month is planned with the next one as a draft
FINISH_SHARE = 0.2  # time kept back for assembling, validating and freeing the plan, as a share of the greedy pass
MARGIN_SHARE = 0.04  # and a margin, as a share of the time limit (the cap allows 10 % more)


@dataclass(frozen=True, order=True)
class Slot:
    """A half-day: ``half`` is "am" (上午) or "pm" (下午)."""

    day: date
    half: str

    def __post_init__(self) -> None:
        if self.half not in HALVES:
            raise ValueError(f"half must be 'am' or 'pm', not {self.half!r}")


@dataclass(frozen=True)
class StationSpec:
    """A union service station (工会服务站) as the planner sees it.

    ``receiving`` holds (weekday 0=Monday, half) pairs on which the station receives workers;
    ``rhythm`` an optional preferred pattern of (week of month 1-5, weekday), e.g. ((2, 1), (4, 1)) for
    the 2nd and 4th Tuesday.
    """

    id: int
    lead_lawyer_id: int
    backup_lawyer_id: int | None
    firm_id: int
    receiving: frozenset[tuple[int, str]]
    rhythm: tuple[tuple[int, int], ...] = ()
    visits_per_month: int = 2


@dataclass(frozen=True)
class LawyerSpec:
    """A lawyer (律师) with the days and half-days on which they cannot visit (leave, court, ...)."""

    id: int
    firm_id: int
    unavailable_days: frozenset[date] = frozenset()
    unavailable_slots: frozenset[Slot] = frozenset()


@dataclass(frozen=True)
class FixedVisit:
    """An existing visit. Pinned ones never move; unpinned ones inside the planned months may be re-planned
    (in "replan" mode moving one costs a lot, so only broken ones move); visits outside the planned months
    or at stations not in the request are context: busy slots of their lawyer and neighbours for the gap."""

    station_id: int
    lawyer_id: int
    slot: Slot
    pinned: bool
    visit_id: int | None = None


PlanMode = Literal["full", "replan"]


@dataclass(frozen=True)
class VisitPlanRequest:
    """What to plan: ``months`` (year, month) pairs; ``working_days`` as data (工作日, make-up days included).

    ``time_limit_s`` bounds the whole call (greedy plan included); ``mode`` "full" plans the months afresh
    (existing unpinned visits only lend their ids), "replan" keeps every existing visit that still obeys
    the hard rules.
    """

    months: tuple[Month, ...]
    working_days: frozenset[date]
    stations: tuple[StationSpec, ...]
    lawyers: tuple[LawyerSpec, ...]
    existing: tuple[FixedVisit, ...] = ()
    min_gap_days: int = 7
    time_limit_s: float = 5.0
    mode: PlanMode = "full"
    num_workers: int = 2
    seed: int = 0


@dataclass(frozen=True)
class PlannedVisit:
    """A visit of the plan. ``visit_id`` is kept when an existing visit stays or is moved (None: a new one)."""

    station_id: int
    lawyer_id: int
    slot: Slot
    by_backup: bool
    visit_id: int | None = None
    pinned: bool = False


@dataclass(frozen=True)
class VisitPlanResult:
    """The plan for the requested months (pinned visits included) and what could not be planned.

    ``status``: "optimal" (every month proven best), "feasible" (valid, not proven best), "partial" (some
    station-months left out, each named in ``problems``), "empty" (nothing to plan).
    ``stats`` holds figures: ``t_first_valid_s``, ``t_best_s``, ``t_total_s``, ``objective``,
    ``greedy_objective``, ``kept``/``moved``/``added`` visits, and ``removed_visit_ids``: existing unpinned
    visits of planned station-months that the plan no longer uses (to cancel). Existing visits of a
    station-month left out are neither planned nor removed: its problem lists them in
    ``details["existing_visit_ids"]`` for the caller to decide.
    """

    visits: tuple[PlannedVisit, ...]
    problems: tuple[PlanProblem, ...]
    status: str
    stats: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


# ----------------------------------------------------------------------------------------------------
# Internal model


@dataclass(eq=False, slots=True)
class _Option:
    """One way to make a visit: a half-day with one of the station's lawyers (compared by identity: each
    option is made once, and hashing it stays cheap; never changed once made, though not frozen, since a
    frozen dataclass's slower constructor showed in the greedy pass, which makes about 100,000 a city year)."""

    slot: Slot
    lawyer_id: int
    by_backup: bool
    day_no: int  # date ordinal, so gaps are differences
    cost: int  # everything about this visit that does not depend on the other visits
    stays: bool  # the very visit an existing one already is (replan)
    off: bool = False  # off the station's rhythm: the station-month then pays RHYTHM_MISS_COST once


@dataclass(frozen=True)
class _Day:
    """A working day of a planned month, as the planner reads it again and again."""

    day: date
    day_no: int
    weekday: int
    key: tuple[int, int]  # (week of month, weekday): the rhythm's terms
    slots: dict[str, Slot]  # half -> its Slot


@dataclass
class _Task:
    """The visits still to plan for one station in one month."""

    station: StationSpec
    month: Month
    need: int
    options: list[_Option]
    prev_day: int | None  # the last known visit before the month, for the gap wish
    replannable: list[FixedVisit]


Assignment = dict[int, list[_Option] | None]  # task index -> chosen options sorted by day, None: missed


def _gap_cost(delta: int) -> int:
    if delta < GAP_TARGET_DAYS:
        return GAP_SHORT_DAY_COST * (GAP_TARGET_DAYS - delta)
    return GAP_LONG_DAY_COST * (delta - GAP_TARGET_DAYS)


def _add_gap_wish(model: cp_model.CpModel, delta: Any, enforce: list[Any], hint_delta: int | None,
                  terms: list[tuple[int, cp_model.IntVar]], hint_values: dict[cp_model.IntVar, int]) -> None:
    """The gap wish on one gap ``delta`` (a linear expression), counted where ``enforce`` holds."""
    longer = model.new_int_var(0, 400, "")
    shorter = model.new_int_var(0, GAP_TARGET_DAYS, "")
    model.add(longer >= delta - GAP_TARGET_DAYS).only_enforce_if(enforce)
    model.add(shorter >= GAP_TARGET_DAYS - delta).only_enforce_if(enforce)
    terms.append((GAP_LONG_DAY_COST, longer))
    terms.append((GAP_SHORT_DAY_COST, shorter))
    hint_values[longer] = max(0, hint_delta - GAP_TARGET_DAYS) if hint_delta is not None else 0
    hint_values[shorter] = max(0, GAP_TARGET_DAYS - hint_delta) if hint_delta is not None else 0


class _Context:
    """Request data indexed once; plus the carry of the rolling horizon (known visits per station)."""

    def __init__(self, req: VisitPlanRequest,
                 released: dict[tuple[int, Month], tuple[int, ...]] | None = None) -> None:
        if req.min_gap_days < 1:
            raise ValueError("min_gap_days must be at least 1")
        if req.mode not in ("full", "replan"):
            raise ValueError(f"mode must be 'full' or 'replan', not {req.mode!r}")
        self.req = req
        self.gap = req.min_gap_days
        self.stations = {station.id: station for station in req.stations}
        self.lawyers = {lawyer.id: lawyer for lawyer in req.lawyers}
        for station in req.stations:
            for lawyer_id in (station.lead_lawyer_id, station.backup_lawyer_id):
                if lawyer_id is not None and lawyer_id not in self.lawyers:
                    raise ValueError(f"station {station.id} names lawyer {lawyer_id}, who is not in the request")
            for _weekday, half in station.receiving:
                if half not in HALVES:
                    raise ValueError(f"station {station.id} receives in unknown half {half!r}")
        self.months = sorted(set(req.months))
        self.month_set = set(self.months)
        self.working_days = req.working_days
        self._working: dict[Month, list[_Day]] = {}
        self._receiving: dict[int, dict[int, tuple[str, ...]]] = {}

        # Existing visits sorted into: pinned in range, replannable, and context.
        self.pinned: dict[tuple[int, Month], list[FixedVisit]] = defaultdict(list)
        self.replannable: dict[tuple[int, Month], list[FixedVisit]] = defaultdict(list)
        self.busy: set[tuple[int, Slot]] = set()  # (lawyer, slot) taken by visits this plan cannot move
        self.busy_halves: dict[tuple[int, date], set[str]] = defaultdict(set)
        # Known visits per station: what the gap rule and the rhythm are checked against. Grows with each
        # planned month (the carry of the rolling horizon).
        self.known: dict[int, list[Slot]] = defaultdict(list)
        self.soft_future: dict[int, list[FixedVisit]] = defaultdict(list)
        for visit in req.existing:
            month = month_of(visit.slot.day)
            in_plan = visit.station_id in self.stations and month in self.month_set
            if in_plan and not visit.pinned:
                self.replannable[(visit.station_id, month)].append(visit)
                if req.mode == "replan":
                    self.soft_future[visit.station_id].append(visit)
                continue
            if in_plan:
                self.pinned[(visit.station_id, month)].append(visit)
            self.busy.add((visit.lawyer_id, visit.slot))
            self.busy_halves[(visit.lawyer_id, visit.slot.day)].add(visit.slot.half)
            if visit.station_id in self.stations:
                self.known[visit.station_id].append(visit.slot)
        started = time.perf_counter()
        self.rhythms = self._choose_rhythms()
        # What building the months' tasks has cost so far: the look-ahead pass builds them all again.
        self.build_s = time.perf_counter() - started
        # Station-months where the rhythm gives way to even gaps, with the days the station's year aims for.
        self.released: dict[tuple[int, Month], tuple[int, ...]] = released if released is not None else (
            rhythm_breaks(self._year_view(), min_gap=self.gap, gap_cost=_gap_costs, keep_share=RHYTHM_KEEP_SHARE,
                          break_cost=RHYTHM_BREAK_MIN_SAVING) if req.mode == "full" else {})
        # The usual half per weekday where the known visits say nothing (the look-ahead pass takes it from
        # the greedy plan, since it plans months before their neighbours are known).
        self.default_halves: dict[int, dict[int, str]] = {}

    # -- per-station facts --------------------------------------------------------------------------

    def receiving_halves(self, station: StationSpec) -> dict[int, tuple[str, ...]]:
        """Weekday -> the half-days the station receives on it (morning first)."""
        halves = self._receiving.get(station.id)
        if halves is None:
            halves = self._receiving[station.id] = {
                weekday: tuple(half for half in HALVES if (weekday, half) in station.receiving)
                for weekday in range(7)}
        return halves

    def working_in(self, month: Month) -> list[_Day]:
        """The month's working days with their half-days, made once for all stations."""
        days = self._working.get(month)
        if days is None:
            days = self._working[month] = [
                _Day(day, day.toordinal(), day.weekday(), (week_of_month(day), day.weekday()),
                     {half: Slot(day, half) for half in HALVES})
                for day in month_days(month) if day in self.working_days]
        return days

    def lawyer_free(self, lawyer_id: int, slot: Slot) -> bool:
        lawyer = self.lawyers[lawyer_id]
        return (
            slot.day not in lawyer.unavailable_days
            and slot not in lawyer.unavailable_slots
            and (lawyer_id, slot) not in self.busy
        )

    def rhythm_for(self, station: StationSpec, month: Month) -> tuple[list[tuple[int, int]], dict[int, str]]:
        """The (week of month, weekday) pattern to keep in ``month`` and the usual half per weekday (from
        the visits before the month, planned ones included, so the half-day stays steady too)."""
        first = date(month[0], month[1], 1)
        halves: dict[int, Counter[str]] = defaultdict(Counter)
        for slot in self.known[station.id]:
            if slot.day < first:
                halves[slot.day.weekday()][slot.half] += 1
        usual_half = dict(self.default_halves.get(station.id, {}))
        usual_half.update({weekday: counts.most_common(1)[0][0] for weekday, counts in halves.items()})
        return self.rhythms.get(station.id, []), usual_half

    def _choose_rhythms(self) -> dict[int, list[tuple[int, int]]]:
        """The rhythm each station keeps through the whole request, fixed once so it cannot drift.

        An explicit rhythm wins. Otherwise the pattern seen most often in the station's last six months of
        visits before the range (ties: the earlier, established one, so a holiday-displaced month does not
        set a new rhythm). A station without history gets the pattern (2nd and 4th, or 1st and 3rd, of one
        of its receiving weekdays) that its lead lawyer can keep in the most months of the range, avoiding
        patterns already given to the lawyer's other stations.
        """
        rhythms: dict[int, list[tuple[int, int]]] = {}
        range_start = date(self.months[0][0], self.months[0][1], 1) if self.months else date.min
        taken_by_lawyer: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for station in self.req.stations:
            if station.rhythm:
                rhythms[station.id] = list(station.rhythm)
                taken_by_lawyer[station.lead_lawyer_id].update(station.rhythm)
        for station in self.req.stations:
            if station.rhythm:
                continue
            by_month: dict[Month, list[date]] = defaultdict(list)
            for slot in self.known[station.id]:
                if slot.day < range_start:
                    by_month[month_of(slot.day)].append(slot.day)
            recent = sorted(by_month)[-6:]
            patterns: Counter[tuple[tuple[int, int], ...]] = Counter()
            first_seen: dict[tuple[tuple[int, int], ...], Month] = {}
            for visited_month in recent:
                days = by_month[visited_month]
                if len(days) != station.visits_per_month:
                    continue
                pattern = tuple(sorted((week_of_month(d), d.weekday()) for d in days))
                patterns[pattern] += 1
                first_seen.setdefault(pattern, visited_month)
            if patterns:
                best = max(patterns, key=lambda p: (patterns[p], [-x for x in first_seen[p]]))
                rhythms[station.id] = list(best)
                continue
            derived = self._derive_rhythm(station, taken_by_lawyer[station.lead_lawyer_id])
            if derived:
                rhythms[station.id] = derived
                taken_by_lawyer[station.lead_lawyer_id].update(derived)
        return rhythms

    def _year_view(self) -> list[StationYear]:
        """Each station with a rhythm over the whole range, for :func:`rhythm_breaks`: its possible visit
        days a month (a receiving half-day with a lawyer of the station free; by the backup costs as in the
        plan). Stations with pinned visits in the range are left to the month-by-month planner."""
        pinned_stations = {station_id for station_id, _month in self.pinned}
        range_start = date(self.months[0][0], self.months[0][1], 1).toordinal() if self.months else 0
        view = []
        for station in self.req.stations:
            rhythm = self.rhythms.get(station.id)
            if not rhythm or station.id in pinned_stations or len(rhythm) != station.visits_per_month:
                continue
            months = []
            receiving = self.receiving_halves(station)
            for month in self.months:
                day_nos, costs, keys = [], [], []
                for day in self.working_in(month):
                    halves = [day.slots[half] for half in receiving[day.weekday]]
                    if not halves:
                        continue
                    if any(self.lawyer_free(station.lead_lawyer_id, slot) for slot in halves):
                        cost = 0
                    elif station.backup_lawyer_id is not None and any(
                            self.lawyer_free(station.backup_lawyer_id, slot) for slot in halves):
                        cost = BACKUP_COST
                    else:
                        continue
                    day_nos.append(day.day_no)
                    costs.append(cost)
                    keys.append(day.key)
                months.append(MonthDays(month, tuple(day_nos), tuple(costs), tuple(keys)))
            before = [slot.day.toordinal() for slot in self.known[station.id]
                      if slot.day.toordinal() < range_start]
            view.append(StationYear(station.id, station.visits_per_month, frozenset(rhythm), tuple(months),
                                    max(before) if before else None))
        return view

    def _derive_rhythm(self, station: StationSpec, taken: set[tuple[int, int]]) -> list[tuple[int, int]]:
        if station.visits_per_month == 1:
            weeks_options: tuple[tuple[int, ...], ...] = ((2,), (3,), (1,), (4,))
        elif station.visits_per_month == 2:
            weeks_options = ((2, 4), (1, 3))
        else:
            return []  # three or more visits a month: the gap wish alone keeps them regular
        weekdays = sorted({weekday for weekday, _half in station.receiving if weekday < 5})
        best: tuple[int, list[tuple[int, int]]] | None = None
        for weekday in weekdays:
            halves = [half for wd, half in station.receiving if wd == weekday]
            for weeks in weeks_options:
                pattern = [(week, weekday) for week in weeks]
                kept = 0
                for month in self.months:
                    days = [nth_weekday(month, week, weekday) for week in weeks]
                    if all(day in self.working_days
                           and any(self.lawyer_free(station.lead_lawyer_id, Slot(day, h)) for h in halves)
                           for day in days):
                        kept += 1
                score = kept - len(self.months) * sum(1 for key in pattern if key in taken)
                if best is None or score > best[0]:
                    best = (score, pattern)
        return best[1] if best else []


def _gap_costs(deltas: np.ndarray) -> np.ndarray:
    """:func:`_gap_cost` over an array of gaps."""
    return np.where(deltas < GAP_TARGET_DAYS, GAP_SHORT_DAY_COST * (GAP_TARGET_DAYS - deltas),
                    GAP_LONG_DAY_COST * (deltas - GAP_TARGET_DAYS))


def _rhythm_cost(day: date, half: str, month: Month, rhythm: list[tuple[int, int]],
                 usual_half: dict[int, str], aim: tuple[int, ...] | None = None) -> tuple[int, bool]:
    """A visit's own rhythm cost (days away from the nearest rhythm day, the usual half-day) and whether it
    is off the rhythm (whose cost, RHYTHM_MISS_COST, the station-month pays once, as a coordinator counts a
    month that keeps its rhythm or not). In a month where the rhythm gives way (``aim``: the days the
    station's year aims for), the days away from those days count instead, and nothing is off."""
    cost, off = 0, False
    if aim:
        distance = min(abs(day.toordinal() - d) for d in aim)
        cost += RHYTHM_DAY_COST * min(distance, RHYTHM_DAY_CAP)
    elif rhythm:
        distance = _rhythm_distance(day, month, tuple(rhythm))
        if distance is not None:
            cost += RHYTHM_DAY_COST * min(distance, RHYTHM_DAY_CAP)
            off = True
    wanted_half = usual_half.get(day.weekday())
    if wanted_half is not None and wanted_half != half:
        cost += HALF_CHANGE_COST
    return cost, off


@lru_cache(maxsize=65536)
def _rhythm_distance(day: date, month: Month, rhythm: tuple[tuple[int, int], ...]) -> int | None:
    """Days from ``day`` to the nearest day of the rhythm in the month; None when the day is one of them
    (cached: stations share their rhythms, and each day is asked about for each station and half-day)."""
    if (week_of_month(day), day.weekday()) in rhythm:
        return None
    return min(abs((day - nth_weekday(month, nth, weekday)).days) for nth, weekday in rhythm)


def _max_spaced(days: Sequence[int], gap: int) -> int:
    """How many of the (sorted) days can be chosen at least ``gap`` apart: earliest-first is optimal."""
    count, last = 0, None
    for day in days:
        if last is None or day - last >= gap:
            count, last = count + 1, day
    return count


# ----------------------------------------------------------------------------------------------------
# Month set-up and pre-checks


def _build_month(ctx: _Context, month: Month) -> tuple[list[_Task], list[PlanProblem]]:
    """The station-months of ``month`` still to plan, and problems for those that cannot be planned."""
    req = ctx.req
    gap = ctx.gap
    days_in_month = ctx.working_in(month)
    tasks: list[_Task] = []
    problems: list[PlanProblem] = []
    month_start = date(month[0], month[1], 1).toordinal()
    month_end = month_days(month)[-1].toordinal()
    for station in req.stations:
        pinned = ctx.pinned.get((station.id, month), [])
        replannable = ctx.replannable.get((station.id, month), [])
        need = station.visits_per_month - len(pinned)
        if need <= 0:
            continue  # too many pinned visits show up in the validator's visit_count problem
        lawyer_ids = sorted_unique(
            i for i in (station.lead_lawyer_id, station.backup_lawyer_id) if i is not None
        )
        receiving = ctx.receiving_halves(station)
        receiving_slots = [day.slots[half] for day in days_in_month for half in receiving[day.weekday]]
        receiving_day_nos = sorted({slot.day.toordinal() for slot in receiving_slots})
        existing_ids = [v.visit_id for v in replannable if v.visit_id is not None]
        if len(receiving_day_nos) < need:
            problems.append(PlanProblem(
                rule="no_receiving_day", station_ids=(station.id,), lawyer_ids=lawyer_ids, month=month,
                days=tuple(sorted({s.day for s in receiving_slots})),
                details={"needed": need, "receiving_days": len(receiving_day_nos),
                         "existing_visit_ids": existing_ids}))
            continue
        known_day_nos = [slot.day.toordinal() for slot in ctx.known[station.id]]
        # Only known visits near the month can be too close to one of its days.
        near_day_nos = [k for k in known_day_nos if month_start - gap < k < month_end + gap]
        spaced_slots = [
            slot for slot in receiving_slots
            if all(abs(slot.day.toordinal() - k) >= gap for k in near_day_nos)
        ]
        spaced_day_nos = sorted({slot.day.toordinal() for slot in spaced_slots})
        if _max_spaced(spaced_day_nos, gap) < need:
            near = sorted({date.fromordinal(k) for k in known_day_nos if abs(k - month_start) < 45})
            problems.append(PlanProblem(
                rule="min_gap", station_ids=(station.id,), lawyer_ids=lawyer_ids, month=month,
                days=tuple(near),
                details={"needed": need, "receiving_days": len(receiving_day_nos),
                         "min_gap_days": gap, "existing_visit_ids": existing_ids}))
            continue
        rhythm, usual_half = ctx.rhythm_for(station, month)
        prev_days = [k for k in known_day_nos if k < month_start]
        prev_day = max(prev_days) if prev_days else None
        future_soft = [
            v for v in ctx.soft_future.get(station.id, ()) if month_of(v.slot.day) > month
        ]
        options: list[_Option] = []
        for slot in spaced_slots:
            base, off = _rhythm_cost(slot.day, slot.half, month, rhythm, usual_half,
                                     ctx.released.get((station.id, month)))
            day_no = slot.day.toordinal()
            # Replan: landing too close to a later month's existing visit would force that one to move.
            base += MOVE_COST * sum(1 for v in future_soft if abs(v.slot.day.toordinal() - day_no) < gap)
            for lawyer_id in lawyer_ids:
                if not ctx.lawyer_free(lawyer_id, slot):
                    continue
                by_backup = lawyer_id != station.lead_lawyer_id
                cost = base + (BACKUP_COST if by_backup else 0)
                other_half = "pm" if slot.half == "am" else "am"
                if other_half in ctx.busy_halves.get((lawyer_id, slot.day), ()):
                    cost += SAME_DAY_COST
                stays = req.mode == "replan" and any(
                    v.slot == slot and v.lawyer_id == lawyer_id for v in replannable
                )
                if stays:
                    cost -= MOVE_COST
                options.append(_Option(slot, lawyer_id, by_backup, day_no, cost, stays, off))
        free_day_nos = sorted({o.day_no for o in options})
        if _max_spaced(free_day_nos, gap) < need:
            free = set(free_day_nos)
            blocked = sorted({s.day for s in spaced_slots if s.day.toordinal() not in free})
            problems.append(PlanProblem(
                rule="lawyer_unavailable", station_ids=(station.id,), lawyer_ids=lawyer_ids, month=month,
                days=tuple(blocked),
                details={"needed": need, "receiving_days": len(receiving_day_nos),
                         "free_days": len(free_day_nos), "existing_visit_ids": existing_ids}))
            continue
        options.sort(key=lambda o: (o.day_no, o.slot.half, o.by_backup, o.lawyer_id))
        tasks.append(_Task(station, month, need, options, prev_day, replannable))
    return tasks, problems


def _month_greedy(ctx: _Context, month: Month) -> tuple[list[_Task], Assignment, list[PlanProblem]]:
    """The month's tasks and their greedy plan, groups of stations their lawyers cannot cover left out.

    The capacity check runs only on groups where the greedy plan falls short: where it succeeds, the
    lawyers evidently have the half-days.
    """
    started = time.perf_counter()
    tasks, problems = _build_month(ctx, month)
    ctx.build_s += time.perf_counter() - started
    assignment = _greedy(ctx, tasks)
    short_groups = [g for g in _components(tasks) if any(assignment[i] is None for i in g)]
    if short_groups:
        suspects = [i for g in short_groups for i in g]
        _, capacity_problems = _capacity_check([tasks[i] for i in suspects], month)
        if capacity_problems:
            left_out = {(sid, month) for p in capacity_problems for sid in p.station_ids}
            tasks = [t for t in tasks if (t.station.id, month) not in left_out]
            assignment = _greedy(ctx, tasks)
            problems = problems + capacity_problems
        _repair_misses(ctx, tasks, assignment)
    return tasks, assignment, problems


def _repair_misses(ctx: _Context, tasks: Sequence[_Task], assignment: Assignment) -> None:
    """Station-months the greedy order left without visits although their lawyers have the half-days (a
    station with three free days in a holiday month loses them one by one to stations planned before it):
    the group of stations is planned again with those stations first, and where that still leaves one out,
    solved for the month with CP-SAT (the greedy plan as the hint, a short limit). So the first valid plan
    leaves out only what cannot be planned."""
    for group in _components(tasks):
        missed = [k for k, index in enumerate(group) if assignment.get(index) is None]
        if not missed:
            continue
        group_tasks = [tasks[i] for i in group]
        for _round in range(REPAIR_ROUNDS):  # those still left out go first the next time, before the others
            solved = _greedy(ctx, group_tasks, first=missed)
            still = [k for k, chosen in solved.items() if chosen is None]
            if not still:
                break
            missed = still + [k for k in missed if k not in still]
        else:
            hint = {k: assignment.get(i) for k, i in enumerate(group)}
            solved, _status = _solve_batch(ctx, group_tasks, hint, REPAIR_S, SolveTimer())
        for k, index in enumerate(group):
            assignment[index] = solved.get(k)


def _components(tasks: Sequence[_Task]) -> list[list[int]]:
    """Groups of tasks linked by a shared lawyer or firm: independent sub-problems."""
    parent = list(range(len(tasks)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, int], int] = {}
    for index, task in enumerate(tasks):
        keys = [("firm", task.station.firm_id)] + [("lawyer", o.lawyer_id) for o in task.options]
        for key in keys:
            if key in owner:
                parent[find(index)] = find(owner[key])
            else:
                owner[key] = index
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(tasks)):
        groups[find(index)].append(index)
    return sorted(groups.values(), key=lambda g: g[0])


class _MaxFlow:
    """A small Edmonds-Karp max-flow; the graphs are one group of stations in one month."""

    def __init__(self) -> None:
        self.capacity: dict[Any, dict[Any, int]] = defaultdict(lambda: defaultdict(int))

    def add(self, tail: Any, head: Any, capacity: int) -> None:
        """An arc; adding the same arc again keeps one arc (a half-day is one half-day)."""
        self.capacity[tail][head] = capacity
        self.capacity[head].setdefault(tail, 0)

    def run(self, source: Any, sink: Any) -> int:
        flow = 0
        while True:
            parents = {source: None}
            queue = [source]
            for node in queue:
                if sink in parents:
                    break
                for head, cap in self.capacity[node].items():
                    if cap > 0 and head not in parents:
                        parents[head] = node
                        queue.append(head)
            if sink not in parents:
                return flow
            node = sink
            while parents[node] is not None:
                tail = parents[node]
                self.capacity[tail][node] -= 1
                self.capacity[node][tail] += 1
                node = tail
            flow += 1

    def reachable(self, source: Any) -> set[Any]:
        seen = {source}
        queue = [source]
        for node in queue:
            for head, cap in self.capacity[node].items():
                if cap > 0 and head not in seen:
                    seen.add(head)
                    queue.append(head)
        return seen


def _capacity_check(tasks: list[_Task], month: Month) -> tuple[list[_Task], list[PlanProblem]]:
    """Free half-days of the lawyers against the visits their stations need (a relaxation: at most one
    visit per station per calendar week, since two visits in one week are less than 7 days apart).

    A shortfall names the smallest group of stations whose lawyers cannot cover them (the source side of
    a minimum cut); that group is left out of the month and reported, the other stations are planned.
    """
    keep = [True] * len(tasks)
    problems: list[PlanProblem] = []
    for group in _components(tasks):
        flow = _MaxFlow()
        for index in group:
            task = tasks[index]
            flow.add("source", ("station", index), task.need)
            for option in task.options:
                week = option.slot.day.isocalendar()[:2]
                flow.add(("station", index), ("week", index, week), 1)
                flow.add(("week", index, week), ("lawyer", option.lawyer_id, option.slot), 1)
                flow.add(("lawyer", option.lawyer_id, option.slot), "sink", 1)
        needed = sum(tasks[i].need for i in group)
        if flow.run("source", "sink") >= needed:
            continue
        cut = flow.reachable("source")
        short = [i for i in group if ("station", i) in cut]
        free_slots = [node for node in cut if isinstance(node, tuple) and node[0] == "lawyer"]
        lawyer_ids = sorted_unique(node[1] for node in free_slots)
        for index in short:
            keep[index] = False
        problems.append(PlanProblem(
            rule="lawyer_capacity",
            station_ids=sorted_unique(tasks[i].station.id for i in short),
            lawyer_ids=lawyer_ids,
            days=tuple(sorted({node[2].day for node in free_slots})),
            month=month,
            details={"needed": sum(tasks[i].need for i in short), "available": len(free_slots),
                     "existing_visit_ids": [v.visit_id for i in short for v in tasks[i].replannable
                                            if v.visit_id is not None]}))
    return [task for task, kept in zip(tasks, keep, strict=True) if kept], problems


# ----------------------------------------------------------------------------------------------------
# Greedy construction


def _best_chain(task: _Task, options: Sequence[_Option], extra: dict[_Option, int], gap: int,
                ) -> list[_Option] | None:
    """The cheapest ``need`` visits at least ``gap`` apart, by dynamic programming over the days.

    Exact for one station given which lawyer half-days are still free: unary costs plus the gap wish
    between consecutive visits (and to the last visit before the month).
    """
    best_on_day: dict[int, tuple[int, _Option]] = {}
    for option in options:
        cost = option.cost + extra.get(option, 0)
        current = best_on_day.get(option.day_no)
        if current is None or cost < current[0]:
            best_on_day[option.day_no] = (cost, option)
    day_nos = sorted(best_on_day)
    if not day_nos:
        return None
    costs = [best_on_day[d][0] for d in day_nos]
    off = [int(best_on_day[d][1].off) for d in day_nos]  # off the rhythm is a property of the day
    count = len(day_nos)
    inf = float("inf")
    # Two layers: the chain so far keeps the rhythm (0) or has left it (1, paying RHYTHM_MISS_COST once).
    layers = [[inf] * count, [inf] * count]
    for i in range(count):
        layers[off[i]][i] = costs[i] + (_gap_cost(day_nos[i] - task.prev_day) if task.prev_day is not None else 0)
    back: list[list[list[tuple[int, int]]]] = []
    for _ in range(1, task.need):
        nxt = [[inf] * count, [inf] * count]
        links: list[list[tuple[int, int]]] = [[(-1, 0)] * count, [(-1, 0)] * count]
        for i, day in enumerate(day_nos):
            for j in range(i):
                if day - day_nos[j] < gap:
                    break  # the days are sorted: every later j is closer still
                step = _gap_cost(day - day_nos[j]) + costs[i]
                for flag in (0, 1):
                    value = layers[flag][j] + step
                    target = flag | off[i]
                    if value < nxt[target][i]:
                        nxt[target][i] = value
                        links[target][i] = (j, flag)
        layers = nxt
        back.append(links)
    end, end_flag = min(((i, flag) for i in range(count) for flag in (0, 1)),
                        key=lambda item: layers[item[1]][item[0]] + RHYTHM_MISS_COST * item[1])
    if layers[end_flag][end] == inf:
        return None
    chain = [(end, end_flag)]
    for links in reversed(back):
        chain.append(links[chain[-1][1]][chain[-1][0]])
    chain.reverse()
    return [best_on_day[day_nos[i]][1] for i, _flag in chain]


def _greedy(ctx: _Context, tasks: Sequence[_Task], first: Sequence[int] = ()) -> Assignment:
    """Stations hardest first (fewest free days per visit needed; the tasks ``first`` before all, in that order),
    each given its cheapest chain."""
    taken: set[tuple[int, Slot]] = set()
    reserved: dict[tuple[int, Slot], int] = {}
    if ctx.req.mode == "replan":
        # Existing visits that can stay hold their half-day, so no other station takes it first.
        for index, task in enumerate(tasks):
            for option in task.options:
                if option.stays:
                    reserved[(option.lawyer_id, option.slot)] = index
    halves_out: dict[tuple[int, date], set[str]] = defaultdict(set)
    firm_load: dict[tuple[int, date], int] = defaultdict(int)
    firm_peak: dict[int, int] = defaultdict(int)
    before = {index: rank for rank, index in enumerate(first)}
    order = sorted(
        range(len(tasks)),
        key=lambda i: (before.get(i, len(before)), len({o.day_no for o in tasks[i].options}) / tasks[i].need,
                       tasks[i].station.id),
    )
    assignment: Assignment = {}
    for index in order:
        task = tasks[index]
        usable = [
            o for o in task.options
            if (o.lawyer_id, o.slot) not in taken and reserved.get((o.lawyer_id, o.slot), index) == index
        ]
        extra: dict[_Option, int] = {}
        firm = task.station.firm_id
        for option in usable:
            cost = 0
            if halves_out.get((option.lawyer_id, option.slot.day)):
                cost += SAME_DAY_COST
            if firm_load[(firm, option.slot.day)] + 1 > firm_peak[firm]:
                cost += FIRM_PEAK_COST
            if cost:
                extra[option] = cost
        chain = _best_chain(task, usable, extra, ctx.gap)
        assignment[index] = chain
        for option in chain or ():
            taken.add((option.lawyer_id, option.slot))
            halves_out[(option.lawyer_id, option.slot.day)].add(option.slot.half)
            firm_load[(firm, option.slot.day)] += 1
            firm_peak[firm] = max(firm_peak[firm], firm_load[(firm, option.slot.day)])
    return assignment


# ----------------------------------------------------------------------------------------------------
# CP-SAT improvement


def _links(tasks: Sequence[_Task]) -> dict[int, int]:
    """Later task -> the same station's task of the month before it among ``tasks``: the two are linked by
    the gap rule and the gap wish (the later one's ``prev_day`` no longer counts)."""
    chains: dict[int, list[int]] = defaultdict(list)
    for index in sorted(range(len(tasks)), key=lambda i: tasks[i].month):
        chains[tasks[index].station.id].append(index)
    links: dict[int, int] = {}
    for chain in chains.values():
        for earlier, later in zip(chain, chain[1:], strict=False):
            links[later] = earlier
    return links


def _solve_batch(ctx: _Context, tasks: Sequence[_Task], hint: Assignment, time_limit_s: float,
                 timer: SolveTimer) -> tuple[Assignment, str]:
    """Improve a valid plan of a batch of tasks (one month or several) with CP-SAT; the plan is a complete
    hint, so the answer is never worse than it."""
    gap = ctx.gap
    links = _links(tasks)
    model = cp_model.CpModel()
    terms: list[tuple[int, cp_model.IntVar]] = []
    hint_values: dict[cp_model.IntVar, int] = {}
    position_vars: dict[int, list[list[tuple[cp_model.IntVar, _Option]]]] = {}
    misses: dict[int, cp_model.IntVar] = {}
    day_exprs: dict[int, list[Any]] = {}
    by_resource: dict[tuple[int, Slot], list[cp_model.IntVar]] = defaultdict(list)
    by_lawyer_day: dict[tuple[int, date], dict[str, list[cp_model.IntVar]]] = defaultdict(
        lambda: {"am": [], "pm": []})
    by_firm_day: dict[tuple[int, Month], dict[date, list[cp_model.IntVar]]] = defaultdict(lambda: defaultdict(list))

    for index, task in enumerate(tasks):
        chosen = hint.get(index)
        miss = model.new_bool_var(f"miss_{index}")
        misses[index] = miss
        terms.append((MISS_COST, miss))
        hint_values[miss] = int(chosen is None)
        positions: list[list[tuple[cp_model.IntVar, _Option]]] = []
        exprs = []
        if not task.options:
            model.add(miss == 1)
            position_vars[index] = positions
            continue
        first_day = task.options[0].day_no
        last_day = task.options[-1].day_no
        broken = None  # the station-month is off its rhythm
        for k in range(task.need):
            # The k-th visit leaves room for k visits before it and need-1-k after, gap apart.
            allowed = [
                o for o in task.options
                if first_day + k * gap <= o.day_no <= last_day - (task.need - 1 - k) * gap
            ]
            pairs = []
            for option in allowed:
                var = model.new_bool_var("")
                pairs.append((var, option))
                cost = option.cost
                if k == 0 and task.prev_day is not None and index not in links:
                    cost += _gap_cost(option.day_no - task.prev_day)
                if cost:
                    terms.append((cost, var))
                hint_values[var] = int(chosen is not None and chosen[k] == option)
                by_resource[(option.lawyer_id, option.slot)].append(var)
                by_lawyer_day[(option.lawyer_id, option.slot.day)][option.slot.half].append(var)
                by_firm_day[(task.station.firm_id, task.month)][option.slot.day].append(var)
            model.add_exactly_one([var for var, _ in pairs] + [miss])
            off_vars = [var for var, o in pairs if o.off]
            if off_vars:
                if broken is None:
                    broken = model.new_bool_var("")
                    terms.append((RHYTHM_MISS_COST, broken))
                    hint_values[broken] = int(chosen is not None and any(o.off for o in chosen))
                model.add(cp_model.LinearExpr.sum(off_vars) <= broken)
            # Days counted from the task's first option; linked tasks add their offsets back.
            exprs.append((cp_model.LinearExpr.weighted_sum([var for var, _ in pairs],
                                                           [o.day_no - first_day for _, o in pairs]), first_day))
            positions.append(pairs)
        position_vars[index] = positions
        day_exprs[index] = exprs
        for k in range(task.need - 1):
            delta = exprs[k + 1][0] - exprs[k][0]
            model.add(delta >= gap).only_enforce_if(miss.Not())
            _add_gap_wish(model, delta, [miss.Not()], chosen[k + 1].day_no - chosen[k].day_no if chosen else None,
                          terms, hint_values)
    for later, earlier in links.items():
        if later not in day_exprs or earlier not in day_exprs:
            continue
        (late_expr, late_first), (early_expr, early_first) = day_exprs[later][0], day_exprs[earlier][-1]
        delta = late_expr - early_expr + (late_first - early_first)
        both = [misses[earlier].Not(), misses[later].Not()]
        model.add(delta >= gap).only_enforce_if(both)
        before, after = hint.get(earlier), hint.get(later)
        _add_gap_wish(model, delta, both, after[0].day_no - before[-1].day_no if before and after else None,
                      terms, hint_values)

    for variables in by_resource.values():
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for halves in by_lawyer_day.values():
        if halves["am"] and halves["pm"]:
            both_halves = model.new_bool_var("")
            model.add(cp_model.LinearExpr.sum(halves["am"] + halves["pm"]) - 1 <= both_halves)
            terms.append((SAME_DAY_COST, both_halves))
            hint_values[both_halves] = int(
                any(hint_values[v] for v in halves["am"]) and any(hint_values[v] for v in halves["pm"])
            )
    for days in by_firm_day.values():
        peak = model.new_int_var(0, 62, "")
        for variables in days.values():
            model.add(cp_model.LinearExpr.sum(variables) <= peak)
        terms.append((FIRM_PEAK_COST, peak))
        hint_values[peak] = max(sum(hint_values[v] for v in variables) for variables in days.values())

    model.minimize(cp_model.LinearExpr.weighted_sum([var for _, var in terms], [coef for coef, _ in terms]))
    for var, value in hint_values.items():
        model.add_hint(var, value)
    hint_objective = sum(coef * hint_values[var] for coef, var in terms)
    workers = 1 if len(tasks) <= ONE_WORKER_TASKS else ctx.req.num_workers
    outcome = solve_model(model, time_limit_s=time_limit_s, num_workers=workers, seed=ctx.req.seed,
                          timer=timer, hint_objective=hint_objective, presolve=False)
    if outcome.solver is None or outcome.objective is None or outcome.objective > hint_objective:
        return dict(hint), "greedy"
    solver = outcome.solver
    result: Assignment = {}
    for index, positions in position_vars.items():
        if not positions or solver.boolean_value(misses[index]):
            result[index] = None
            continue
        result[index] = [next(o for var, o in pairs if solver.boolean_value(var)) for pairs in positions]
    return result, outcome.status


# ----------------------------------------------------------------------------------------------------
# The greedy pass: month by month, carrying each month's visits forward


def _batches(tasks: Sequence[_Task], size: int = BATCH_TASKS) -> list[list[int]]:
    """Independent groups of tasks packed into batches of about ``size`` tasks (a group is never split)."""
    batches: list[list[int]] = []
    current: list[int] = []
    for group in sorted(_components(tasks), key=len, reverse=True):
        if current and len(current) + len(group) > size:
            batches.append(current)
            current = []
        current.extend(group)
    if current:
        batches.append(current)
    return batches


def _missed_problem(task: _Task) -> PlanProblem:
    return PlanProblem(
        rule="lawyer_capacity",
        station_ids=(task.station.id,),
        lawyer_ids=sorted_unique(o.lawyer_id for o in task.options),
        month=task.month,
        details={"needed": task.need, "available": len({o.day_no for o in task.options}),
                 "reason": "no fit together with the other stations of these lawyers",
                 "existing_visit_ids": [v.visit_id for v in task.replannable if v.visit_id is not None]})


@dataclass
class _MonthPlan:
    month: Month
    tasks: list[_Task]
    assignment: Assignment
    left_out: list[PlanProblem]  # station-months the greedy pass's pre-checks left out
    status: str

    @property
    def problems(self) -> list[PlanProblem]:
        """Why station-months have no visits: the pre-checks' reasons while they still hold (the look-ahead
        pass may plan a station-month the greedy pass had to leave out after its month before), and a
        reason for each station-month planned with nothing else."""
        planned = {self.tasks[i].station.id for i, chosen in self.assignment.items() if chosen is not None}
        kept = [p for p in self.left_out if not all(sid in planned for sid in p.station_ids)]
        explained = {sid for p in kept for sid in p.station_ids}
        return kept + [_missed_problem(self.tasks[index]) for index, chosen in sorted(self.assignment.items())
                       if chosen is None and self.tasks[index].station.id not in explained]


def _record(ctx: _Context, plan: _MonthPlan) -> None:
    """Carry a planned month forward: its visits are fixed for the months after it."""
    for index, chosen in plan.assignment.items():
        for option in chosen or ():
            ctx.known[plan.tasks[index].station.id].append(option.slot)


def _greedy_months(req: VisitPlanRequest,
                   ) -> tuple[list[_MonthPlan], dict[tuple[int, Month], tuple[int, ...]], float]:
    """The greedy plan, month by month, each month's visits carried forward (the first valid plan), the
    year view it followed, and the seconds it spent building the months' tasks."""
    ctx = _Context(req)
    plans: list[_MonthPlan] = []
    for month in ctx.months:
        tasks, assignment, problems = _month_greedy(ctx, month)
        plan = _MonthPlan(month, tasks, assignment, problems, "greedy")
        _record(ctx, plan)
        plans.append(plan)
    return plans, ctx.released, ctx.build_s


def _assignment_cost(tasks: Sequence[_Task], assignment: Assignment) -> int:
    """The objective of a plan of ``tasks`` (a batch, a month or several), exactly as the CP-SAT models count it."""
    links = _links(tasks)
    total = 0
    lawyer_days: dict[tuple[int, date], set[str]] = defaultdict(set)
    firm_days: dict[tuple[int, Month], Counter[date]] = defaultdict(Counter)
    for index, chosen in assignment.items():
        task = tasks[index]
        if chosen is None:
            total += MISS_COST
            continue
        earlier = links.get(index)
        if any(option.off for option in chosen):
            total += RHYTHM_MISS_COST
        for k, option in enumerate(chosen):
            total += option.cost
            if k == 0 and earlier is None and task.prev_day is not None:
                total += _gap_cost(option.day_no - task.prev_day)
            if k == 0 and earlier is not None and assignment.get(earlier):
                total += _gap_cost(option.day_no - assignment[earlier][-1].day_no)  # type: ignore[index]
            if k:
                total += _gap_cost(option.day_no - chosen[k - 1].day_no)
            lawyer_days[(option.lawyer_id, option.slot.day)].add(option.slot.half)
            firm_days[(task.station.firm_id, task.month)][option.slot.day] += 1
    total += SAME_DAY_COST * sum(1 for halves in lawyer_days.values() if len(halves) == 2)
    total += FIRM_PEAK_COST * sum(max(days.values()) for days in firm_days.values())
    return total


def _lower_bound(tasks: Sequence[_Task], gap: int) -> int:
    """No plan of these tasks costs less: each station-month's best chain on its own (a linked month without
    its gap to the month before), and a firm's busiest day of a month has at least one visit."""
    links = _links(tasks)
    total = 0
    for index, task in enumerate(tasks):
        alone = replace(task, prev_day=None) if index in links else task
        chain = _best_chain(alone, alone.options, {}, gap)
        if chain is None:
            total += MISS_COST
            continue
        total += _assignment_cost([alone], {0: chain}) - FIRM_PEAK_COST
    return total + FIRM_PEAK_COST * len({(task.station.firm_id, task.month) for task in tasks})


# ----------------------------------------------------------------------------------------------------
# The look-ahead pass: each month planned together with the next as a draft


@dataclass
class _Year:
    """The look-ahead pass's view of the plan: each planned station-month's task, built against the visits
    the plan cannot move only (so its options do not depend on the neighbouring months' plan), and its
    current visits (the greedy plan at first)."""

    ctx: _Context
    tasks: dict[Month, list[_Task]]
    current: dict[tuple[int, Month], list[_Option] | None]
    left_out: dict[Month, list[PlanProblem]]

    def all_tasks(self) -> tuple[list[_Task], Assignment]:
        tasks = [task for month in self.ctx.months for task in self.tasks[month]]
        return tasks, {i: self.current[(t.station.id, t.month)] for i, t in enumerate(tasks)}

    def cost(self) -> int:
        return _assignment_cost(*self.all_tasks())

    def misses(self) -> int:
        return sum(1 for chosen in self.current.values() if chosen is None)

    def plans(self, statuses: dict[Month, str]) -> list[_MonthPlan]:
        return [_MonthPlan(month, tasks, {i: self.current[(t.station.id, month)] for i, t in enumerate(tasks)},
                           self.left_out[month], statuses.get(month, "greedy"))
                for month, tasks in self.tasks.items()]


def _year_from(req: VisitPlanRequest, plans: Sequence[_MonthPlan],
               released: dict[tuple[int, Month], tuple[int, ...]]) -> _Year | None:
    """The greedy plan as a :class:`_Year` (None if one of its visits is not an option of the fixed-only tasks,
    which cannot happen unless the two builds disagree; the greedy plan then stands). Station-months the
    greedy pass left out for the month before them (a visit there too close, or leaving too few free days)
    but that are possible on their own are tasks without visits: the look-ahead pass may yet plan them.
    ``released``: the year view of the greedy pass (the same request gives the same view: not made twice)."""
    ctx = _Context(req, released)
    halves: dict[int, dict[int, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for plan in plans:
        for index, chosen in plan.assignment.items():
            for option in chosen or ():
                halves[plan.tasks[index].station.id][option.slot.day.weekday()][option.slot.half] += 1
    ctx.default_halves = {sid: {wd: c.most_common(1)[0][0] for wd, c in by_wd.items()} for sid, by_wd in halves.items()}
    tasks: dict[Month, list[_Task]] = {}
    current: dict[tuple[int, Month], list[_Option] | None] = {}
    for plan in plans:
        built, _problems = _build_month(ctx, plan.month)
        greedy = {task.station.id: plan.assignment.get(index) for index, task in enumerate(plan.tasks)}
        # Left out for the month before (gap, free days after it): worth another try. A group left out for
        # its lawyers' capacity stays out whole (never half-planned).
        retry = {sid for p in plan.left_out if p.rule in ("min_gap", "lawyer_unavailable") for sid in p.station_ids}
        built = [task for task in built if task.station.id in greedy or task.station.id in retry]
        for task in built:
            chosen = greedy.get(task.station.id)
            if chosen is not None:
                lookup = {(o.slot, o.lawyer_id): o for o in task.options}
                mapped = [lookup.get((o.slot, o.lawyer_id)) for o in chosen]
                if any(option is None for option in mapped):
                    return None
                chosen = mapped  # type: ignore[assignment]
            current[(task.station.id, plan.month)] = chosen
        if not set(greedy) <= {task.station.id for task in built}:
            return None
        tasks[plan.month] = built
    return _Year(ctx, tasks, current, {plan.month: list(plan.left_out) for plan in plans})


def _after(task: _Task, last_day: int | None, gap: int) -> _Task:
    """``task`` with the station's visit before it fixed on ``last_day``: options too close to it dropped."""
    if last_day is None:
        return task
    prev_day = last_day if task.prev_day is None else max(task.prev_day, last_day)
    return replace(task, options=[o for o in task.options if o.day_no - last_day >= gap], prev_day=prev_day)


def _window_hint(ctx: _Context, tasks: Sequence[_Task], current: dict[tuple[int, Month], list[_Option] | None],
                 ) -> Assignment:
    """A valid plan of a window's tasks to start from, month by month: each station's current visits where
    they still fit (options, gap to the visit before, free half-days), else its cheapest chain on what is
    free (stations with the fewest free days first)."""
    gap = ctx.gap
    assignment: Assignment = {}
    last: dict[int, int] = {}
    by_month: dict[Month, list[int]] = defaultdict(list)
    for index, task in enumerate(tasks):
        by_month[task.month].append(index)
    for month in sorted(by_month):
        indices = by_month[month]
        taken: set[tuple[int, Slot]] = set()
        redo: list[int] = []
        for index in indices:
            task = tasks[index]
            chosen = current.get((task.station.id, month))
            before = last.get(task.station.id)
            if chosen and (before is None or chosen[0].day_no - before >= gap):
                allowed = set(task.options)
                keys = [(o.lawyer_id, o.slot) for o in chosen]
                if all(o in allowed for o in chosen) and not any(key in taken for key in keys):
                    assignment[index] = list(chosen)
                    taken.update(keys)
                    continue
            redo.append(index)
        redo.sort(key=lambda i: (len({o.day_no for o in tasks[i].options}) / tasks[i].need, tasks[i].station.id))
        for index in redo:
            task = _after(tasks[index], last.get(tasks[index].station.id), gap)
            usable = [o for o in task.options if (o.lawyer_id, o.slot) not in taken]
            chain = _best_chain(task, usable, {}, gap)
            assignment[index] = chain
            taken.update((o.lawyer_id, o.slot) for o in chain or ())
        for index in indices:
            chain = assignment[index]
            if chain:
                last[tasks[index].station.id] = chain[-1].day_no
    return assignment


def _objective(plans: Sequence[_MonthPlan]) -> int:
    """The objective of a whole plan (for the stats), each month against the carry it was planned with."""
    return sum(_assignment_cost(plan.tasks, plan.assignment) for plan in plans)


def _assemble(req: VisitPlanRequest, plans: Sequence[_MonthPlan]) -> tuple[list[PlannedVisit], dict[str, Any]]:
    """Plan visits with the ids of the existing visits they keep or replace."""
    ctx_pinned: dict[tuple[int, Month], list[FixedVisit]] = defaultdict(list)
    station_ids = {s.id for s in req.stations}
    month_set = set(req.months)
    for visit in req.existing:
        if visit.pinned and visit.station_id in station_ids and month_of(visit.slot.day) in month_set:
            ctx_pinned[(visit.station_id, month_of(visit.slot.day))].append(visit)
    visits: list[PlannedVisit] = []
    kept = moved = added = 0
    removed: list[int] = []
    stations = {s.id: s for s in req.stations}
    for pinned_list in ctx_pinned.values():
        for visit in pinned_list:
            station = stations[visit.station_id]
            visits.append(PlannedVisit(visit.station_id, visit.lawyer_id, visit.slot,
                                       visit.lawyer_id != station.lead_lawyer_id, visit.visit_id, True))
    for plan in plans:
        for index, chosen in plan.assignment.items():
            task = plan.tasks[index]
            if chosen is None:
                continue
            leftovers = sorted(task.replannable, key=lambda v: v.slot)
            fresh: list[_Option] = []
            for option in chosen:
                same = next((v for v in leftovers if v.slot == option.slot and v.lawyer_id == option.lawyer_id),
                            None)
                if same is not None:
                    leftovers.remove(same)
                    kept += 1
                    visits.append(PlannedVisit(task.station.id, option.lawyer_id, option.slot,
                                               option.by_backup, same.visit_id))
                else:
                    fresh.append(option)
            for option in fresh:
                if leftovers:
                    old = leftovers.pop(0)
                    moved += 1
                    visit_id = old.visit_id
                else:
                    added += 1
                    visit_id = None
                visits.append(PlannedVisit(task.station.id, option.lawyer_id, option.slot,
                                           option.by_backup, visit_id))
            removed.extend(v.visit_id for v in leftovers if v.visit_id is not None)
        # Station-months left out are not here at all: their problems name their existing visits.
    visits.sort(key=lambda v: (v.slot, v.station_id))
    return visits, {"kept": kept, "moved": moved, "added": added, "removed_visit_ids": removed}


@dataclass
class _PassReport:
    """What the look-ahead pass did, for the stats: batches by outcome, months planned with look-ahead."""

    batches: Counter[str] = field(default_factory=Counter)
    months_done: int = 0
    statuses: dict[Month, str] = field(default_factory=dict)
    stopped: str | None = None  # why the pass stopped before the last month


def _window_tasks(year: _Year, window: Sequence[Month], before: dict[int, int]) -> list[_Task]:
    """The tasks of ``window``, each station's first one after its last visit ``before`` the window (held still)."""
    tasks: list[_Task] = []
    seen: set[int] = set()
    for month in window:
        for task in year.tasks[month]:
            if task.station.id not in seen:
                seen.add(task.station.id)
                task = _after(task, before.get(task.station.id), year.ctx.gap)
            tasks.append(task)
    return tasks


def _solve_window(ctx: _Context, tasks: Sequence[_Task], hint: Assignment, timer: SolveTimer, deadline: float,
                  report: _PassReport) -> tuple[Assignment, list[str]]:
    """CP-SAT on each independent group of a window's tasks, the groups furthest above their lower bound
    first, each with its share of the time up to ``deadline``; groups at the bound need no model."""
    assignment = dict(hint)
    statuses: list[str] = []
    ranked = []
    for batch in _batches(tasks, WINDOW_BATCH_TASKS):
        batch_tasks = [tasks[i] for i in batch]
        batch_hint = {pos: hint[i] for pos, i in enumerate(batch)}
        slack = _assignment_cost(batch_tasks, batch_hint) - _lower_bound(batch_tasks, ctx.gap)
        if slack <= 0:
            statuses.append("optimal")
            report.batches["at_bound"] += 1
        else:
            ranked.append((slack, batch, batch_tasks, batch_hint))
    ranked.sort(key=lambda item: -item[0])
    tasks_left = sum(len(item[1]) for item in ranked)
    for _slack, batch, batch_tasks, batch_hint in ranked:
        left = deadline - timer.elapsed()
        share = left * len(batch) / tasks_left
        tasks_left -= len(batch)
        if left < MIN_BATCH_S:
            statuses.append("greedy")
            report.batches["skipped"] += 1
            continue
        improved, status = _solve_batch(ctx, batch_tasks, batch_hint, max(MIN_BATCH_S, share), timer)
        for pos, i in enumerate(batch):
            assignment[i] = improved[pos]
        statuses.append(status)
        report.batches[status] += 1
    return assignment, statuses


def _look_ahead(year: _Year, timer: SolveTimer, deadline: float, report: _PassReport) -> None:
    """Plan each month with the next ``LOOKAHEAD_MONTHS`` as a draft, keep the month, move on (the draft is
    the next window's hint). Each window starts from a valid hint, so whenever time runs out the plan is
    complete: the months not reached keep their greedy visits, repaired where the months before changed."""
    ctx = year.ctx
    months = ctx.months
    committed_last: dict[int, int] = {}
    start = 0
    while start < len(months):
        window = months[start:start + 1 + LOOKAHEAD_MONTHS]
        keep = 1 if start + len(window) < len(months) else len(window)
        windows_left = max(1, len(months) - len(window) + 1 - start)
        if deadline - timer.elapsed() < MIN_BATCH_S:
            report.stopped = "time limit"
            break
        tasks = _window_tasks(year, window, committed_last)
        hint = _window_hint(ctx, tasks, year.current)
        window_deadline = timer.elapsed() + (deadline - timer.elapsed()) / windows_left
        assignment, statuses = _solve_window(ctx, tasks, hint, timer, window_deadline, report)
        for index, task in enumerate(tasks):
            year.current[(task.station.id, task.month)] = assignment[index]
        for month in window[:keep]:
            report.statuses[month] = "optimal" if all(s == "optimal" for s in statuses) else "feasible"
            for task in year.tasks[month]:
                chosen = year.current[(task.station.id, month)]
                if chosen:
                    committed_last[task.station.id] = chosen[-1].day_no
        report.months_done += keep
        start += keep
    if start < len(months):
        # Out of time: the months not reached keep their visits where they still fit after the months
        # before them changed (a greedy repair, no solver).
        tasks = _window_tasks(year, months[start:], committed_last)
        for index, chosen in _window_hint(ctx, tasks, year.current).items():
            year.current[(tasks[index].station.id, tasks[index].month)] = chosen


def plan_visits(req: VisitPlanRequest) -> VisitPlanResult:
    """Plan the visits of the requested months (see the module docstring for the method).

    ``time_limit_s`` is a hard cap on the whole call: the greedy plan is always made; the look-ahead pass
    gets what is left after keeping back time to put the result together, and stops where time runs out.
    ``stats["method"]`` says which plan came back: "look-ahead" or "greedy" (with ``stats["greedy_reason"]``).
    """
    with gc_paused():
        return _plan_visits(req)


def _plan_visits(req: VisitPlanRequest) -> VisitPlanResult:
    timer = SolveTimer()
    # Phase 1: a greedy plan for the whole range, carried month by month: the first valid plan.
    greedy_plans, released, build_s = _greedy_months(req)
    timer.valid_plan_found()
    first_valid = timer.first_valid or 0.0
    # Keep back time for putting the result together, validating it and freeing the working data (measured:
    # a twentieth of phase 1 at 10x a district, kept at a fifth), and a margin for a solver overrunning its
    # share on a busy machine.
    deadline = req.time_limit_s * (1 - MARGIN_SHARE) - FINISH_SHARE * first_valid
    plans = greedy_plans
    report = _PassReport()
    method, reason = "greedy", None
    greedy_objective = objective = _objective(greedy_plans)
    # Phase 2 first builds every month's tasks again (what phase 1 spent building them, measured); not worth
    # starting without as long again to solve.
    if req.time_limit_s <= 0:
        reason = "no time limit given"
    elif deadline - timer.elapsed() < 2 * build_s + MIN_BATCH_S:
        reason = "no time left after the greedy plan"
    else:
        year = _year_from(req, greedy_plans, released)
        if year is None:
            reason = "the look-ahead pass could not read the greedy plan"
        else:
            greedy_key = (year.misses(), year.cost())
            _look_ahead(year, timer, deadline, report)
            improved_key = (year.misses(), year.cost())
            greedy_objective = greedy_key[1]
            if improved_key <= greedy_key:
                plans, method, objective = year.plans(report.statuses), "look-ahead", improved_key[1]
            else:
                reason = "the look-ahead plan was not better"
                objective = greedy_key[1]
                timer.best = first_valid
    passes_done = timer.elapsed()
    visits, change_stats = _assemble(req, plans)
    problems = [problem for plan in plans for problem in plan.problems]  # station-months left out
    left_out = bool(problems)
    explained = {(sid, p.month) for p in problems for sid in p.station_ids}
    for problem in check_plan(req, visits):
        if problem.rule == "visit_count" and all((sid, problem.month) in explained for sid in problem.station_ids):
            continue
        problems.append(problem)  # a pinned visit breaking a rule: it stays, the coordinator is told
    planned_station_months = sum(1 for p in plans for c in p.assignment.values() if c is not None)
    if left_out:
        status = "partial"
    elif not visits:
        status = "empty"
    elif method == "look-ahead" and report.months_done == len(plans) and all(p.status == "optimal" for p in plans):
        status = "optimal"
    else:
        status = "feasible"
    stats: dict[str, Any] = {
        "t_first_valid_s": first_valid,
        "t_best_s": timer.best,
        "t_total_s": timer.elapsed(),
        "t_finish_s": timer.elapsed() - passes_done,
        "method": method,
        "greedy_reason": reason,
        "months_looked_ahead": report.months_done if method == "look-ahead" else 0,
        "stopped": report.stopped,
        "objective": objective,
        "greedy_objective": greedy_objective,
        "cp_sat_batches": dict(report.batches),
        "planned_station_months": planned_station_months,
        "backup_visits": sum(1 for v in visits if v.by_backup),
        **change_stats,
    }
    return VisitPlanResult(tuple(visits), tuple(problems), status, stats)



# ----------------------------------------------------------------------------------------------------
# Independent validator


def check_plan(req: VisitPlanRequest, visits: Iterable[PlannedVisit]) -> list[PlanProblem]:
    """Every hard-rule violation of a plan for ``req``, checked from scratch (not sharing solver code).

    ``visits`` is the plan for the requested months (pinned visits included). Existing visits outside
    the months, or at stations not in the request, are context: busy slots and gap neighbours.
    """
    visits = list(visits)
    stations = {s.id: s for s in req.stations}
    lawyers = {lw.id: lw for lw in req.lawyers}
    month_set = set(req.months)
    problems: list[PlanProblem] = []

    def problem(rule: str, visit: PlannedVisit, **details: Any) -> None:
        problems.append(PlanProblem(rule=rule, station_ids=(visit.station_id,), lawyer_ids=(visit.lawyer_id,),
                                    days=(visit.slot.day,), month=month_of(visit.slot.day),
                                    details={"half": visit.slot.half, "pinned": visit.pinned, **details}))

    for visit in visits:
        station = stations.get(visit.station_id)
        if station is None:
            problem("unknown_station", visit)
            continue
        day = visit.slot.day
        if month_of(day) not in month_set:
            problem("outside_range", visit)
        if day not in req.working_days:
            problem("non_working_day", visit)
        if (day.weekday(), visit.slot.half) not in station.receiving:
            problem("not_receiving", visit)
        lead_ok = visit.lawyer_id == station.lead_lawyer_id and not visit.by_backup
        backup_ok = (station.backup_lawyer_id is not None and visit.lawyer_id == station.backup_lawyer_id
                     and visit.by_backup)
        if not (lead_ok or backup_ok):
            problem("wrong_lawyer", visit)
        lawyer = lawyers.get(visit.lawyer_id)
        if lawyer is not None and (day in lawyer.unavailable_days or visit.slot in lawyer.unavailable_slots):
            problem("lawyer_unavailable", visit)

    context = [
        v for v in req.existing
        if v.station_id not in stations or month_of(v.slot.day) not in month_set
    ]
    # A lawyer in two places at once.
    occupied: dict[tuple[int, Slot], list[int]] = defaultdict(list)
    for visit in visits:
        occupied[(visit.lawyer_id, visit.slot)].append(visit.station_id)
    for v in context:
        occupied[(v.lawyer_id, v.slot)].append(v.station_id)
    for (lawyer_id, slot), where in occupied.items():
        if len(where) > 1:
            problems.append(PlanProblem(rule="lawyer_double_booked", station_ids=sorted_unique(where),
                                        lawyer_ids=(lawyer_id,), days=(slot.day,), month=month_of(slot.day),
                                        details={"half": slot.half, "count": len(where)}))
    # Visits per station and month.
    counts: Counter[tuple[int, Month]] = Counter((v.station_id, month_of(v.slot.day)) for v in visits)
    for station in req.stations:
        for month in sorted(month_set):
            count = counts[(station.id, month)]
            if count != station.visits_per_month:
                problems.append(PlanProblem(rule="visit_count", station_ids=(station.id,), month=month,
                                            details={"needed": station.visits_per_month, "planned": count}))
    # Gaps, against the context visits of the station as well.
    days_by_station: dict[int, list[date]] = defaultdict(list)
    for visit in visits:
        days_by_station[visit.station_id].append(visit.slot.day)
    for v in context:
        if v.station_id in stations:
            days_by_station[v.station_id].append(v.slot.day)
    for station_id, days in days_by_station.items():
        days.sort()
        for earlier, later in zip(days, days[1:], strict=False):
            if (later - earlier).days < req.min_gap_days:
                problems.append(PlanProblem(rule="min_gap", station_ids=(station_id,), days=(earlier, later),
                                            month=month_of(later),
                                            details={"gap_days": (later - earlier).days,
                                                     "min_gap_days": req.min_gap_days}))
    # Pinned visits stay where they are.
    planned = {(v.station_id, v.lawyer_id, v.slot) for v in visits}
    for v in req.existing:
        if v.pinned and v.station_id in stations and month_of(v.slot.day) in month_set:
            if (v.station_id, v.lawyer_id, v.slot) not in planned:
                problems.append(PlanProblem(rule="pinned_moved", station_ids=(v.station_id,),
                                            lawyer_ids=(v.lawyer_id,), days=(v.slot.day,),
                                            month=month_of(v.slot.day), details={"visit_id": v.visit_id}))
    return problems


# ----------------------------------------------------------------------------------------------------
# Quality figures (for reports and benchmarks; not rules)


def plan_quality(req: VisitPlanRequest, visits: Sequence[PlannedVisit]) -> dict[str, float]:
    """Rhythm kept, gaps, backup share and spread of visits per lawyer for a plan.

    ``gap_sum`` is issue 16's measure of the rhythm of the visits themselves: Σ|gap − 14| over each station's
    consecutive visits of the plan (history left out), over ``gap_count`` gaps. A station-month keeps the rhythm
    when its (week of month, weekday) pattern is the station's explicit rhythm, or, without one, the pattern the
    station shows most often over the plan and its history.
    """
    by_station: dict[int, list[date]] = defaultdict(list)
    for visit in visits:
        by_station[visit.station_id].append(visit.slot.day)
    history: dict[int, list[date]] = defaultdict(list)
    month_set = set(req.months)
    for v in req.existing:
        if month_of(v.slot.day) not in month_set:
            history[v.station_id].append(v.slot.day)
    kept_months = total_months = stations_all_kept = gap_sum = gap_count = 0
    gaps: list[int] = []
    for station in req.stations:
        days = sorted(by_station.get(station.id, []))
        monthly: dict[Month, list[date]] = defaultdict(list)
        for day in days:
            monthly[month_of(day)].append(day)
        patterns = {m: tuple(sorted((week_of_month(d), d.weekday()) for d in ds)) for m, ds in monthly.items()}
        if station.rhythm:
            target = tuple(sorted(station.rhythm))
        else:
            seen: Counter[tuple[tuple[int, int], ...]] = Counter(patterns.values())
            past: dict[Month, list[date]] = defaultdict(list)
            for day in history.get(station.id, []):
                past[month_of(day)].append(day)
            for ds in past.values():
                seen[tuple(sorted((week_of_month(d), d.weekday()) for d in ds))] += 1
            target = seen.most_common(1)[0][0] if seen else ()
        station_kept = True
        for pattern in patterns.values():
            total_months += 1
            if pattern == target:
                kept_months += 1
            else:
                station_kept = False
        stations_all_kept += station_kept and bool(patterns)
        gap_sum += sum(abs((b - a).days - 14) for a, b in zip(days, days[1:], strict=False))
        gap_count += max(0, len(days) - 1)
        everything = sorted(days + [d for d in history.get(station.id, [])])
        gaps.extend((b - a).days for a, b in zip(everything, everything[1:], strict=False))
    per_lawyer = Counter(v.lawyer_id for v in visits)
    loads = [per_lawyer.get(lawyer.id, 0) for lawyer in req.lawyers
             if any(s.lead_lawyer_id == lawyer.id for s in req.stations)]
    return {
        "rhythm_month_share": kept_months / total_months if total_months else 1.0,
        "rhythm_station_share": stations_all_kept / len(req.stations) if req.stations else 1.0,
        "gap_sum": gap_sum,
        "gap_count": gap_count,
        "mean_abs_gap_minus_14": statistics.fmean(abs(g - 14) for g in gaps) if gaps else 0.0,
        "backup_share": sum(1 for v in visits if v.by_backup) / len(visits) if visits else 0.0,
        "visits_per_lead_min": min(loads) if loads else 0,
        "visits_per_lead_max": max(loads) if loads else 0,
        "visits_per_lead_stdev": statistics.pstdev(loads) if loads else 0.0,
    }
