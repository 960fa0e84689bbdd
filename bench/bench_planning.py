"""Benchmark of the planning solvers: ``python bench/bench_planning.py [--year 2025] [scenario ...]``.

Scenarios (each run in its own process, so its peak memory is its own): ``district`` (a district year),
``city`` (the city year, month by month), ``replan`` (a district year, then a three-week leave of one
lawyer), ``rotation`` and ``duty``. Prints figures; asserts nothing (targets are in the brief).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gen  # noqa: E402

from trainer.planning.duty import check_duty, plan_duty  # noqa: E402
from trainer.planning.rotation import check_rotation, plan_rotation  # noqa: E402
from trainer.planning.visits import (  # noqa: E402
    FixedVisit,
    LawyerSpec,
    VisitPlanRequest,
    check_plan,
    plan_quality,
    plan_visits,
)

# Public holidays and make-up working days (调休) of the State Council notice for 2025; other years fall
# back to plain Monday-Friday. The lead will swap in the app's calendar.
HOLIDAYS = {
    2025: [date(2025, 1, 1), *[date(2025, 1, 28) + timedelta(days=i) for i in range(8)],
           date(2025, 4, 4), *[date(2025, 5, 1) + timedelta(days=i) for i in range(5)],
           date(2025, 6, 2), *[date(2025, 10, 1) + timedelta(days=i) for i in range(8)]],
}
MAKE_UP_DAYS = {2025: [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28),
                       date(2025, 10, 11)]}


def working_days(year: int) -> frozenset[date]:
    """Monday to Friday, minus the public holidays, plus the make-up working days."""
    first = date(year, 1, 1)
    days = {first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)}
    weekdays = {d for d in days if d.weekday() < 5} - set(HOLIDAYS.get(year, []))
    return frozenset(weekdays | set(MAKE_UP_DAYS.get(year, [])))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def report_visits(title: str, req: VisitPlanRequest, result, wall: float) -> None:
    violations = check_plan(req, result.visits)
    explained = {(sid, p.month) for p in result.problems for sid in p.station_ids}
    unexplained = [v for v in violations
                   if not (v.rule == "visit_count" and all((s, v.month) in explained for s in v.station_ids))]
    quality = plan_quality(req, result.visits)
    per_lawyer = Counter(v.lawyer_id for v in result.visits)
    loads = [per_lawyer.get(lw.id, 0) for lw in req.lawyers]
    print(f"== {title}: {len(req.stations)} stations, {len(req.lawyers)} lawyers, {len(req.months)} months")
    print(f"   wall {wall:.2f} s, peak RSS {peak_rss_mb():.0f} MB, status {result.status}")
    print(f"   first valid plan {result.stats['t_first_valid_s']:.2f} s, best plan {result.stats['t_best_s']:.2f} s"
          f" (objective greedy {result.stats['greedy_objective']} -> {result.stats['objective']};"
          f" CP-SAT batches {result.stats['cp_sat_batches']})")
    print(f"   visits {len(result.visits)}, problems {len(result.problems)} "
          f"({dict(Counter(p.rule for p in result.problems))}), hard-rule violations {len(violations)} "
          f"(not explained by a problem: {len(unexplained)})")
    print(f"   rhythm kept: {quality['rhythm_month_share']:.1%} of station-months, "
          f"{quality['rhythm_station_share']:.1%} of stations all year; mean |gap-14| "
          f"{quality['mean_abs_gap_minus_14']:.2f} days; backup share {quality['backup_share']:.1%}")
    print(f"   visits per lawyer (all lawyers) min {min(loads)} max {max(loads)} "
          f"stdev {statistics.pstdev(loads):.2f}; per lead lawyer min {quality['visits_per_lead_min']} "
          f"max {quality['visits_per_lead_max']} stdev {quality['visits_per_lead_stdev']:.2f}")


def scenario_district(year: int) -> None:
    req = gen.district_visits(year, working_days(year), time_limit_s=10.0)
    started = time.perf_counter()
    result = plan_visits(req)
    report_visits("district year", req, result, time.perf_counter() - started)


def scenario_city(year: int) -> None:
    req = gen.city_visits(year, working_days(year), time_limit_s=10.0)
    started = time.perf_counter()
    result = plan_visits(req)
    report_visits("city year (rolling month by month)", req, result, time.perf_counter() - started)


def scenario_replan(year: int) -> None:
    base = gen.district_visits(year, working_days(year), time_limit_s=5.0)
    planned = plan_visits(base)
    existing = tuple(FixedVisit(v.station_id, v.lawyer_id, v.slot, pinned=False, visit_id=n)
                     for n, v in enumerate(planned.visits, start=1))
    # The lawyer with the most visits takes three weeks of leave from the first Monday of March.
    lawyer_id = Counter(v.lawyer_id for v in planned.visits).most_common(1)[0][0]
    first = date(year, 3, 1) + timedelta(days=(7 - date(year, 3, 1).weekday()) % 7)
    leave = frozenset(first + timedelta(days=i) for i in range(21))
    lawyers = tuple(
        LawyerSpec(lw.id, lw.firm_id, lw.unavailable_days | leave, lw.unavailable_slots) if lw.id == lawyer_id
        else lw for lw in base.lawyers)
    months = tuple(sorted({(d.year, d.month) for d in leave}))
    req = VisitPlanRequest(months=months, working_days=base.working_days, stations=base.stations,
                           lawyers=lawyers, existing=existing, mode="replan", time_limit_s=5.0)
    broken = [v for v in existing if v.lawyer_id == lawyer_id and v.slot.day in leave]
    started = time.perf_counter()
    result = plan_visits(req)
    wall = time.perf_counter() - started
    in_range = [v for v in existing if (v.slot.day.year, v.slot.day.month) in months]
    kept_ids = {v.visit_id for v in result.visits}
    still = {(v.station_id, v.lawyer_id, v.slot) for v in result.visits}
    moved = [v for v in in_range if (v.station_id, v.lawyer_id, v.slot) not in still]
    moved_not_broken = [v for v in moved if v not in broken]
    violations = check_plan(req, result.visits)
    print(f"== replan after a three-week leave of lawyer {lawyer_id} ({min(leave)} to {max(leave)}), "
          f"months {months}")
    print(f"   wall {wall:.2f} s, peak RSS {peak_rss_mb():.0f} MB, status {result.status}, "
          f"problems {len(result.problems)}, hard-rule violations {len(violations)}")
    print(f"   visits the leave broke {len(broken)}, visits moved {len(moved)} "
          f"(moved though not broken: {len(moved_not_broken)}); ids kept "
          f"{len(kept_ids & {v.visit_id for v in in_range})}/{len(in_range)}; "
          f"solver kept {result.stats['kept']} moved {result.stats['moved']} added {result.stats['added']}")
    by_backup = [v for v in result.visits if v.by_backup and v.visit_id in {b.visit_id for b in broken}]
    print(f"   broken visits now with the backup lawyer: {len(by_backup)}")


def scenario_rotation(year: int) -> None:
    req = gen.rotation_year(year, working_days(year))
    started = time.perf_counter()
    result = plan_rotation(req)
    wall = time.perf_counter() - started
    violations = check_rotation(req, result.placements)
    starts = ", ".join(f"{p.start:%m-%d}" for p in result.placements)
    print(f"== rotation year: {len(req.trainees)} trainees, {len(req.mentors)} mentors, capacity {req.capacity}")
    print(f"   wall {wall:.2f} s, peak RSS {peak_rss_mb():.0f} MB, status {result.status}, "
          f"problems {len(result.problems)}, hard-rule violations {len(violations)}; starts {starts}")


def scenario_duty(year: int) -> None:
    req = gen.duty_month(year, 2)
    started = time.perf_counter()
    result = plan_duty(req)
    wall = time.perf_counter() - started
    violations = check_duty(req, result.assignments)
    print(f"== duty month: {len(req.lawyers)} lawyers, {result.stats['shifts']} shifts x {req.per_shift}")
    print(f"   wall {wall:.2f} s, peak RSS {peak_rss_mb():.0f} MB, status {result.status}, "
          f"problems {len(result.problems)}, hard-rule violations {len(violations)}, shifts per lawyer "
          f"{result.stats['min_shifts']}-{result.stats['max_shifts']}")


SCENARIOS = {"district": scenario_district, "city": scenario_city, "replan": scenario_replan,
             "rotation": scenario_rotation, "duty": scenario_duty}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenarios", nargs="*", help=f"some of {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--inline", action="store_true", help="run in this process (used per scenario)")
    args = parser.parse_args()
    chosen = args.scenarios or list(SCENARIOS)
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    if args.inline:
        for name in chosen:
            SCENARIOS[name](args.year)
        return
    for name in chosen:
        subprocess.run([sys.executable, __file__, "--inline", "--year", str(args.year), name], check=True)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
