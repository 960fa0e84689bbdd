"""Rotation placements at the district mediation centre (以干代训, 轮岗实训).

Each trainee spends ``placement_length`` consecutive *working* days at the centre: consecutive in the
working-day sequence handed in, so a placement across a public holiday skips it and takes in a make-up
working day (调休上班日). The first half of the days is guided (带教), the second half independent (独立).

Hard rules: at most ``capacity`` trainees at the centre on any day; no placement day in a blackout range
or on a trainee's unavailable day, nor outside the trainee's earliest/latest; every placement day has a
mentor lawyer on duty at the centre that day, and a mentor has at most ``mentor_max_trainees`` trainees
a day. Wishes: keep existing placements (replan), one mentor through each half of a placement
(continuity), placements spread over the year.

Two stages: (1) CP-SAT chooses the starts, with the mentors counted in aggregate (on a day the trainees
present can be mentored exactly when they are no more than the mentors' total capacity, since any mentor
on duty can take any trainee); (2) the mentor of each placement day given the starts, by enumeration per
placement (CP-SAT with two workers could not prove this small set-cover optimal in seconds).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from ortools.sat.python import cp_model

from trainer.planning.common import PlanProblem, SolveTimer, solve_model, sorted_unique

GUIDED = "guided"  # 带教
INDEPENDENT = "independent"  # 独立办案

UNPLACED_COST = 1_000_000
MOVE_COST = 10_000  # replan: an existing placement moved
SPREAD_COST = 50  # per placement beyond one starting within the even spacing of another
CONTINUITY_GAP_COST = 20  # a half of a placement that no single mentor can cover
MENTOR_KEEP_COST = 100  # replan: a placement day's mentor changed
MENTOR_SWITCH_COST = 10  # per mentor within a half of a placement
MENTOR_CHANGE_COST = 2  # per change of mentor from one placement day to the next
MENTOR_ACROSS_COST = 3  # per extra mentor over the whole placement


@dataclass(frozen=True)
class TraineeSpec:
    """A trainee (学员): dates they cannot be at the centre, and an optional window for the placement."""

    id: int
    unavailable: frozenset[date] = frozenset()
    earliest: date | None = None
    latest: date | None = None


@dataclass(frozen=True)
class MentorSpec:
    """A mentor lawyer (带教律师) and the days they are on duty at the centre and free (leave and station
    visits already taken out by the caller)."""

    id: int
    available_days: frozenset[date]


@dataclass(frozen=True)
class PlacementDay:
    day: date
    mentor_id: int | None
    phase: str  # "guided" (带教) or "independent" (独立)


@dataclass(frozen=True)
class Placement:
    """A trainee's placement. As input (``RotationRequest.existing``) a pinned placement keeps its days;
    an unpinned one is kept in replan mode while it obeys the rules."""

    trainee_id: int
    days: tuple[PlacementDay, ...]
    pinned: bool = False
    placement_id: int | None = None

    @property
    def start(self) -> date:
        return self.days[0].day

    @property
    def end(self) -> date:
        return self.days[-1].day


@dataclass(frozen=True)
class RotationRequest:
    year: int
    working_days: frozenset[date]
    trainees: tuple[TraineeSpec, ...]
    mentors: tuple[MentorSpec, ...]
    capacity: int = 2
    blackouts: tuple[tuple[date, date], ...] = ()  # inclusive ranges without placements
    placement_length: int = 10
    mentor_max_trainees: int = 2
    existing: tuple[Placement, ...] = ()
    time_limit_s: float = 5.0
    mode: Literal["full", "replan"] = "full"
    num_workers: int = 2
    seed: int = 0


@dataclass(frozen=True)
class RotationResult:
    """``status``: "optimal", "feasible", "partial" (some trainees not placed, see ``problems``)."""

    placements: tuple[Placement, ...]
    problems: tuple[PlanProblem, ...]
    status: str
    stats: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def _validate(req: RotationRequest) -> None:
    if req.placement_length < 1 or req.capacity < 0 or req.mentor_max_trainees < 1:
        raise ValueError("placement_length and mentor_max_trainees must be positive, capacity not negative")
    if req.mode not in ("full", "replan"):
        raise ValueError(f"mode must be 'full' or 'replan', not {req.mode!r}")


def phase_of(position: int, length: int) -> str:
    """Days 1..ceil(length/2) are guided, the rest independent (10 days: 1-5 and 6-10)."""
    return GUIDED if position < (length + 1) // 2 else INDEPENDENT


class _Calendar:
    """The year's working days in order, and which days are usable by whom."""

    def __init__(self, req: RotationRequest) -> None:
        self.req = req
        self.days = sorted(d for d in req.working_days if d.year == req.year)
        self.index = {day: i for i, day in enumerate(self.days)}
        self.mentor_days: dict[date, list[int]] = defaultdict(list)
        for mentor in req.mentors:
            for day in mentor.available_days:
                self.mentor_days[day].append(mentor.id)
        for mentors in self.mentor_days.values():
            mentors.sort()

    def in_blackout(self, day: date) -> bool:
        return any(first <= day <= last for first, last in self.req.blackouts)

    def mentor_capacity(self, day: date) -> int:
        return len(self.mentor_days.get(day, ())) * self.req.mentor_max_trainees

    def window(self, start_index: int) -> list[date]:
        return self.days[start_index:start_index + self.req.placement_length]

    def broken_rules(self, trainee: TraineeSpec, days: Sequence[date]) -> set[str]:
        """The rules a placement on these days breaks for this trainee (ignoring the other trainees)."""
        rules: set[str] = set()
        if len(days) != self.req.placement_length:
            rules.add("placement_length")
        positions = [self.index.get(day) for day in days]
        if any(p is None for p in positions):
            rules.add("not_consecutive")  # a day that is not a working day of the year
        elif positions != list(range(positions[0], positions[0] + len(positions))):
            rules.add("not_consecutive")
        for day in days:
            if (trainee.earliest and day < trainee.earliest) or (trainee.latest and day > trainee.latest):
                rules.add("window")
            if self.in_blackout(day):
                rules.add("blackout")
            if day in trainee.unavailable:
                rules.add("unavailable")
            if self.mentor_capacity(day) == 0:
                rules.add("no_mentor")
        return rules


def _continuity_gaps(cal: _Calendar, days: Sequence[date]) -> int:
    """How many halves of a placement no single mentor is on duty for throughout."""
    length = len(days)
    gaps = 0
    for phase in (GUIDED, INDEPENDENT):
        phase_days = [d for i, d in enumerate(days) if phase_of(i, length) == phase]
        if not phase_days:
            continue
        common = set(cal.mentor_days.get(phase_days[0], ()))
        for day in phase_days[1:]:
            common &= set(cal.mentor_days.get(day, ()))
        gaps += not common
    return gaps


def _explain_no_window(cal: _Calendar, trainee: TraineeSpec) -> PlanProblem:
    """No start works for this trainee alone: name the rule that blocks it.

    The trainee's own limits frame the answer: when no placement fits between ``earliest`` and ``latest``
    the rule is "window", when none of those avoids the trainee's unavailable days it is "unavailable";
    otherwise it is the centre's rule (blackout, no mentor) that blocks the most of the placements the
    trainee could otherwise take.
    """
    req = cal.req
    starts = range(max(0, len(cal.days) - req.placement_length + 1))
    broken = [cal.broken_rules(trainee, cal.window(start)) for start in starts]
    in_window = [rules for rules in broken if "window" not in rules]
    own_ok = [rules for rules in in_window if "unavailable" not in rules]
    blocked_by: Counter[str] = Counter(rule for rules in broken for rule in rules)
    if not in_window:
        rule = "window"
    elif not own_ok:
        rule = "unavailable"
    else:
        counts: Counter[str] = Counter(rule for rules in own_ok for rule in rules)
        rule = counts.most_common(1)[0][0]
    return PlanProblem(rule=rule, trainee_ids=(trainee.id,),
                       details={"possible_starts": len(starts), "starts_in_window": len(in_window),
                                "starts_trainee_can_come": len(own_ok), "blocked_by": dict(blocked_by),
                                "placement_length": req.placement_length})


def plan_rotation(req: RotationRequest) -> RotationResult:
    """Place every trainee (see the module docstring)."""
    _validate(req)
    timer = SolveTimer()
    cal = _Calendar(req)
    length = req.placement_length
    problems: list[PlanProblem] = []
    existing_by_trainee: dict[int, Placement] = {}
    for placement in req.existing:
        current = existing_by_trainee.get(placement.trainee_id)
        if current is None or (placement.pinned and not current.pinned):
            existing_by_trainee[placement.trainee_id] = placement

    # Pinned placements are fixed whatever they break; the coordinator is told.
    fixed: dict[int, list[date]] = {}
    for trainee in req.trainees:
        placement = existing_by_trainee.get(trainee.id)
        if placement is not None and placement.pinned:
            days = [d.day for d in placement.days]
            fixed[trainee.id] = days
            broken = cal.broken_rules(trainee, days)
            if broken:
                problems.append(PlanProblem(rule="pinned_conflict", trainee_ids=(trainee.id,),
                                            days=tuple(days), details={"broken_rules": sorted(broken)}))

    fixed_load: Counter[date] = Counter(day for days in fixed.values() for day in days)
    candidates: dict[int, list[int]] = {}
    stays: dict[int, int] = {}
    for trainee in req.trainees:
        if trainee.id in fixed:
            continue
        starts = [
            start for start in range(max(0, len(cal.days) - length + 1))
            if not cal.broken_rules(trainee, cal.window(start))
        ]
        if not starts:
            problems.append(_explain_no_window(cal, trainee))
            continue
        candidates[trainee.id] = starts
        old = existing_by_trainee.get(trainee.id)
        if req.mode == "replan" and old is not None:
            old_days = [d.day for d in old.days]
            start = cal.index.get(old_days[0])
            if start is not None and start in starts and cal.window(start) == old_days:
                stays[trainee.id] = start

    # Stage 1: starts.
    model = cp_model.CpModel()
    starts_vars: dict[int, dict[int, cp_model.IntVar]] = {}
    unplaced: dict[int, cp_model.IntVar] = {}
    cover: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    objective = []
    # Spread over the year: placements should start about `spacing` working days apart, the usable
    # working days shared out evenly; a window of that many days holds at most one start at no cost.
    usable = sum(1 for day in cal.days if not cal.in_blackout(day))
    spacing = max(length, usable // max(1, len(req.trainees)))
    starting_at: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for trainee_id, starts in candidates.items():
        missing = model.new_bool_var(f"unplaced_{trainee_id}")
        unplaced[trainee_id] = missing
        objective.append(UNPLACED_COST * missing)
        row = {}
        for start in starts:
            var = model.new_bool_var("")
            row[start] = var
            for offset in range(length):
                cover[start + offset].append(var)
            cost = CONTINUITY_GAP_COST * _continuity_gaps(cal, cal.window(start))
            if stays.get(trainee_id) == start:
                cost -= MOVE_COST
            if cost:
                objective.append(cost * var)
            starting_at[start].append(var)
        model.add(sum(row.values()) + missing == 1)
        starts_vars[trainee_id] = row
    for index, variables in cover.items():
        day = cal.days[index]
        limit = min(req.capacity, cal.mentor_capacity(day)) - fixed_load[day]
        model.add(sum(variables) <= max(0, limit))
    fixed_starts = Counter(cal.index[days[0]] for days in fixed.values() if days and days[0] in cal.index)

    # A greedy placement as a complete hint: CP-SAT starts from it and can only do better.
    greedy = _greedy_starts(req, cal, candidates, stays, fixed_load, [*fixed_starts.elements()], spacing)
    hint: dict[cp_model.IntVar, int] = {}
    for trainee_id, row in starts_vars.items():
        hint[unplaced[trainee_id]] = int(trainee_id not in greedy)
        for start, var in row.items():
            hint[var] = int(greedy.get(trainee_id) == start)
    greedy_starts = Counter(greedy.values()) + fixed_starts
    # Windows overlapping by half (a window at every day made the model too big for 40 trainees).
    for first in range(0, len(cal.days), max(1, spacing // 2)):
        window = range(first, min(len(cal.days), first + spacing))
        variables = [v for i in window for v in starting_at.get(i, ())]
        constant = sum(fixed_starts[i] for i in window)
        if len(variables) + constant < 2 or not variables:
            continue
        crowding = model.new_int_var(0, len(variables) + constant, "")
        model.add(crowding >= sum(variables) + constant - 1)
        objective.append(SPREAD_COST * crowding)
        hint[crowding] = max(0, sum(greedy_starts[i] for i in window) - 1)
    for var, value in hint.items():
        model.add_hint(var, value)
    model.minimize(sum(objective))
    # The time limit bounds the whole call: building the model has used some of it.
    outcome = solve_model(model, time_limit_s=max(0.1, req.time_limit_s - timer.elapsed()),
                          num_workers=req.num_workers, seed=req.seed, timer=timer, hint_objective=None)
    chosen: dict[int, list[date]] = dict(fixed)
    stage1 = outcome.status
    if outcome.solver is not None:
        for trainee_id, row in starts_vars.items():
            if outcome.solver.boolean_value(unplaced[trainee_id]):
                continue
            start = next(s for s, var in row.items() if outcome.solver.boolean_value(var))
            chosen[trainee_id] = cal.window(start)
    else:
        stage1 = "greedy"  # CP-SAT found nothing in time: the greedy placements stand
        for trainee_id, start in greedy.items():
            chosen[trainee_id] = cal.window(start)

    # Trainees the solver could not fit: say whether the centre or the mentors are full.
    load: Counter[date] = Counter(day for days in chosen.values() for day in days)
    for trainee_id, starts in candidates.items():
        if trainee_id in chosen:
            continue
        reasons: Counter[str] = Counter()
        full_days: set[date] = set()
        for start in starts:
            window = cal.window(start)
            centre_full = [d for d in window if load[d] >= req.capacity]
            if centre_full:
                reasons["capacity"] += 1
                full_days.update(centre_full)
            else:
                reasons["mentor_capacity"] += 1
                full_days.update(d for d in window if load[d] >= cal.mentor_capacity(d))
        rule = reasons.most_common(1)[0][0]
        problems.append(PlanProblem(rule=rule, trainee_ids=(trainee_id,), days=tuple(sorted(full_days)),
                                    details={"possible_starts": len(starts), "capacity": req.capacity,
                                             "blocked_by": dict(reasons)}))

    mentors, stage2 = _assign_mentors(req, cal, chosen, existing_by_trainee)
    placements = []
    moved = kept = 0
    for trainee in req.trainees:
        days = chosen.get(trainee.id)
        if days is None:
            continue
        old = existing_by_trainee.get(trainee.id)
        if old is not None and not old.pinned:
            if [d.day for d in old.days] == days:
                kept += 1
            else:
                moved += 1
        placements.append(Placement(
            trainee.id,
            tuple(PlacementDay(day, mentors.get((trainee.id, day)), phase_of(i, len(days)))
                  for i, day in enumerate(days)),
            pinned=trainee.id in fixed,
            placement_id=old.placement_id if old is not None else None,
        ))
    for (trainee_id, day), mentor in mentors.items():
        if mentor is None:
            problems.append(PlanProblem(rule="no_mentor", trainee_ids=(trainee_id,), days=(day,),
                                        details={"mentor_capacity": cal.mentor_capacity(day), "pinned": True}))
    # The solver keeps the centre's limits, so a day over them can only come from pinned placements.
    problems.extend(
        replace(problem, details={**problem.details, "pinned": True})
        for problem in check_rotation(req, placements) if problem.rule in ("capacity", "mentor_capacity")
    )
    placed_all = len(placements) == len(req.trainees)
    if not placed_all:
        status = "partial"
    elif stage1 == "optimal" and stage2 in ("optimal", "none-needed"):
        status = "optimal"
    else:
        status = "feasible"
    stats = {"t_total_s": timer.elapsed(), "t_best_s": timer.best, "stage1": stage1, "stage2": stage2,
             "kept": kept, "moved": moved, "placed": len(placements)}
    return RotationResult(tuple(sorted(placements, key=lambda p: (p.start, p.trainee_id))),
                          tuple(problems), status, stats)


def _phase_choices(days: Sequence[date], free: dict[date, list[int]], old: dict[date, int | None],
                   ) -> list[tuple[int, frozenset[int], dict[date, int]]]:
    """The best few ways to mentor one half of a placement: (cost, mentors used, mentor per day).

    Fewest mentors first (continuity), then the existing mentor kept on each day (replan), then the fewest
    changes of mentor from one day to the next.
    """
    # The mentors covering most of the half are the only sensible ones; a dozen keeps the enumeration small.
    covers = Counter(m for day in days for m in free.get(day, ()))
    pool = sorted(covers, key=lambda m: (-covers[m], m))[:12]
    for day in days:  # ...plus, for a day none of them can take, someone who can
        if not set(pool) & set(free.get(day, ())):
            pool.append(free[day][0])
    pool.sort()
    covering: list[frozenset[int]] = []
    smallest = None
    for size in range(1, len(pool) + 1):
        if smallest is not None and size > smallest + 1:
            break
        for subset in itertools.combinations(pool, size):
            chosen = set(subset)
            if all(chosen & set(free.get(day, ())) for day in days):
                covering.append(frozenset(chosen))
                smallest = size if smallest is None else smallest
        if len(covering) > 200:
            break  # plenty to choose from; larger sets only cost more
    old_set = frozenset(m for day in days if (m := old.get(day)) is not None and m in free.get(day, ()))
    if old_set and all(old_set & set(free.get(day, ())) for day in days):
        covering.append(old_set)
    choices = []
    for subset in set(covering):
        # Mentor per day within the subset, by a small dynamic programme over (day, mentor).
        layers: list[dict[int, tuple[int, list[int]]]] = []
        for position, day in enumerate(days):
            layer: dict[int, tuple[int, list[int]]] = {}
            for mentor in sorted(subset & set(free.get(day, ()))):
                own = -MENTOR_KEEP_COST if old.get(day) == mentor else 0
                if position == 0:
                    layer[mentor] = (own, [mentor])
                    continue
                best = min(
                    (cost + (MENTOR_CHANGE_COST if prev != mentor else 0) + own, path + [mentor])
                    for prev, (cost, path) in layers[-1].items()
                )
                layer[mentor] = best
            layers.append(layer)
        cost, path = min(layers[-1].values())
        choices.append((cost + MENTOR_SWITCH_COST * len(subset), subset, dict(zip(days, path, strict=True))))
    choices.sort(key=lambda c: (c[0], sorted(c[1])))
    return choices[:10]


def _greedy_starts(req: RotationRequest, cal: _Calendar, candidates: dict[int, list[int]], stays: dict[int, int],
                   fixed_load: Counter[date], fixed_starts: list[int], spacing: int) -> dict[int, int]:
    """Trainees with the fewest possible starts first; each keeps its existing start if it may, else takes
    the start that fits the centre farthest from the starts chosen so far (ties: the earliest)."""
    load: Counter[date] = Counter(fixed_load)
    taken_starts = list(fixed_starts)
    chosen: dict[int, int] = {}

    def fits(start: int) -> bool:
        return all(load[day] < min(req.capacity, cal.mentor_capacity(day)) for day in cal.window(start))

    def distance(start: int) -> int:
        return min((abs(start - other) for other in taken_starts), default=spacing)

    for trainee_id in sorted(candidates, key=lambda t: (len(candidates[t]), t)):
        starts = candidates[trainee_id]
        preferred = [stays[trainee_id]] if trainee_id in stays else []
        ordered = preferred + sorted(starts, key=lambda st: (-min(distance(st), spacing), st))
        start = next((st for st in ordered if fits(st)), None)
        if start is None:
            continue
        chosen[trainee_id] = start
        taken_starts.append(start)
        load.update(cal.window(start))
    return chosen


def _assign_mentors(req: RotationRequest, cal: _Calendar, chosen: dict[int, list[date]],
                    existing: dict[int, Placement]) -> tuple[dict[tuple[int, date], int | None], str]:
    """Stage 2: a mentor for every placement day, one mentor through each half where possible.

    Trainees only compete for a mentor on days they are both at the centre, so each placement gets its
    own best mentors (exactly, by enumeration), in order of start, within the mentors' daily limits. When
    no placement had to give way to an earlier one the result is optimal.
    """
    used: Counter[tuple[int, date]] = Counter()
    result: dict[tuple[int, date], int | None] = {}
    gave_way = False
    for trainee_id, days in sorted(chosen.items(), key=lambda item: (item[1][0], item[0])):
        old: dict[date, int | None] = {}
        if trainee_id in existing:
            old = {d.day: d.mentor_id for d in existing[trainee_id].days}
        every = {day: cal.mentor_days.get(day, []) for day in days}
        free = {day: [m for m in every[day] if used[(m, day)] < req.mentor_max_trainees] for day in days}
        if free != every:
            gave_way = True
        halves = [[d for i, d in enumerate(days) if phase_of(i, len(days)) == phase]
                  for phase in (GUIDED, INDEPENDENT)]
        per_half = []
        for half_days in halves:
            mentored = [d for d in half_days if free[d]]
            per_half.append(_phase_choices(mentored, free, old) if mentored else [(0, frozenset(), {})])
        best = min(
            ((first[0] + second[0] + MENTOR_ACROSS_COST * len(first[1] | second[1]), first, second)
             for first in per_half[0] for second in per_half[1]),
            key=lambda c: (c[0], sorted(c[1][1]), sorted(c[2][1])),
        )
        plan = {**best[1][2], **best[2][2]}
        for day in days:
            mentor = plan.get(day)
            result[(trainee_id, day)] = mentor
            if mentor is not None:
                used[(mentor, day)] += 1
    return result, "feasible" if gave_way else "optimal"


def check_rotation(req: RotationRequest, placements: Iterable[Placement]) -> list[PlanProblem]:
    """Every hard-rule violation of a rotation plan, checked from scratch."""
    placements = list(placements)
    cal = _Calendar(req)
    trainees = {t.id: t for t in req.trainees}
    problems: list[PlanProblem] = []
    count = Counter(p.trainee_id for p in placements)
    for trainee in req.trainees:
        if count[trainee.id] != 1:
            problems.append(PlanProblem(rule="placement_count", trainee_ids=(trainee.id,),
                                        details={"placements": count[trainee.id]}))
    centre: Counter[date] = Counter()
    mentor_load: Counter[tuple[int, date]] = Counter()
    available = {m.id: m.available_days for m in req.mentors}
    for placement in placements:
        trainee = trainees.get(placement.trainee_id)
        days = [d.day for d in placement.days]
        if trainee is not None:
            for rule in sorted(cal.broken_rules(trainee, days) - {"no_mentor"}):
                problems.append(PlanProblem(rule=rule, trainee_ids=(trainee.id,), days=tuple(days),
                                            details={"pinned": placement.pinned}))
        for position, placement_day in enumerate(placement.days):
            centre[placement_day.day] += 1
            if placement_day.phase != phase_of(position, len(placement.days)):
                problems.append(PlanProblem(rule="phase", trainee_ids=(placement.trainee_id,),
                                            days=(placement_day.day,)))
            mentor = placement_day.mentor_id
            if mentor is None or placement_day.day not in available.get(mentor, frozenset()):
                problems.append(PlanProblem(rule="no_mentor", trainee_ids=(placement.trainee_id,),
                                            lawyer_ids=(mentor,) if mentor is not None else (),
                                            days=(placement_day.day,)))
            else:
                mentor_load[(mentor, placement_day.day)] += 1
    for day, present in centre.items():
        if present > req.capacity:
            problems.append(PlanProblem(rule="capacity", days=(day,),
                                        trainee_ids=sorted_unique(p.trainee_id for p in placements
                                                                  if any(d.day == day for d in p.days)),
                                        details={"present": present, "capacity": req.capacity}))
    for (mentor, day), mentored in mentor_load.items():
        if mentored > req.mentor_max_trainees:
            problems.append(PlanProblem(rule="mentor_capacity", lawyer_ids=(mentor,), days=(day,),
                                        details={"trainees": mentored, "max": req.mentor_max_trainees}))
    planned = {(p.trainee_id, tuple(d.day for d in p.days)) for p in placements}
    for old in req.existing:
        if old.pinned and (old.trainee_id, tuple(d.day for d in old.days)) not in planned:
            problems.append(PlanProblem(rule="pinned_moved", trainee_ids=(old.trainee_id,),
                                        days=tuple(d.day for d in old.days)))
    return problems
