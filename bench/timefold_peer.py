"""A peer of the planning benchmark in another solver: Timefold (local search on the JVM), the third peer issue 16
names beside greedy and whole-year CP-SAT.

Written from the public request types only, like bench/year_model.py, with the same hard rules (receiving
half-days on working days, the station's lead or backup lawyer, leave and court half-days, one place per
half-day, exactly ``visits_per_month`` visits a month, at least ``min_gap_days`` between visits) and the same
objective: Σ|gap − 14| over each station's consecutive visits plus ``backup_weight`` per visit by the backup
lawyer. No rhythm wish, as the anchor.

The model: one planning entity a visit (station, month, its place in the month), whose variable is one of the
station's options that month (day, half-day, lawyer), each entity with its own value range. A visit knows the
visit that follows it in the station's year, so the gaps are one join each and the order of a month's visits
is a hard rule (the gap to the next one at least ``min_gap_days``). Started from a plan (the greedy one, as
the anchor) and improved for ``time_limit_s`` by Timefold's default local search.

Needs the ``timefold`` package (in the test extra, which ``make install`` installs) and a Java 17+ runtime; :func:`available` says
why not when either is missing, and the benchmark prints that instead.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from year_model import month_options

from trainer.planning.visits import HALVES, PlannedVisit, Slot, VisitPlanRequest


def available() -> str | None:
    """None when Timefold can run here, else why not."""
    try:
        import timefold.solver  # noqa: F401
    except ImportError:
        return "the timefold package is not installed (make install)"
    java = shutil.which("java")
    if java is None:
        return "no Java runtime (Timefold needs Java 17+: apt-get install openjdk-17-jre-headless)"
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    try:
        major = int(version.split('"')[1].split(".")[0])
    except (IndexError, ValueError):
        return f"cannot read the Java version ({version.strip()[:60]})"
    return None if major >= 17 else f"Java {major} is too old (Timefold needs 17+)"


@dataclass
class TimefoldOutcome:
    visits: list[PlannedVisit]
    status: str
    score: str
    wall_s: float
    build_s: float


def solve_timefold(req: VisitPlanRequest, hint: Sequence[PlannedVisit], *, time_limit_s: float,
                   backup_weight: int = 1000) -> TimefoldOutcome:
    """The plan Timefold reaches from ``hint`` (visits of it that fit no option start unassigned, for Timefold's
    construction heuristic) in ``time_limit_s`` of search. ``build_s``: the model built and the JVM started;
    ``wall_s``: the solve, which includes Timefold's translation of the constraints into Java (a few seconds)."""
    from timefold.solver import SolverFactory
    from timefold.solver.config import Duration, ScoreDirectorFactoryConfig, SolverConfig, TerminationConfig
    from timefold_domain import Option, Plan, Visit, constraints

    started = time.perf_counter()
    lawyers = {lw.id: lw for lw in req.lawyers}
    lawyer_index = {lawyer_id: i for i, lawyer_id in enumerate(sorted(lawyers))}
    hint_days: dict[tuple[int, tuple[int, int]], list[PlannedVisit]] = defaultdict(list)
    for v in hint:
        hint_days[(v.station_id, (v.slot.day.year, v.slot.day.month))].append(v)
    all_options: list[Option] = []
    visits: list[Visit] = []
    meaning: dict[int, tuple[int, int, Slot, bool]] = {}  # option id -> station, lawyer, slot, by backup
    for station in req.stations:
        station_visits: list[Visit] = []
        for year, month in sorted(set(req.months)):
            options: list[Option] = []
            for day_no, slot, lawyer_id, backup in month_options(req, station, (year, month), lawyers):
                option = Option(len(all_options), (lawyer_index[lawyer_id] * 800_000 + day_no) * 2
                                + HALVES.index(slot.half), day_no, backup_weight if backup else 0)
                all_options.append(option)
                options.append(option)
                meaning[option.id] = (station.id, lawyer_id, slot, backup)
            if not options:
                continue
            hinted = sorted(hint_days.get((station.id, (year, month)), []), key=lambda v: v.slot)
            by_key = {(meaning[o.id][1], meaning[o.id][2]): o for o in options}
            for k in range(station.visits_per_month):
                start = by_key.get((hinted[k].lawyer_id, hinted[k].slot)) if k < len(hinted) else None
                station_visits.append(Visit(len(visits) + len(station_visits), -1, req.min_gap_days, options, start))
        for earlier, later in zip(station_visits, station_visits[1:], strict=False):
            earlier.next_id = later.id
        visits.extend(station_visits)

    config = SolverConfig(
        solution_class=Plan, entity_class_list=[Visit],
        score_director_factory_config=ScoreDirectorFactoryConfig(constraint_provider_function=constraints),
        termination_config=TerminationConfig(spent_limit=Duration(milliseconds=int(time_limit_s * 1000))))
    solver = SolverFactory.create(config).build_solver()
    build = time.perf_counter() - started
    clock = time.perf_counter()
    solution = solver.solve(Plan(all_options, visits))
    wall = time.perf_counter() - clock
    planned = []
    for visit in solution.visits:
        if visit.option is None:
            continue
        station_id, lawyer_id, slot, backup = meaning[visit.option.id]
        planned.append(PlannedVisit(station_id, lawyer_id, slot, backup))
    planned.sort(key=lambda v: (v.slot, v.station_id))
    score = solution.score
    status = "feasible" if score is not None and score.is_feasible else "infeasible"
    return TimefoldOutcome(planned, status, str(score), wall, build)
