"""Benchmark of the calendar feed: the real app under the web server as `make run` starts it (and under gunicorn),
against nginx serving the same bytes, full answers and 304s side by side.

    python bench/bench_feed.py [--duration 5] [--connections 16] [--rounds 3] [--json]

What it does, all on loopback, stopping everything it started:
1. builds a throwaway SQLite database with a district whose coordinator's feed holds ~180 visits (about 166 KB,
   the size of the coordinator feed of issue 16; the events come from a small event source defined here,
   installed the way an area's feeds.py is);
2. starts the app (``trainer.create_app``) with the web server as `make run` starts it (granian by default,
   ``trainer.launch.launcher.server_command``, workers and threads from ``web_shape``), the same app under gunicorn
   (``WEB_SERVER=gunicorn``, gthread) for comparison, and Debian's nginx serving the same feed bytes as a static
   file (wrk and nginx are installed with apt-get when missing);
3. measures with ``wrk`` in interleaved rounds (app full, gunicorn full, nginx full, app 304, gunicorn 304,
   nginx 304 — each round in that order, so a busy machine weighs on all alike): requests/s and p50/p99; a 304
   is asked with If-None-Match and the server's own ETag, so the app's 304s are compared with nginx's 304s, full
   answers with full answers;
4. prints each round's ratios and their medians against the targets (full >= 0.25 x nginx, 304 >= 0.08 x nginx's
   304), and the CPU time of building a 1,000-event feed: cold (nothing of the feed in this process: the
   events read, their stored blocks found in the table and joined), warm (blocks in memory), after one event
   changed, and the very first write of every block by icalendar (target: cold <= 50 ms CPU), measured first,
   before the wrk rounds load the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import types
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import DateTime, Integer, String, Text, delete, select  # noqa: E402
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column  # noqa: E402

SECRET_KEY = "bench-secret-key"
DISTRICT_EVENTS = 180  # the coordinator's feed: about 166 KB
COLD_EVENTS = 1000
OVER_LIMIT_EVENTS = 6000  # a coordinator's feed of a city-size district
TARGET_FULL, TARGET_304, TARGET_COLD_CPU_MS = 0.25, 0.08, 50.0


# --- the event source: visits, in their own table (not part of the app's schema) -------------------------------
class BenchBase(DeclarativeBase):
    pass


class BenchVisit(BenchBase):
    __tablename__ = "bench_feed_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer, index=True)
    lawyer_id: Mapped[int] = mapped_column(Integer, index=True)
    station: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(250))
    contact: Mapped[str] = mapped_column(String(120))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sequence: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default="CONFIRMED")
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def _source_module():
    from trainer.calendars.events import FeedEvent
    from trainer.core.addresses import public_base
    from trainer.core.clock import LOCAL_TZ, as_utc
    from trainer.core.extensions import db

    def user_events(user, start: date, end: date):
        low = as_utc(datetime(start.year, start.month, start.day, tzinfo=LOCAL_TZ))
        high = as_utc(datetime(end.year, end.month, end.day, tzinfo=LOCAL_TZ) + timedelta(days=1))
        v = BenchVisit
        whose = v.district_id == user.district_id if user.role == "coordinator" else v.lawyer_id == user.id
        rows = db.session.execute(
            select(v.id, v.station, v.address, v.contact, v.notes, v.starts_at, v.ends_at, v.sequence, v.status,
                   v.updated_at, v.lawyer_id)
            .where(whose, v.starts_at < high, v.ends_at >= low).order_by(v.starts_at))
        base = public_base()
        # Rows unpacked as tuples: reading a Row's fields by name costs about a microsecond each.
        return [FeedEvent(
            uid=f"visit-{vid}@trainer", summary=f"驻站咨询：{station}",
            start=as_utc(starts_at).astimezone(LOCAL_TZ), end=as_utc(ends_at).astimezone(LOCAL_TZ),
            last_modified=as_utc(updated_at), sequence=sequence, status=status, location=address,
            description=f"律师：王律师（北京市京朝律师事务所）\n服务站联系人：{contact}\n{notes}",
            url=f"{base}/visits/{vid}", categories=("律师驻站",), remind_user_ids=(lawyer_id,))
            for vid, station, address, contact, notes, starts_at, ends_at, sequence, status, updated_at, lawyer_id
            in rows]

    module = types.ModuleType("bench_feed_source")
    module.user_events = user_events
    return module


def make_app():
    """The web server's entry point (``bench_feed:make_app``): the real app, reading this file's event source,
    loaded as `make run`'s workers load theirs (trainer.launch.served)."""
    from trainer import create_app
    from trainer.calendars import sources
    from trainer.launch.served import frozen

    app = create_app()
    sources._override = [_source_module()]
    return frozen(app)


# --- set-up ------------------------------------------------------------------------------------------------
def _env(db_path: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRAINER_")}
    env.update({"TRAINER_DATABASE_URL": f"sqlite:///{db_path}", "TRAINER_SECRET_KEY": SECRET_KEY,
                "TRAINER_FEED_DAYS_BACK": "183", "TRAINER_FEED_DAYS_AHEAD": "183",
                "TRAINER_PUBLIC_URL": "http://127.0.0.1", "TRAINER_LOG_LEVEL": "ERROR"})
    return env


def _populate(events: int, username: str, role: str) -> tuple[object, str]:
    """A user whose feed holds ``events`` visits spread over the year around today; returns (user, feed path)."""
    from trainer.auth.models import User
    from trainer.calendars import operations, sources
    from trainer.core.clock import LOCAL_TZ, now_utc, today_local
    from trainer.core.extensions import db
    from trainer.org.demo import ensure_districts

    districts = ensure_districts()
    user = User(username=username, display_name="刘洋" if role == "coordinator" else "王律师", role=role,
                district_id=districts["chaoyang"].id)
    user.set_password("bench-password-123")
    db.session.add(user)
    db.session.flush()
    today = today_local()
    first = today - timedelta(days=182)
    stations = ["朝外街道", "劲松街道", "建外街道", "呼家楼街道", "八里庄街道"]
    rows = []
    for number in range(events):
        day = first + timedelta(days=int(number * 364 / events))
        hour = 9 if number % 2 == 0 else 14
        start = datetime(day.year, day.month, day.day, hour, 0, tzinfo=LOCAL_TZ)
        station = stations[number % len(stations)]
        rows.append(BenchVisit(
            district_id=user.district_id, lawyer_id=user.id, station=f"{station}工会服务站",
            address=f"北京市朝阳区{station}服务中心{number % 9 + 1}号，二层；东侧",
            contact=f"刘芳 139011{number:05d}", starts_at=start, ends_at=start + timedelta(hours=3),
            notes=("服务内容：法律咨询、劳动争议调解、普法宣传、集体协商指导。请携带劳动合同、工资条等材料，"
                   "如有群体性纠纷请提前联系服务站。") * 2,
            updated_at=now_utc() - timedelta(days=number % 30)))
    db.session.add_all(rows)
    subject = sources.Subject("user", user.id, user.display_name, user.district_id, user)
    token = operations.feed_token(user, subject)
    db.session.commit()
    path = operations.feed_urls(token)["web"].removeprefix("http://127.0.0.1")
    return user, path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def ensure_tools() -> tuple[str, str]:
    """wrk and nginx (Debian's packages), installed with apt-get when missing."""
    wrk, nginx = shutil.which("wrk"), shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists()
                                                                 else None)
    if wrk and nginx:
        return wrk, nginx
    if os.geteuid() != 0:
        raise SystemExit("bench_feed needs wrk and nginx: sudo apt-get install wrk nginx-light")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk", "nginx-light"], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return shutil.which("wrk"), shutil.which("nginx") or "/usr/sbin/nginx"


NGINX_CONF = """
worker_processes {workers};
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fastcgi;
  uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  types {{ text/calendar ics; }}
  server {{
    listen 127.0.0.1:{port};
    root {www};
    etag on;
  }}
}}
"""

# wrk's own percentiles (p95 is not in --latency's list) and error counts, printed when a run is done.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("REPORT p50=%d p95=%d p99=%d status_errors=%d\\n", latency:percentile(50),
    latency:percentile(95), latency:percentile(99), summary.errors.status))
end
"""


def wrk_run(wrk: str, url: str, duration: float, connections: int, headers: dict[str, str] | None = None,
            threads: int = 2, script: Path | None = None) -> dict:
    """One wrk run: requests/s, p50/p95/p99 in ms, answers that were not 2xx/3xx, socket errors."""
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--timeout", "10s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    result = subprocess.run(command + [url], capture_output=True, text=True, check=True, timeout=duration + 60)
    output = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    report = re.search(r"REPORT p50=(\d+) p95=(\d+) p99=(\d+) status_errors=(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {"rps": rps, "p50_ms": int(report.group(1)) / 1000, "p95_ms": int(report.group(2)) / 1000,
            "p99_ms": int(report.group(3)) / 1000, "bad_responses": int(report.group(4)),
            "socket_errors": errors.group(0) if errors else ""}


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


def _cpu_ms(function, repeat: int) -> tuple[float, float]:
    """Median CPU and wall milliseconds of ``function()`` (CPU: this process's, process_time)."""
    cpu, wall = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return round(statistics.median(cpu), 1), round(statistics.median(wall), 1)


def _cold_build(tmp: Path) -> dict:
    """A 1,000-event feed built with nothing of it kept: CPU time of the whole path (events read, blocks, joined)."""
    db_path = tmp / "cold.db"
    os.environ.update(_env(db_path))
    app = make_app()
    from trainer.calendars import blocks, lookups, serving
    from trainer.calendars.models import FeedEventBlock
    from trainer.core.clock import now_utc, today_local
    from trainer.core.extensions import db

    with app.app_context():
        db.create_all()
        BenchBase.metadata.create_all(db.engine)
        user, path = _populate(COLD_EVENTS, "cold.lawyer", "lawyer")
        state = serving.find_feed(path.removeprefix("/feeds/").removesuffix(".ics"))
        today = today_local()
        out = {}

        def first_write():  # no block anywhere: icalendar writes every event
            db.session.execute(delete(FeedEventBlock))
            db.session.commit()
            blocks.memory.clear()
            db.session.expire_all()
            built = serving.build_feed(state, today)
            out["built"] = built

        out["first_write_cpu_ms"], out["first_write_ms"] = _cpu_ms(first_write, 3)
        blocks.save(out["built"].new_blocks)
        db.session.commit()

        def cold():  # a fresh process: nothing in memory, the blocks in the table
            blocks.memory.clear()
            lookups.reset()
            db.session.expire_all()
            out["cold"] = serving.build_feed(state, today)

        out["cold_cpu_ms"], out["cold_ms"] = _cpu_ms(cold, 7)

        def warm():  # the stamp moved, the blocks still in this process's memory
            db.session.expire_all()
            serving.build_feed(state, today)

        out["warm_cpu_ms"], out["warm_ms"] = _cpu_ms(warm, 7)
        counter = iter(range(1, 100))

        def one_changed():  # one event moved: 999 blocks found, one written
            visit = db.session.scalar(select(BenchVisit).order_by(BenchVisit.id).limit(1).offset(500))
            visit.sequence += 1
            visit.starts_at += timedelta(minutes=next(counter))
            visit.updated_at = now_utc()
            db.session.commit()
            db.session.expire_all()
            serving.build_feed(state, today)

        out["one_changed_cpu_ms"], out["one_changed_ms"] = _cpu_ms(one_changed, 5)

        # A feed over Google's 1 MB (a city coordinator's): only the blocks of the events it keeps are written.
        _big_user, big_path = _populate(OVER_LIMIT_EVENTS, "big.coordinator", "coordinator")
        big = serving.find_feed(big_path.removeprefix("/feeds/").removesuffix(".ics"))

        def over_limit():
            db.session.execute(delete(FeedEventBlock))
            db.session.commit()
            blocks.memory.clear()
            db.session.expire_all()
            out["big"] = serving.build_feed(big, today)

        out["over_limit_cpu_ms"], out["over_limit_ms"] = _cpu_ms(over_limit, 3)
        out["over_limit"] = {"events": OVER_LIMIT_EVENTS, "kept": out["big"].event_count,
                             "bytes": len(out["big"].body), "blocks_written": len(out.pop("big").new_blocks)}
        db.session.remove()
    cold_feed = out.pop("cold")
    out.pop("built")
    return {"events": cold_feed.event_count, "bytes": len(cold_feed.body), **out}


def _nginx(nginx: str, tmp: Path, body: bytes, workers: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    www = tmp / "www"
    www.mkdir(exist_ok=True)
    (www / "feed.ics").write_bytes(body)
    for item in (www, www / "feed.ics"):
        item.chmod(0o755 if item.is_dir() else 0o644)
    conf = tmp / "nginx.conf"
    user_line = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(user_line + NGINX_CONF.format(workers=workers, tmp=tmp, port=port, www=www))
    process = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, start_new_session=True)
    url = f"http://127.0.0.1:{port}/feed.ics"
    wait_http(url)
    return process, url


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        if process.stderr is not None:
            process.stderr.close()


def verdict(met: bool) -> str:
    return "MET" if met else "NOT MET"


def main() -> int:
    from trainer.launch.launcher import server_command, web_server, web_shape

    workers, threads = web_shape({})
    server = web_server()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=workers, help="web workers (default: as make run)")
    parser.add_argument("--threads", type=int, default=threads, help="threads per worker (default: as make run)")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args()

    wrk, nginx = ensure_tools()
    tmp = Path(tempfile.mkdtemp(prefix="trainer-bench-feed-"))
    tmp.chmod(0o755)
    (tmp / "report.lua").write_text(WRK_REPORT)
    processes: list[subprocess.Popen] = []
    load_before = load_average()
    try:
        # The build's CPU time first, on the machine as it is before this benchmark loads it: measured right
        # after the wrk rounds it read 50-60 % higher (52 against 32 ms on 3 December) with the same code.
        cold = _cold_build(tmp)
        cold["load_average_before"] = load_before
        db_path = tmp / "feed.db"
        os.environ.update(_env(db_path))
        app = make_app()
        from trainer.core.extensions import db

        with app.app_context():
            db.create_all()
            BenchBase.metadata.create_all(db.engine)
            _user, path = _populate(DISTRICT_EVENTS, "coordinator.liu", "coordinator")
            db.session.remove()
            db.engine.dispose()

        env = _env(db_path)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "bench"), env.get("PYTHONPATH", "")])
        urls = {}
        for name in (server, "gunicorn") if server != "gunicorn" else (server,):
            port = free_port()
            command = server_command(name, "127.0.0.1", port, args.workers, args.threads, factory="bench_feed:make_app")
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.PIPE, start_new_session=True))
            urls[name] = f"http://127.0.0.1:{port}{path}"
        for url in urls.values():
            wait_http(url)
        with urllib.request.urlopen(urls[server]) as response:
            body, etag = response.read(), response.headers["ETag"]
        nginx_process, static_url = _nginx(nginx, tmp, body, str(args.workers))
        processes.append(nginx_process)
        with urllib.request.urlopen(static_url) as response:
            assert response.read() == body
            nginx_etag = response.headers["ETag"]
        feed_url = urls[server]
        other = urls.get("gunicorn") if server != "gunicorn" else None
        if other:
            with urllib.request.urlopen(other) as response:
                assert response.read() == body and response.headers["ETag"] == etag

        script = tmp / "report.lua"
        runs = {"app_full": (feed_url, {}), "gunicorn_full": (other, {}), "nginx_full": (static_url, {}),
                "app_304": (feed_url, {"If-None-Match": etag}), "gunicorn_304": (other, {"If-None-Match": etag}),
                "nginx_304": (static_url, {"If-None-Match": nginx_etag})}
        runs = {name: run for name, run in runs.items() if run[0]}
        for url, headers in runs.values():  # warm every worker and connection
            wrk_run(wrk, url, 1, args.connections, headers, args.wrk_threads, script)
        rounds = []
        for _ in range(args.rounds):
            rounds.append({name: wrk_run(wrk, url, args.duration, args.connections, headers, args.wrk_threads, script)
                           for name, (url, headers) in runs.items()})
        for measured in rounds:
            measured["ratio_full"] = round(measured["app_full"]["rps"] / measured["nginx_full"]["rps"], 3)
            measured["ratio_304"] = round(measured["app_304"]["rps"] / measured["nginx_304"]["rps"], 3)
            if other:
                measured["ratio_full_gunicorn"] = round(measured["gunicorn_full"]["rps"] / measured["nginx_full"]["rps"], 3)
                measured["ratio_304_gunicorn"] = round(measured["gunicorn_304"]["rps"] / measured["nginx_304"]["rps"], 3)
        stop(processes)
        processes.clear()
        ratio_full = statistics.median(r["ratio_full"] for r in rounds)
        ratio_304 = statistics.median(r["ratio_304"] for r in rounds)
        bad = sum(r[name]["bad_responses"] for r in rounds for name in runs)
        result = {
            "server": server, "feed_bytes": len(body), "feed_events": body.count(b"BEGIN:VEVENT"), "workers": args.workers,
            "threads": args.threads, "connections": args.connections, "duration_s": args.duration,
            "load_average_before": load_before, "load_average_after": load_average(), "rounds": rounds,
            "ratio_full_median": ratio_full, "ratio_304_median": ratio_304, "bad_responses": bad,
            "cold_build_1000": cold,
            "targets": {"ratio_full_min": TARGET_FULL, "ratio_304_min": TARGET_304,
                        "cold_build_cpu_ms_max": TARGET_COLD_CPU_MS},
            "met": {"full": ratio_full >= TARGET_FULL, "304": ratio_304 >= TARGET_304,
                    "cold_build": cold["cold_cpu_ms"] <= TARGET_COLD_CPU_MS, "no_bad_responses": bad == 0},
        }
        if args.json:
            print(json.dumps(result))
            return 0
        print(f"Calendar feed benchmark: a coordinator's feed, {result['feed_events']} events, {len(body) / 1024:.0f} KB; "
              f"{server} as make run starts it ({args.workers} workers x {args.threads} threads), gunicorn "
              f"(WEB_SERVER=gunicorn, gthread, the same shape) vs nginx "
              f"({args.workers} workers, static file); wrk -t{args.wrk_threads} -c{args.connections} -d{args.duration:g}s "
              f"on loopback, {args.rounds} interleaved rounds; load average {load_before} before")
        print(f"{'round':<7}{'':22}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
        for number, measured in enumerate(rounds, 1):
            for name, label in (("app_full", f"{server}, full answers"), ("gunicorn_full", "gunicorn, full answers"),
                                ("nginx_full", "nginx, full answers"), ("app_304", f"{server}, 304 answers"),
                                ("gunicorn_304", "gunicorn, 304 answers"), ("nginx_304", "nginx, 304 answers")):
                if name not in measured:
                    continue
                row = measured[name]
                print(f"{number:<7}{label:22}{row['rps']:>10.0f}{row['p50_ms']:>9.2f}{row['p95_ms']:>9.2f}"
                      f"{row['p99_ms']:>9.2f}")
            print(f"{number:<7}ratios: full {measured['ratio_full']:.3f} x nginx, 304 {measured['ratio_304']:.3f} x "
                  f"nginx's 304" + (f" (gunicorn: {measured['ratio_full_gunicorn']:.3f}, "
                                    f"{measured['ratio_304_gunicorn']:.3f})" if other else ""))
        print(f"full answers: {ratio_full:.3f} x nginx (median of rounds; target >= {TARGET_FULL}) "
              f"{verdict(result['met']['full'])}")
        print(f"304 answers:  {ratio_304:.3f} x nginx's 304 (median of rounds; target >= {TARGET_304}) "
              f"{verdict(result['met']['304'])}")
        if other:
            print(f"the same app under gunicorn (WEB_SERVER=gunicorn): full "
                  f"{statistics.median(r['ratio_full_gunicorn'] for r in rounds):.3f} x nginx, 304 "
                  f"{statistics.median(r['ratio_304_gunicorn'] for r in rounds):.3f} x nginx's 304 (medians)")
        print(f"answers other than 2xx/3xx: {bad}")
        print(f"build of a {cold['events']}-event feed ({cold['bytes'] / 1024:.0f} KB), CPU ms (wall ms), medians: "
              f"cold {cold['cold_cpu_ms']} ({cold['cold_ms']}) — target <= {TARGET_COLD_CPU_MS:.0f} ms CPU "
              f"{verdict(result['met']['cold_build'])}; blocks in memory {cold['warm_cpu_ms']} ({cold['warm_ms']}); "
              f"one event changed {cold['one_changed_cpu_ms']} ({cold['one_changed_ms']}); first write of every "
              f"block by icalendar {cold['first_write_cpu_ms']} ({cold['first_write_ms']}); measured before the wrk "
              f"rounds, load average {cold['load_average_before']}")
        big = cold["over_limit"]
        print(f"a feed over the 1 MB limit ({big['events']:,} events, {big['kept']:,} kept, {big['bytes'] / 1024:.0f} "
              f"KB), first write: {cold['over_limit_cpu_ms']} ms CPU ({cold['over_limit_ms']}), "
              f"{big['blocks_written']:,} blocks written (only what it keeps, a chunk beyond)")
        print(f"load average after: {result['load_average_after']}")
        print("JSON " + json.dumps(result))
        return 0
    finally:
        stop(processes)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
