"""Shared pieces of the planning solvers: the problem report, calendar arithmetic and CP-SAT plumbing.

Nothing here knows what a working day is: callers hand in the working days as data.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ortools.sat.python import cp_model

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)

Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True)
class PlanProblem:
    """Why something could not be planned, or which hard rule a plan (or a pinned item) breaks.

    ``rule`` is a stable code the app turns into a human message; ``details`` carries the numbers
    for that message (needed, available, ...). Only the ids that matter are filled in.

    Rules used by the solvers (planning explanations first, then what the validators find):

    * visits (律师值班走访): ``no_receiving_day``, ``min_gap``, ``lawyer_unavailable``, ``lawyer_capacity``;
      validator ``non_working_day``, ``not_receiving``, ``wrong_lawyer``, ``lawyer_unavailable``,
      ``lawyer_double_booked``, ``visit_count``, ``min_gap``, ``pinned_moved``, ``outside_range``,
      ``unknown_station`` (``details["pinned"]`` tells a pinned visit breaking a rule);
    * rotation (以干代训): ``window``, ``unavailable``, ``blackout``, ``no_mentor``, ``capacity``,
      ``mentor_capacity``, ``pinned_conflict``; validator also ``placement_count``,
      ``placement_length``, ``not_consecutive``, ``phase``, ``pinned_moved``;
    * duty (电话值班): ``coverage``; validator also ``overlap``, ``max_hours``, ``rest_after_night``,
      ``lawyer_unavailable``, ``lawyer_busy``.
    """

    rule: str
    station_ids: tuple[int, ...] = ()
    lawyer_ids: tuple[int, ...] = ()
    days: tuple[date, ...] = ()
    month: Month | None = None
    trainee_ids: tuple[int, ...] = ()
    # A dict is unhashable; leaving it out of the hash keeps problems usable in sets.
    details: dict[str, Any] = field(default_factory=dict, hash=False)


def month_of(day: date) -> Month:
    return (day.year, day.month)


def month_days(month: Month) -> list[date]:
    """All calendar days of a month."""
    year, number = month
    first = date(year, number, 1)
    following = date(year + (number == 12), number % 12 + 1, 1)
    return [first + timedelta(days=offset) for offset in range((following - first).days)]


def next_month(month: Month) -> Month:
    year, number = month
    return (year + 1, 1) if number == 12 else (year, number + 1)


def week_of_month(day: date) -> int:
    """Which occurrence of its weekday in the month a day is: the 2nd Tuesday is 2 (第二个周二)."""
    return (day.day - 1) // 7 + 1


@functools.lru_cache(maxsize=4096)
def nth_weekday(month: Month, nth: int, weekday: int) -> date:
    """The nth given weekday of a month; past the last one (a "5th Tuesday" in a 4-Tuesday month), the last."""
    days = [day for day in month_days(month) if day.weekday() == weekday]
    return days[min(nth, len(days)) - 1]


def daterange(first: date, last: date) -> Iterator[date]:
    """Days from first to last, both included."""
    for offset in range((last - first).days + 1):
        yield first + timedelta(days=offset)


def sorted_unique(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(set(values)))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Automatic garbage collection off while a solver builds its many small objects (no cycles among them).

    Measured on a 10x city year: the collector's passes over the growing heap took 40 % of the greedy plan's
    time and struck at random moments, which made the time limit hard to keep. Switched back on afterwards
    (unless it was off already); nothing is collected by force.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class SolveTimer:
    """Wall-clock bookkeeping for the "time to first valid plan" and "time to best plan" figures."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.first_valid: float | None = None
        self.best: float | None = None

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def valid_plan_found(self) -> None:
        now = self.elapsed()
        if self.first_valid is None:
            self.first_valid = now
        self.best = now


class _ImprovementRecorder(cp_model.CpSolverSolutionCallback):
    """Notes when CP-SAT improves on the plan it was handed, so the time to best plan can be reported."""

    def __init__(self, timer: SolveTimer, hint_objective: int | None) -> None:
        super().__init__()
        self._timer = timer
        self._hint_objective = hint_objective
        self.solutions = 0

    def on_solution_callback(self) -> None:
        self.solutions += 1
        if self._hint_objective is None or self.objective_value < self._hint_objective - 1e-6:
            self._timer.valid_plan_found()


@dataclass
class SolveOutcome:
    status: str  # "optimal" | "feasible" | "none"
    solver: cp_model.CpSolver | None
    wall_s: float
    objective: float | None


def solve_model(
    model: cp_model.CpModel,
    *,
    time_limit_s: float,
    num_workers: int,
    seed: int,
    timer: SolveTimer,
    hint_objective: int | None,
    presolve: bool = True,
) -> SolveOutcome:
    """Solve with a time limit; the caller keeps its own (greedy) plan when nothing comes back.

    ``presolve=False`` suits the many small visit models: measured, presolve took most of their time.
    """
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, time_limit_s)
    # The machine is shared: never more than two search workers.
    solver.parameters.num_workers = max(1, min(2, num_workers))
    solver.parameters.cp_model_presolve = presolve
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = False
    recorder = _ImprovementRecorder(timer, hint_objective)
    started = time.perf_counter()
    status = solver.solve(model, recorder)
    wall = time.perf_counter() - started
    if status == cp_model.OPTIMAL:
        return SolveOutcome("optimal", solver, wall, solver.objective_value)
    if status == cp_model.FEASIBLE:
        return SolveOutcome("feasible", solver, wall, solver.objective_value)
    return SolveOutcome("none", None, wall, None)
