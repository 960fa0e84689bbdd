"""Benchmark of the planning solvers: ``python bench/bench_planning.py [--anchor-seconds 120] [scenario ...]``.

Scenarios (each run in its own process, so its peak memory is its own):

* ``district``: a district year like issue 16's (52 stations, 8 firms, 20 lawyers, two visits per station and
  month, 1,248 visits), side by side in one run: our planner (10 s limit), its greedy plan alone, the anchor,
  a whole-year CP-SAT model warm-started from the greedy plan (``bench/year_model.py``, 120 s), and Timefold's
  local search on the same objective from the same start for as long (``bench/timefold_peer.py``; needs Java 17+);
* ``city``: the city at 10x (520 stations, 12,480 visits), our planner with a 10 s limit and its greedy plan;
* ``city-page``: the city year planned from the plan page (bench/city_district.py on SQLite): the POST that loads,
  plans and saves it, the page with the run's figures, then one month re-planned;
* ``replan``: a district year, then a three-week leave of one lawyer;
* ``rotation``: a rotation year;
* ``duty``: the issue's roster (14 days x 3 shifts, 8 lawyers) from the roster page (the POST that plans it,
  database and all) and from the solver alone, with its spread; and a month for 24 lawyers.

Prints figures and, for the issue's targets, MET or NOT MET; asserts nothing.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gen  # noqa: E402
import timefold_peer  # noqa: E402
import year_model  # noqa: E402
from frontier import exact_frontier, rhythm_frontier, shown_patterns  # noqa: E402
from throwaway import throwaway_app  # noqa: E402

from trainer.planning.common import nth_weekday  # noqa: E402
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
# back to plain Monday-Friday.
HOLIDAYS = {
    2025: [date(2025, 1, 1), *[date(2025, 1, 28) + timedelta(days=i) for i in range(8)],
           date(2025, 4, 4), *[date(2025, 5, 1) + timedelta(days=i) for i in range(5)],
           date(2025, 6, 2), *[date(2025, 10, 1) + timedelta(days=i) for i in range(8)]],
}
MAKE_UP_DAYS = {2025: [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28),
                       date(2025, 10, 11)]}
DISTRICT_SEED = 2  # the first seed whose district year can be planned in full (1,248 visits), as the issue's
CITY_SEED = 7
LIMIT_S = 10.0


def working_days(year: int) -> frozenset[date]:
    """Monday to Friday, minus the public holidays, plus the make-up working days."""
    first = date(year, 1, 1)
    days = {first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)}
    weekdays = {d for d in days if d.weekday() < 5} - set(HOLIDAYS.get(year, []))
    return frozenset(weekdays | set(MAKE_UP_DAYS.get(year, [])))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def figures(req: VisitPlanRequest, visits, wall: float) -> dict:
    quality = plan_quality(req, visits)
    return {"gap_sum": quality["gap_sum"], "rhythm": quality["rhythm_month_share"], "wall": wall,
            "backup": sum(1 for v in visits if v.by_backup), "violations": len(check_plan(req, visits)),
            "visits": len(visits)}


def row(name: str, f: dict, note: str = "") -> str:
    return (f"   {name:<34} {f['gap_sum']:>9,} {f['rhythm']:>10.1%} {f['backup']:>7} {f['violations']:>11}"
            f" {f['wall']:>8.2f} s  {note}")


def rhythm_floor(req: VisitPlanRequest, visits) -> tuple[int, int]:
    """A floor under Σ|gap − 14| for plans that keep each station's rhythm in the first and the last month.

    Σ|g − 14| ≥ Σ(g − 14) = (last visit − first visit) − 14 × (visits − 1): with the first month's and the last
    month's visits on the rhythm days, the span is fixed, so no plan keeping them can do better. The rhythm is
    the station's own, else its most common (week of month, weekday) pattern in ``visits`` (as plan_quality)."""
    by_station: dict[int, list[date]] = defaultdict(list)
    for visit in visits:
        by_station[visit.station_id].append(visit.slot.day)
    first_month, last_month = min(req.months), max(req.months)
    rhythm = shown_patterns(req, visits)
    floor = stations = 0
    for station in req.stations:
        days = sorted(by_station.get(station.id, []))
        pattern = rhythm.get(station.id, ())
        if len(pattern) != station.visits_per_month or not days:
            continue
        first = min(nth_weekday(first_month, week, weekday) for week, weekday in pattern)
        last = max(nth_weekday(last_month, week, weekday) for week, weekday in pattern)
        floor += max(0, (last - first).days - 14 * (station.visits_per_month * len(req.months) - 1))
        stations += 1
    return floor, stations


def scenario_district(year: int, anchor_s: float) -> None:
    req = gen.district_visits(year, working_days(year), seed=DISTRICT_SEED, time_limit_s=LIMIT_S)
    print(f"== district year: {len(req.stations)} stations, {len({s.firm_id for s in req.stations})} firms, "
          f"{len(req.lawyers)} lawyers, {len(req.months)} months, seed {DISTRICT_SEED}; the same instance for all")
    started = time.perf_counter()
    greedy = plan_visits(replace(req, time_limit_s=0))
    greedy_f = figures(req, greedy.visits, time.perf_counter() - started)
    started = time.perf_counter()
    ours = plan_visits(req)
    ours_f = figures(req, ours.visits, time.perf_counter() - started)
    anchor = year_model.solve_year(req, greedy.visits, time_limit_s=anchor_s, backup_weight=1000)
    anchor_f = figures(req, anchor.visits, anchor.wall_s)
    # The same model held to our rule: the rhythm kept in at least our share of station-months.
    peer = year_model.solve_year(req, greedy.visits, time_limit_s=anchor_s, backup_weight=1000,
                                 keep_share=ours_f["rhythm"])
    peer_f = figures(req, peer.visits, peer.wall_s)
    timefold_missing = timefold_peer.available()
    timefold = None if timefold_missing else timefold_peer.solve_timefold(req, greedy.visits, time_limit_s=anchor_s,
                                                                           backup_weight=1000)
    print(f"   {'plan':<34} {'Σ|gap−14|':>9} {'rhythm kept':>10} {'backup':>7} {'hard viol.':>11} {'wall':>10}")
    print(row(f"our planner ({LIMIT_S:.0f} s limit)", ours_f,
              f"{ours.stats['method']}, {ours.stats['cp_sat_batches']}"))
    print(row("greedy plan (phase 1 alone)", greedy_f))
    print(row(f"whole-year CP-SAT from greedy ({anchor_s:.0f} s)", anchor_f,
              f"{anchor.status}, objective {anchor.objective:,.0f}"
              + (f", bound {anchor.bound:,.0f}" if anchor.bound is not None and anchor.bound >= 0 else ", no bound")
              if anchor.objective is not None else anchor.status))
    print(row(f"the same, rhythm ≥ ours ({anchor_s:.0f} s)", peer_f,
              f"{peer.status}" + (f", objective {peer.objective:,.0f}" if peer.objective is not None else "")))
    if timefold is None:
        print(f"   {f'Timefold from greedy ({anchor_s:.0f} s)':<34} not run: {timefold_missing}")
    else:
        timefold_f = figures(req, timefold.visits, timefold.wall_s)
        print(row(f"Timefold from greedy ({anchor_s:.0f} s)", timefold_f,
                  f"{timefold.status}, score {timefold.score}; the wall includes Timefold's translation "
                  f"of the model to Java"))
    print(f"   visits planned: ours {ours_f['visits']}, greedy {greedy_f['visits']}, anchor {anchor_f['visits']}"
          + ("" if timefold is None else f", Timefold {len(timefold.visits)}")
          + f" (of {sum(s.visits_per_month for s in req.stations) * len(req.months)})")
    print(f"   ratios: Σ ours/anchor {ours_f['gap_sum'] / max(1, anchor_f['gap_sum']):.3f}, ours/greedy "
          f"{ours_f['gap_sum'] / max(1, greedy_f['gap_sum']):.3f}; rhythm ours/anchor "
          f"{ours_f['rhythm'] / max(1e-9, anchor_f['rhythm']):.2f}; wall ours/anchor "
          f"{ours_f['wall'] / max(1e-9, anchor_f['wall']):.3f}"
          + ("" if timefold is None else f"; Σ ours/Timefold {ours_f['gap_sum'] / max(1, timefold_f['gap_sum']):.3f}"))
    ours_objective = ours_f["gap_sum"] + 1000 * ours_f["backup"]
    peer_objective = peer_f["gap_sum"] + 1000 * peer_f["backup"]
    print(f"   under the same rule (the rhythm kept in ≥ {ours_f['rhythm']:.1%} of station-months), Σ|gap−14| + "
          f"1,000 per backup visit: ours {ours_objective:,} in {ours_f['wall']:.1f} s, CP-SAT {peer_objective:,} in "
          f"{peer_f['wall']:.0f} s (ratio {ours_objective / max(1, peer_objective):.3f}); Σ alone "
          f"{ours_f['gap_sum'] / max(1, peer_f['gap_sum']):.3f}")
    floor, stations = rhythm_floor(req, ours.visits)
    print(f"   rhythm floor: a plan keeping the rhythm of the {stations} stations in January and December has "
          f"Σ|gap−14| ≥ {floor:,} (the span between those visits alone)")
    print("   anchor objective: Σ|gap−14| + 1,000 per backup visit (the lead first, as our planner); no rhythm")
    floors = rhythm_frontier(req, (0.85, ours_f["rhythm"], 0.0))
    lead_first = rhythm_frontier(req, (0.85, ours_f["rhythm"], 0.0), backup_cost=1000)
    no_backups = ours_f["backup"] == 0 and anchor_f["backup"] == 0
    floor_85 = lead_first[0.85] if no_backups else floors[0.85]

    def shown(value: int | None) -> str:
        return "none keeps it" if value is None else f"{value:,}"

    print(f"   frontier (bench/frontier.py; every station alone, lawyers unshared, months off the rhythm shared "
          f"out at best): Σ|gap−14| ≥ {shown(floors[0.85])} for any plan keeping the rhythm in ≥ 85 %, ≥ "
          f"{shown(floors[ours_f['rhythm']])} at our share ({ours_f['rhythm']:.1%}), ≥ {shown(floors[0.0])} "
          f"for any plan at all")
    print(f"   the same, lead first (a backup visit costs 1,000, as in the anchor's objective), for plans without "
          f"backup visits: ≥ {shown(lead_first[0.85])} at 85 %, ≥ {shown(lead_first[ours_f['rhythm']])} at our "
          f"share, ≥ {shown(lead_first[0.0])} at all")
    exact = exact_frontier(req, (0.85, ours_f["rhythm"], 0.0), ours.visits)
    print(f"   exact frontier, the lawyers shared (bench/frontier.py exact_frontier: each lead lawyer's stations "
          f"and year solved by CP-SAT for every number of months kept, {exact.solves} solves in "
          f"{exact.wall_s:.0f} s, {'every one proven' if exact.proven else 'NOT all proven: CP-SAT bounds'}), "
          f"for plans without backup visits keeping our patterns: Σ|gap−14| ≥ {shown(exact.floors[0.85])} at 85 %, "
          f"≥ {shown(exact.floors[ours_f['rhythm']])} at our share (ours {ours_f['gap_sum']:,}"
          + (f", {ours_f['gap_sum'] / exact.floors[ours_f['rhythm']] - 1:.1%} above it"
             if exact.floors[ours_f['rhythm']] else "")
          + f"), ≥ {shown(exact.floors[0.0])} with no rhythm at all (the anchor {anchor_f['gap_sum']:,})")
    print(f"   target district year ≤ 10 s: {verdict(ours_f['wall'] <= 10.0)} ({ours_f['wall']:.2f} s)")
    reachable = floor_85 is not None and floor_85 < anchor_f["gap_sum"]
    print(f"   target Σ|gap−14| below the anchor's: {verdict(ours_f['gap_sum'] < anchor_f['gap_sum'])} "
          f"({ours_f['gap_sum']:,} vs {anchor_f['gap_sum']:,}); with the rhythm kept ≥ 85 % it is "
          + ("reachable on this instance" if reachable else
             f"out of reach on this instance (the frontier's floor {shown(floor_85)}"
             f"{' for plans without backup visits' if no_backups else ''} ≥ the anchor's {anchor_f['gap_sum']:,})"))
    print(f"   target rhythm kept ≥ 85 %: {verdict(ours_f['rhythm'] >= 0.85)} ({ours_f['rhythm']:.1%})")
    print(f"   target zero hard violations: {verdict(ours_f['violations'] == 0)} ({ours_f['violations']})")
    print(f"   time cap (limit + 10 %): {verdict(ours_f['wall'] <= 1.1 * LIMIT_S)}")


def scenario_city(year: int, anchor_s: float) -> None:
    req = gen.district_visits(year, working_days(year), seed=CITY_SEED, time_limit_s=LIMIT_S, scale=10)
    print(f"== city year at 10x: {len(req.stations)} stations, {len(req.lawyers)} lawyers, "
          f"{sum(s.visits_per_month for s in req.stations) * len(req.months):,} visits to plan")
    started = time.perf_counter()
    ours = plan_visits(req)
    ours_f = figures(req, ours.visits, time.perf_counter() - started)
    peak = peak_rss_mb()
    started = time.perf_counter()
    greedy = plan_visits(replace(req, time_limit_s=0))
    greedy_f = figures(req, greedy.visits, time.perf_counter() - started)
    print(f"   {'plan':<34} {'Σ|gap−14|':>9} {'rhythm kept':>10} {'backup':>7} {'hard viol.':>11} {'wall':>10}")
    print(row(f"our planner ({LIMIT_S:.0f} s limit)", ours_f, f"{ours.stats['method']}"))
    print(row("greedy plan (phase 1 alone)", greedy_f))
    print(f"   ours: visits {ours_f['visits']:,}, status {ours.status}, problems {len(ours.problems)}; CP-SAT "
          f"batches {ours.stats['cp_sat_batches']} (skipped: no time left, the greedy visits stay), first valid "
          f"plan {ours.stats['t_first_valid_s']:.2f} s; greedy visits {greedy_f['visits']:,}, problems "
          f"{len(greedy.problems)}")
    print(f"   peak RSS {peak:.0f} MB")
    print(f"   target city year ≤ 10 s: {verdict(ours_f['wall'] <= 10.0)} ({ours_f['wall']:.2f} s)")
    print(f"   target ≤ 1 GB: {verdict(peak <= 1024)} ({peak:.0f} MB)")
    print(f"   time cap (limit + 10 %): {verdict(ours_f['wall'] <= 1.1 * LIMIT_S)}; hard violations "
          f"{ours_f['violations']}")


def scenario_city_page(year: int, anchor_s: float) -> None:
    """The city year planned as a coordinator plans it: the plan page's POST (load, plan, save every visit with
    its audit entry and feed stamps, commit), the page with the run's figures, then one month re-planned."""
    import city_district
    from sqlalchemy import func, select

    from trainer.core.clock import today_local
    from trainer.core.extensions import db
    from trainer.org.demo import ensure_districts
    from trainer.visits.models import PlanRun, Visit

    app = throwaway_app("bench-city-page-")
    plan_year = today_local().year + 1
    with app.app_context():
        made = city_district.populate(ensure_districts()["tongzhou"], assign=True,
                                      month=(plan_year - 1, 12), coordinator="coord.city")
        db.session.commit()
    print(f"== city year from the plan page ({plan_year}, SQLite): 520 stations, {made.firms} firms, 200 lawyers, "
          f"a month of history; the planner at the page's default limit")
    client = app.test_client()
    client.post("/login", data={"username": "coord.city", "password": city_district.PASSWORD})
    timings = {}

    def timed(name, call):
        started = time.perf_counter()
        response = call()
        timings[name] = time.perf_counter() - started
        assert response.status_code in (200, 302), (name, response.status_code)
        return response

    plan = timed("plan", lambda: client.post("/visits/plan", data={
        "first_month": f"{plan_year}-01", "last_month": f"{plan_year}-12", "mode": "full", "provisional": "y"}))
    timed("page", lambda: client.get(plan.headers["Location"]))
    replan = timed("replan", lambda: client.post("/visits/plan", data={
        "first_month": f"{plan_year}-03", "last_month": f"{plan_year}-03", "mode": "replan", "provisional": "y"}))
    timed("replan_page", lambda: client.get(replan.headers["Location"]))
    with app.app_context():
        runs = db.session.scalars(select(PlanRun).order_by(PlanRun.id)).all()
        visits = db.session.scalar(select(func.count()).select_from(Visit).where(Visit.day >= date(plan_year, 1, 1)))
        solver = [run.stats.get("t_total_s", 0.0) for run in runs]
        methods = [" ".join(filter(None, (run.stats.get("method"), run.stats.get("greedy_reason"))))
                   for run in runs]
    print(f"   plan POST {timings['plan']:.2f} s ({visits:,} visits saved; the planner {solver[0]:.2f} s, "
          f"{methods[0]}; loading and saving {timings['plan'] - solver[0]:.2f} s); the page with the run's figures "
          f"{timings['page']:.2f} s")
    print(f"   March re-planned: POST {timings['replan']:.2f} s (the planner {solver[1]:.2f} s), its page "
          f"{timings['replan_page']:.2f} s")


def scenario_replan(year: int, anchor_s: float) -> None:
    base = gen.district_visits(year, working_days(year), seed=DISTRICT_SEED, time_limit_s=5.0)
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
    still = {(v.station_id, v.lawyer_id, v.slot) for v in result.visits}
    left_out = {i for p in result.problems for i in p.details.get("existing_visit_ids", ())}
    moved = [v for v in in_range if (v.station_id, v.lawyer_id, v.slot) not in still and v.visit_id not in left_out]
    print(f"== replan after a three-week leave of lawyer {lawyer_id} ({min(leave)} to {max(leave)}), "
          f"months {months}")
    print(f"   wall {wall:.2f} s, status {result.status}, problems {len(result.problems)}, hard-rule violations "
          f"{len(check_plan(req, result.visits))} (the station-months left out, named in the problems); visits "
          f"the leave broke {len(broken)}, moved {len(moved)} (moved though not broken: "
          f"{len([v for v in moved if v not in broken])}); visits of station-months left out {len(left_out)}")


def scenario_rotation(year: int, anchor_s: float) -> None:
    req = gen.rotation_year(year, working_days(year))
    started = time.perf_counter()
    result = plan_rotation(req)
    wall = time.perf_counter() - started
    violations = check_rotation(req, result.placements)
    print(f"== rotation year: {len(req.trainees)} trainees, {len(req.mentors)} mentors, capacity {req.capacity}")
    print(f"   wall {wall:.2f} s, status {result.status}, problems {len(result.problems)}, hard-rule violations "
          f"{len(violations)}")


def duty_page_times(rounds: int = 5) -> tuple[list[float], float, dict]:
    """Plan the issue's roster from the roster page: the POST a coordinator sends (load, plan, save, commit,
    redirect) on a throwaway SQLite database, ``rounds`` times; and the roster page's GET."""
    from sqlalchemy import select

    from trainer.auth.models import Role, User
    from trainer.core.extensions import db
    from trainer.org.demo import ensure_districts
    from trainer.org.models import District
    from trainer.visits.duty import operations as duty
    from trainer.visits.models import DutyPeriod
    from trainer.visits.setup import operations as setup_ops

    app = throwaway_app("bench-duty-")
    with app.app_context():
        ensure_districts()
        district = db.session.scalar(select(District).where(District.code == "chaoyang"))
        firm = setup_ops.save_firm(None, district_id=district.id, name="值班测试律师事务所", contact_name="张主任",
                                   contact_phone="13800000000")
        lawyers = [setup_ops.save_lawyer(None, firm=firm, name=f"律师{n}", phone=f"139000000{n:02d}",
                                         specialities=["劳动争议"]) for n in range(1, 9)]
        user = User(username="bench.coordinator", display_name="协调员", role=Role.COORDINATOR,
                    district_id=district.id)
        user.set_password("bench-password-123")
        db.session.add(user)
        period = duty.save_period(None, district_id=district.id, title="疫情防控特别时期24小时法律咨询电话值班",
                                  first_day=date(2026, 9, 28), last_day=date(2026, 10, 11),
                                  shifts="00:00-08:00, 08:00-16:00, 16:00-24:00", per_shift=1,
                                  lawyer_ids=[lw.id for lw in lawyers])
        db.session.commit()
        period_id = period.id
    client = app.test_client()
    client.post("/login", data={"username": "bench.coordinator", "password": "bench-password-123"})
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.post(f"/visits/duty/{period_id}/plan")
        times.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
    started = time.perf_counter()
    page = client.get(f"/visits/duty/{period_id}")
    page_s = time.perf_counter() - started
    with app.app_context():
        period = db.session.get(DutyPeriod, period_id)
        spread = duty.lawyer_spread(period)
        problems = duty.check_period(period)
    html = page.get_data(as_text=True)
    return times, page_s, {"spread": spread, "problems": problems, "holiday_shown": "国庆节" in html or
                           "National Day" in html}


def scenario_duty(year: int, anchor_s: float) -> None:
    req = gen.duty_fortnight(date(year, 9, 29))
    started = time.perf_counter()
    result = plan_duty(req)
    wall = time.perf_counter() - started
    s = result.stats
    print(f"== duty roster: 14 days x {len(req.shifts)} shifts x {req.per_shift}, {len(req.lawyers)} lawyers "
          f"(solver alone, limit {req.time_limit_s} s)")
    print(f"   wall {wall:.3f} s, status {result.status}, problems {len(result.problems)}, hard-rule violations "
          f"{len(check_duty(req, result.assignments))}")
    print(f"   spread: shifts per lawyer {s['shifts_min']}-{s['shifts_max']}, nights {s['nights_min']}-"
          f"{s['nights_max']}, longest stretch without duty {s['longest_idle_days']} days (wish: a shift in every "
          f"{s['idle_days']} days), most shifts in 3 days {s['most_in_3_days']} (wish: at most {s['burst_cap']}), "
          f"shifts within {req.rest_after_night_h} h after a night {s['too_soon_after_night']}")
    times, page_s, page = duty_page_times()
    spread = page["spread"].values()
    print(f"== the same roster from the page (POST /visits/duty/<id>/plan, SQLite): first {times[0]:.3f} s, then "
          f"median {statistics.median(times[1:]):.3f} s, max {max(times[1:]):.3f} s; the page GET {page_s:.3f} s")
    print(f"   spread: shifts per lawyer {min(f.shifts for f in spread)}-{max(f.shifts for f in spread)}, longest "
          f"stretch without duty {max(f.longest_idle_days for f in spread)} days, most shifts in 3 days "
          f"{max(f.most_in_3_days for f in spread)}, shifts too soon after a night "
          f"{sum(f.too_soon_after_night for f in spread)}; problems {len(page['problems'])}; "
          f"holidays shown on the page: {page['holiday_shown']}")
    print(f"   target roster ≤ 1 s from the page: {verdict(max(times) <= 1.0)} (slowest of {len(times)}: "
          f"{max(times):.3f} s)")
    print(f"   target no day shift straight after a night: "
          f"{verdict(sum(f.too_soon_after_night for f in spread) == 0 and s['too_soon_after_night'] == 0)}")
    month = gen.duty_month(year, 2)
    started = time.perf_counter()
    result = plan_duty(month)
    wall = time.perf_counter() - started
    s = result.stats
    print(f"== duty month: {len(month.lawyers)} lawyers, {s['shifts']} shifts x {month.per_shift}: wall {wall:.2f} s, "
          f"status {result.status}, problems {len(result.problems)}, hard-rule violations "
          f"{len(check_duty(month, result.assignments))}, shifts per lawyer {s['shifts_min']}-{s['shifts_max']}, "
          f"longest stretch without duty {s['longest_idle_days']} days, most in 3 days {s['most_in_3_days']}")


SCENARIOS = {"district": scenario_district, "city": scenario_city, "city-page": scenario_city_page,
             "replan": scenario_replan,
             "rotation": scenario_rotation, "duty": scenario_duty}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenarios", nargs="*", help=f"some of {', '.join(SCENARIOS)} (default: all)")
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--anchor-seconds", type=float, default=120.0,
                        help="time for the whole-year CP-SAT anchor and for Timefold (default 120, as in the issue)")
    parser.add_argument("--inline", action="store_true", help="run in this process (used per scenario)")
    args = parser.parse_args()
    chosen = args.scenarios or list(SCENARIOS)
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    if args.inline:
        for name in chosen:
            SCENARIOS[name](args.year, args.anchor_seconds)
        return
    for name in chosen:
        subprocess.run([sys.executable, __file__, "--inline", "--year", str(args.year), "--anchor-seconds",
                        str(args.anchor_seconds), name], check=True)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
