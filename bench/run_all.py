"""`make bench`: runs every benchmark under bench/ in turn and prints their figures.

Benchmarks report; they never fail the build on a number. Each runs in its own process so peak memory
figures are its own.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ["bench_planning.py", "bench_feed.py", "bench_pages.py", "bench_walk.py", "bench_api.py"]  # bench_api: APIFlask optional


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        script = HERE / name
        if not script.exists():
            print(f"== {name}: not present, skipped")
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        print(f"== {name}: exit {result.returncode}, {time.perf_counter() - started:.1f} s\n", flush=True)
        if result.returncode != 0:
            failed.append(name)
    if failed:
        print("benchmarks that did not run to the end:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
