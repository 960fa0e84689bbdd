"""Pages under a crowd: the month calendar, the firms' accounts and one firm's monthly account of a city-size
district, 20 clients at once, the app served by the web server as `make run` starts it (granian by default).

    python bench/bench_pages.py [--duration 8] [--rounds 3] [--clients 20]
                                [--baseline-rev REV | --baseline-src DIR | --no-baseline] [--baseline-gunicorn]
                                [--json]

What it does, all on loopback, stopping everything it started:
1. builds a throwaway SQLite database with a city-size district (bench/city_district.py: 520 stations, 80 firms,
   200 lawyers, 1,040 visits in the month, most recorded with their consultations) and its coordinator;
2. counts the SQL statements of each page (in this process, SQLAlchemy events) on that district and on a small
   one: the counts must be the same (tests/visits/test_page_queries.py asserts it);
3. starts the app exactly as `make run` does (trainer.launch.launcher.server_command), logs the
   coordinator in, and measures each page with ``wrk`` (-c20: 20 clients) — requests/s and p95 — in interleaved
   rounds; every answer must be a 200 (a lost session would answer 302s);
4. "before": the code before this work (by default git revision BEFORE_REV of this repository, exported with
   ``git archive``; or ``--baseline-rev REV``, or ``--baseline-src DIR``) is measured in the same rounds, served as
   its `make run` served it (Flask's development server, ``flask run``); ``--baseline-gunicorn`` also measures that
   code under today's gunicorn, to tell the server's share from the code's. With ``--no-baseline``, or outside a
   git checkout, the before-figures are the ones recorded in BEFORE below (measured with this script on this
   machine, see there);
5. prints req/s, p95 and the ratio to before for each page, against the target (>= 4 x before): MET / NOT MET.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import urllib.parse
import urllib.request
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from bench_feed import ensure_tools, free_port, load_average, stop, verdict, wait_http, wrk_run  # noqa: E402

MONTH = "2026-11"
BEFORE_REV = "1e840dc"  # the code before this work (main when issue 16A began)
TARGET = 4.0
SECRET_KEY = "bench-pages-secret"
# The code before this work (commit 1e840dc, the month calendar, accounts and firm account as they were), served
# as its `make run` served it (Flask's development server), measured with this script on 30 Nov 2026: 3
# interleaved rounds of 8 s, 20 clients, 2 cores shared with other work (load average 4.4 before, 6.0 after).
BEFORE = {"calendar": {"rps": 5.4, "p95_ms": 4142.7}, "accounts": {"rps": 4.5, "p95_ms": 4543.3},
          "firm_account": {"rps": 104.3, "p95_ms": 265.0}}
BEFORE_NOTE = "recorded on 30 Nov 2026, not measured in this run (run in a git checkout to measure it)"

# wrk: p95 and every answer that is not a 200, counted in each thread and summed when the run is done.
WRK_PAGES = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("not_ok") end
  io.write(string.format("REPORT p50=%d p95=%d p99=%d status_errors=%d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), bad))
end
"""


def _env(db_path: Path, src: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRAINER_")}
    env.update({"TRAINER_DATABASE_URL": f"sqlite:///{db_path}", "TRAINER_SECRET_KEY": SECRET_KEY,
                "TRAINER_LOG_LEVEL": "ERROR", "PYTHONPATH": str(src)})
    return env


def build_database(db_path: Path) -> dict:
    """The city-size district and a small one; answers the pages' paths and their statement counts."""
    os.environ.update({"TRAINER_DATABASE_URL": f"sqlite:///{db_path}", "TRAINER_SECRET_KEY": SECRET_KEY,
                       "TRAINER_LOG_LEVEL": "ERROR"})
    import city_district
    from sqlalchemy import event

    from trainer import create_app
    from trainer.core.extensions import db
    from trainer.org.demo import ensure_districts

    app = create_app({"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
        districts = ensure_districts()
        db.session.commit()
        city = city_district.populate(districts["tongzhou"], coordinator="coord.city")
        small = city_district.populate(districts["daxing"], stations=8, firms=2, lawyers=4, coordinator="coord.small")
        db.session.commit()
        paths = {name: {"calendar": f"/visits/?month={MONTH}", "accounts": f"/visits/accounts?month={MONTH}",
                        "firm_account": f"/visits/accounts/{made.busiest_firm.id}?month={MONTH}"}
                 for name, made in (("city", city), ("small", small))}
        sizes = {"city": (city.visits, city.consultations), "small": (small.visits, small.consultations)}
        statements = [0]
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    counts: dict[str, dict[str, int]] = {}
    for name in ("city", "small"):
        client = app.test_client()
        client.post("/login", data={"username": f"coord.{name}", "password": city_district.PASSWORD})
        counts[name] = {}
        for page, path in paths[name].items():
            client.get(path)
            statements[0] = 0
            assert client.get(path).status_code == 200, path
            counts[name][page] = statements[0]
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"paths": paths["city"], "statements": counts, "sizes": sizes}


def revision_exists(rev: str) -> bool:
    """True when this is a git checkout that holds ``rev`` (a source tarball has no history: recorded figures)."""
    return subprocess.run(["git", "cat-file", "-e", f"{rev}^{{commit}}"], cwd=ROOT, capture_output=True).returncode == 0


def export_revision(rev: str, target: Path) -> Path:
    """The repository at ``rev`` (git archive), with its translations compiled as `make install` does."""
    data = subprocess.run(["git", "archive", "--format=tar", rev], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as archive:
        archive.extractall(target, filter="data")
    compile_translations(target)
    return target


def compile_translations(src: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in src.glob("trainer/**/translations/*/LC_MESSAGES/messages.po"):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        with po.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)


def start_server(kind: str, src: Path, env: dict[str, str], log_dir: Path) -> tuple[subprocess.Popen, str]:
    from trainer.launch.launcher import gunicorn_command, server_command, web_server, web_shape

    port = free_port()
    if kind == "make-run":  # this checkout as `make run` serves it
        workers, threads = web_shape({})
        command = server_command(web_server(), "127.0.0.1", port, workers, threads)
    elif kind == "gunicorn":
        workers, threads = web_shape({})
        command = gunicorn_command("127.0.0.1", port, workers, threads, pythonpath=str(src))
    else:  # the development server the code before this work ran in `make run`
        command = [sys.executable, "-m", "flask", "--app", "trainer", "run", "--host", "127.0.0.1", "--port", str(port)]
    # The server's own log goes to a file: a pipe nobody reads fills up with the development server's line per
    # request, and the server then stops answering.
    with (log_dir / f"{kind}-{port}.log").open("wb") as log:
        process = subprocess.Popen(command, cwd=src, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    wait_http(f"{base}/login", 90)
    return process, base


def log_in(base: str) -> str:
    """The coordinator's session cookie, logged in through the login form like a browser."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", "bench-pages")]
    form = opener.open(f"{base}/login").read().decode()
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    data = {"username": "coord.city", "password": "bench-pages-123"}
    if csrf:
        data["csrf_token"] = csrf.group(1)
    opener.open(f"{base}/login", data=urllib.parse.urlencode(data).encode()).read()
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def check_page(base: str, path: str, cookie: str) -> None:
    request = urllib.request.Request(f"{base}{path}", headers={"Cookie": cookie, "User-Agent": "bench-pages"})
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
        assert response.status == 200 and response.url.endswith(path), (path, response.url)
        assert "测试律师事务所" in text, path  # the generated firms: the coordinator's district, logged in


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--baseline-rev", default=BEFORE_REV,
                        help=f"git revision of the code before, measured in the same rounds (default {BEFORE_REV})")
    parser.add_argument("--no-baseline", action="store_true", help="use the recorded BEFORE figures")
    parser.add_argument("--baseline-src", type=Path, help="a directory with the code before")
    parser.add_argument("--baseline-gunicorn", action="store_true", help="also the code before under gunicorn")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    wrk, _nginx = ensure_tools()
    tmp = Path(tempfile.mkdtemp(prefix="trainer-bench-pages-"))
    script = tmp / "pages.lua"
    script.write_text(WRK_PAGES)
    processes: list[subprocess.Popen] = []
    load_before = load_average()
    try:
        built = build_database(tmp / "pages.db")
        configs = {"after": ("make-run", ROOT)}
        before_src = args.baseline_src
        if args.baseline_rev and not args.no_baseline and before_src is None and revision_exists(args.baseline_rev):
            before_src = export_revision(args.baseline_rev, tmp / "before")
        if before_src is not None:
            configs["before"] = ("flask-run", before_src.resolve())
            if args.baseline_gunicorn:
                configs["before, gunicorn"] = ("gunicorn", before_src.resolve())
        servers = {}
        for name, (kind, src) in configs.items():
            process, base = start_server(kind, src, _env(tmp / "pages.db", src), tmp)
            processes.append(process)
            cookie = log_in(base)
            for path in built["paths"].values():
                check_page(base, path, cookie)
            servers[name] = (base, cookie)
        headers = {name: {"Cookie": cookie, "User-Agent": "bench-pages"} for name, (_base, cookie) in servers.items()}
        for name, (base, _cookie) in servers.items():  # warm every worker
            for path in built["paths"].values():
                wrk_run(wrk, f"{base}{path}", 1, args.clients, headers[name], 2, script)
        rounds = []
        for _ in range(args.rounds):
            measured = {}
            for page, path in built["paths"].items():
                for name, (base, _cookie) in servers.items():
                    measured[f"{name}|{page}"] = wrk_run(wrk, f"{base}{path}", args.duration, args.clients,
                                                         headers[name], 2, script)
            rounds.append(measured)
        pages = {}
        for page in built["paths"]:
            row = {}
            for name in servers:
                runs = [r[f"{name}|{page}"] for r in rounds]
                row[name] = {"rps": round(statistics.median(x["rps"] for x in runs), 1),
                             "p95_ms": round(statistics.median(x["p95_ms"] for x in runs), 1),
                             "rounds_rps": [x["rps"] for x in runs],
                             "not_200": sum(x["bad_responses"] for x in runs)}
            before = row.get("before") or BEFORE[page]
            row["before_measured"] = "before" in row
            if before["rps"]:
                if "before" in row:  # the ratio of each round (same round, same load), then their median
                    ratios = [r[f"after|{page}"]["rps"] / r[f"before|{page}"]["rps"] for r in rounds
                              if r[f"before|{page}"]["rps"]] or [0.0]
                    row["ratio"] = round(statistics.median(ratios), 2)
                else:
                    row["ratio"] = round(row["after"]["rps"] / before["rps"], 2)
                row["met"] = row["ratio"] >= TARGET
            if "before, gunicorn" in row:
                row["ratio_same_server"] = round(statistics.median(
                    r[f"after|{page}"]["rps"] / r[f"before, gunicorn|{page}"]["rps"] for r in rounds), 2)
            pages[page] = row
        same_counts = built["statements"]["city"] == built["statements"]["small"]
        result = {"month": MONTH, "sizes": built["sizes"], "statements": built["statements"],
                  "statements_same_on_small_and_city": same_counts, "clients": args.clients,
                  "duration_s": args.duration, "rounds": args.rounds, "pages": pages,
                  "load_average_before": load_before, "load_average_after": load_average(), "target_ratio": TARGET}
        if args.json:
            print(json.dumps(result))
            return 0
        from trainer.launch.launcher import web_server, web_shape

        workers, threads = web_shape({})
        server = web_server()
        city_visits, city_consultations = built["sizes"]["city"]
        print(f"Pages under a crowd: a city-size district ({city_visits} visits and {city_consultations} consultations "
              f"in {MONTH}), {args.clients} clients (wrk -c{args.clients}), {args.rounds} interleaved rounds of "
              f"{args.duration:g} s; after = {server} as make run starts it ({workers} workers x {threads} threads); "
              f"load average {load_before} before")
        print("SQL statements per request (city / small district): " + ", ".join(
            f"{page} {built['statements']['city'][page]} / {built['statements']['small'][page]}" for page in pages)
            + ("  — the same" if same_counts else "  — NOT the same"))
        for page, row in pages.items():
            for name in servers:
                print(f"  {page:13} {name:17} {row[name]['rps']:8.1f} req/s  p95 {row[name]['p95_ms']:8.1f} ms  "
                      f"(rounds: {', '.join(f'{x:.1f}' for x in row[name]['rounds_rps'])}; not 200: "
                      f"{row[name]['not_200']})")
            if not row["before_measured"]:
                before = BEFORE[page]
                print(f"  {page:13} {'before':17} {before['rps'] or float('nan'):8.1f} req/s  p95 "
                      f"{before['p95_ms'] or float('nan'):8.1f} ms  ({BEFORE_NOTE})")
            if "ratio" in row:
                same = (f"; {row['ratio_same_server']} x the code before under gunicorn"
                        if "ratio_same_server" in row else "")
                print(f"  {page:13} {row['ratio']} x before (target >= {TARGET:g} x) {verdict(row['met'])}{same}")
        print(f"load average after: {result['load_average_after']}")
        print("JSON " + json.dumps(result))
        return 0
    finally:
        stop(processes)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
