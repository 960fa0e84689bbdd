"""Every page of the app timed over a city-size district with a year planned: ``python bench/bench_walk.py``.

The long crawl's world (tests/crawl/world.py: the demo programme, loaded again into two more districts, and
Tongzhou at city size, 520 stations, 80 firms, 200 lawyers with their leave; tests/crawl/city.py), then the
whole next year planned for Tongzhou through the planner as the plan page runs it (12,000 visits more), on a
throwaway SQLite database. Then every page address (GET) the crawl visits, and the links those pages offer, as
Tongzhou's coordinator, its lawyer and the city admin, one request at a time: prints the slowest answers and the
sum, so that a page that grows with the data shows here before a user meets it. Figures only, no target; the
first city-size walk of this kind (1 Dec 2026) found the desk at 1.6 s, the plan page at 40 s and a year's plan
saving in 71 s, all since made linear.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slowest", type=int, default=15, help="how many of the slowest answers to print")
    args = parser.parse_args()

    from throwaway import throwaway_app

    from tests.crawl import pages
    from tests.crawl.world import load_world
    from trainer.core.clock import today_local
    from trainer.core.extensions import db
    from trainer.org.models import District
    from trainer.visits.plan.planner import plan_range

    app = throwaway_app("bench-walk-")
    year = today_local().year + 1
    with app.app_context():
        started = time.perf_counter()
        world = load_world(city=True)
        loaded_s = time.perf_counter() - started
        started = time.perf_counter()
        outcome = plan_range(District.by_code("tongzhou"), f"{year}-01", f"{year}-12", allow_provisional=True)
        db.session.commit()
        plan_s = time.perf_counter() - started
        print(f"== the crawl's world with the city district loaded in {loaded_s:.0f} s; {year} planned for Tongzhou "
              f"in {plan_s:.1f} s (planner {outcome.run.stats.get('t_total_s', 0):.1f} s, "
              f"{outcome.run.stats.get('added', 0):,} visits)")
        page_list = pages.visits(app, world)

    answers: list[tuple[float, str, str, int]] = []
    inner = app.wsgi_app

    def timed(environ, start_response):
        started = time.perf_counter()
        body = b"".join(inner(environ, start_response))
        path = environ["PATH_INFO"] + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else "")
        answers.append((time.perf_counter() - started, timed.role, path, len(body)))
        return [body]

    app.wsgi_app = timed
    with app.app_context():
        for role in ("coordinator", "lawyer", "admin"):
            timed.role = role
            problems = pages.crawl(app, world, role, page_list)
            if problems:
                print(f"   {role}: {len(problems)} answers against the access rules, e.g. {problems[0]}")
    app.wsgi_app = inner

    times = sorted((a[0] for a in answers), reverse=True)
    print(f"== {len(answers)} answers (every page and the links it offers, as Tongzhou's coordinator, its lawyer and "
          f"the admin): sum {sum(times):.1f} s, median {statistics.median(times) * 1000:.0f} ms, "
          f"95th percentile {times[len(times) // 20] * 1000:.0f} ms")
    print(f"   {'seconds':>8} {'KB':>7}  who          page")
    for seconds, role, path, size in sorted(answers, reverse=True)[:args.slowest]:
        shown = path if "/feeds/" not in path else "/feeds/<the coordinator's link>.ics"
        print(f"   {seconds:8.3f} {size / 1024:7.0f}  {role:<12} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
