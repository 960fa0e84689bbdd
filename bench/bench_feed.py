"""Benchmark of the calendar feed: the real app under gunicorn against nginx serving the same bytes.

    python bench/bench_feed.py [--duration 5] [--connections 8] [--workers 2]

What it does, all on loopback, stopping everything it started:
1. builds a throwaway SQLite database with a lawyer whose year holds ~120 visits (about 80 KB of feed; the
   events come from a small event source defined here, installed the way an area's feeds.py is);
2. starts the app (``trainer.create_app``) under gunicorn and nginx serving the same feed bytes as a static file;
3. measures with ``wrk`` (Debian package; installed with apt-get when missing, as is nginx) full responses and
   304 answers (If-None-Match) of the feed, and full responses of nginx: requests/s and p50/p99 latency;
4. prints the ratios to nginx and the cold-build time of a 1,000-event feed (target < 50 ms).

Targets (docs/calendars.md): a 304 never builds the feed; full responses >= 0.15 of nginx's rate.
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

from sqlalchemy import DateTime, Integer, String, Text, select  # noqa: E402
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column  # noqa: E402

SECRET_KEY = "bench-secret-key"
EVENTS_PER_YEAR = 120


# --- the event source: a lawyer's visits, in their own table (not part of the app's schema) --------------------
class BenchBase(DeclarativeBase):
    pass


class BenchVisit(BenchBase):
    __tablename__ = "bench_feed_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
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
    from trainer.core.clock import LOCAL_TZ, as_utc
    from trainer.core.extensions import db

    def user_events(user, start: date, end: date):
        low = as_utc(datetime(start.year, start.month, start.day, tzinfo=LOCAL_TZ))
        high = as_utc(datetime(end.year, end.month, end.day, tzinfo=LOCAL_TZ) + timedelta(days=1))
        v = BenchVisit
        rows = db.session.execute(
            select(v.id, v.station, v.address, v.contact, v.notes, v.starts_at, v.ends_at, v.sequence, v.status,
                   v.updated_at)
            .where(v.lawyer_id == user.id, v.starts_at < high, v.ends_at >= low).order_by(v.starts_at))
        return [FeedEvent(
            uid=f"visit-{r.id}@trainer", summary=f"驻站咨询：{r.station}",
            start=as_utc(r.starts_at).astimezone(LOCAL_TZ), end=as_utc(r.ends_at).astimezone(LOCAL_TZ),
            last_modified=as_utc(r.updated_at), sequence=r.sequence, status=r.status, location=r.address,
            description=f"律师：王律师（北京市京朝律师事务所）\n服务站联系人：{r.contact}\n{r.notes}",
            url=f"http://127.0.0.1/visits/{r.id}", categories=("律师驻站",), remind_user_ids=(user.id,))
            for r in rows]

    module = types.ModuleType("bench_feed_source")
    module.user_events = user_events
    return module


def make_app():
    """The gunicorn entry point (``bench_feed:make_app()``): the real app, reading this file's event source."""
    from trainer import create_app
    from trainer.calendars import sources

    app = create_app()
    sources._override = [_source_module()]
    return app


# --- set-up ------------------------------------------------------------------------------------------------
def _env(db_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"TRAINER_DATABASE_URL": f"sqlite:///{db_path}", "TRAINER_SECRET_KEY": SECRET_KEY,
                "TRAINER_FEED_DAYS_BACK": "183", "TRAINER_FEED_DAYS_AHEAD": "183",
                "TRAINER_PUBLIC_URL": "http://127.0.0.1", "TRAINER_LOG_LEVEL": "ERROR"})
    return env


def _populate(app, events: int, lawyer_name: str) -> tuple[object, str]:
    """A lawyer with ``events`` visits spread over the year around today; returns (user, feed path)."""
    from trainer.auth.models import User
    from trainer.calendars import operations, sources
    from trainer.core.clock import LOCAL_TZ, now_utc, today_local
    from trainer.core.extensions import db
    from trainer.org.demo import ensure_districts

    districts = ensure_districts()
    user = User(username=lawyer_name, display_name="王律师", role="lawyer", district_id=districts["chaoyang"].id)
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
            lawyer_id=user.id, station=f"{station}工会服务站", address=f"北京市朝阳区{station}服务中心{number % 9 + 1}号，二层；东侧",
            contact=f"刘芳 139011{number:05d}", starts_at=start, ends_at=start + timedelta(hours=3),
            notes=("服务内容：法律咨询、劳动争议调解、普法宣传、集体协商指导。请携带劳动合同、工资条等材料，"
                   "如有群体性纠纷请提前联系服务站。") * 2,
            updated_at=now_utc() - timedelta(days=number % 30)))
    db.session.add_all(rows)
    subject = sources.Subject("user", user.id, user.display_name, user.district_id, user)
    token = operations.feed_token(user, subject)
    db.session.commit()
    path = operations.feed_urls(token)["https"].removeprefix("http://127.0.0.1")
    return user, path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                response.read()
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def _ensure_tools() -> tuple[str, str]:
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


def _wrk(wrk: str, url: str, duration: int, connections: int, headers: dict[str, str] | None = None) -> dict:
    command = [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run(command + [url], capture_output=True, text=True, check=True,
                            timeout=duration + 30)
    output = result.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def latency(percent: str) -> float:
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    return {"rps": rps, "p50_ms": latency("50"), "p99_ms": latency("99"),
            "bad_responses": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": errors.group(0) if errors else ""}


def _cold_build(tmp: Path) -> dict:
    """Build a 1,000-event feed with nothing cached: the whole path (query, events, writing), median of 7."""
    db_path = tmp / "cold.db"
    os.environ.update(_env(db_path))
    app = make_app()
    from trainer.calendars import ical, serving
    from trainer.core.clock import today_local
    from trainer.core.extensions import db

    with app.app_context():
        db.create_all()
        BenchBase.metadata.create_all(db.engine)
        user, path = _populate(app, 1000, "cold.lawyer")
        state = serving.find_feed(path.removeprefix("/feeds/").removesuffix(".ics"))
        totals, cpu, renders, size, count = [], [], [], 0, 0
        for _ in range(7):
            db.session.expire_all()
            started, started_cpu = time.perf_counter(), time.process_time()
            built = serving.build_feed(state, today_local())
            totals.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            size, count = len(built.body), built.event_count
        from trainer.calendars import sources

        subject = sources.load_subject("user", user.id)
        events = serving.feed_events("user", subject.obj, today_local())
        head = serving.calendar_head(subject)
        for _ in range(7):
            started = time.perf_counter()
            ical.render_calendar(head, events)
            renders.append((time.perf_counter() - started) * 1000)
        db.session.remove()
    return {"events": count, "bytes": size, "build_ms": round(statistics.median(totals), 1),
            "build_ms_best": round(min(totals), 1), "build_cpu_ms": round(statistics.median(cpu), 1),
            "render_ms": round(statistics.median(renders), 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers and nginx workers")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--json", action="store_true", help="print only the JSON result")
    args = parser.parse_args()

    wrk, nginx = _ensure_tools()
    tmp = Path(tempfile.mkdtemp(prefix="trainer-bench-feed-"))
    tmp.chmod(0o755)
    processes: list[subprocess.Popen] = []
    try:
        db_path = tmp / "feed.db"
        os.environ.update(_env(db_path))
        app = make_app()
        from trainer.core.extensions import db

        with app.app_context():
            db.create_all()
            BenchBase.metadata.create_all(db.engine)
            _user, path = _populate(app, EVENTS_PER_YEAR, "lawyer.wang")
            db.session.remove()
            db.engine.dispose()

        app_port, nginx_port = _free_port(), _free_port()
        gunicorn = [sys.executable, "-m", "gunicorn", "--pythonpath", f"{ROOT},{ROOT / 'bench'}",
                    "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads),
                    "-b", f"127.0.0.1:{app_port}", "--log-level", "warning", "--keep-alive", "30",
                    "bench_feed:make_app()"]
        processes.append(subprocess.Popen(gunicorn, cwd=ROOT, env=_env(db_path), stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, start_new_session=True))
        feed_url = f"http://127.0.0.1:{app_port}{path}"
        _wait_http(feed_url)
        with urllib.request.urlopen(feed_url) as response:
            body, etag = response.read(), response.headers["ETag"]
        www = tmp / "www"
        www.mkdir()
        (www / "feed.ics").write_bytes(body)
        for item in (www, www / "feed.ics"):
            item.chmod(0o755 if item.is_dir() else 0o644)
        conf = tmp / "nginx.conf"
        conf.write_text(NGINX_CONF.format(workers=args.workers, tmp=tmp, port=nginx_port, www=www))
        user_line = "user root;\n" if os.geteuid() == 0 else ""
        conf.write_text(user_line + conf.read_text())
        processes.append(subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE, start_new_session=True))
        static_url = f"http://127.0.0.1:{nginx_port}/feed.ics"
        _wait_http(static_url)

        # Warm both up, then measure one after the other (they share the machine's cores with wrk).
        _wrk(wrk, feed_url, 1, args.connections)
        full = _wrk(wrk, feed_url, args.duration, args.connections)
        not_modified = _wrk(wrk, feed_url, args.duration, args.connections, {"If-None-Match": etag})
        _wrk(wrk, static_url, 1, args.connections)
        static = _wrk(wrk, static_url, args.duration, args.connections)
        cold = _cold_build(tmp)
        result = {
            "feed_bytes": len(body), "feed_events": body.count(b"BEGIN:VEVENT"),
            "app_full": full, "app_304": not_modified, "nginx_static": static,
            "ratio_full": round(full["rps"] / static["rps"], 3),
            "ratio_304": round(not_modified["rps"] / static["rps"], 3),
            "cold_build_1000": cold,
            "targets": {"ratio_full_min": 0.15, "cold_build_ms_max": 50},
        }
        result["targets_met"] = bool(result["ratio_full"] >= 0.15 and cold["build_ms"] < 50
                                     and not full["bad_responses"] and not not_modified["bad_responses"])
        if args.json:
            print(json.dumps(result))
        else:
            print(f"Calendar feed benchmark ({result['feed_events']} events, {len(body) / 1024:.0f} KB; "
                  f"gunicorn {args.workers}x{args.threads} gthread vs nginx {args.workers} workers; wrk -c{args.connections} "
                  f"-d{args.duration}s on loopback)")
            print(f"{'':24}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'ratio':>9}")
            for label, row, ratio in (("app, full responses", full, result["ratio_full"]),
                                      ("app, 304 answers", not_modified, result["ratio_304"]),
                                      ("nginx, static file", static, 1.0)):
                print(f"{label:24}{row['rps']:>10.0f}{row['p50_ms']:>10.2f}{row['p99_ms']:>10.2f}{ratio:>9.3f}")
            print(f"cold build of a {cold['events']}-event feed ({cold['bytes'] / 1024:.0f} KB): "
                  f"{cold['build_ms']} ms median, {cold['build_ms_best']} ms best, {cold['build_cpu_ms']} ms CPU "
                  f"(of which writing the iCalendar text: {cold['render_ms']} ms); target < 50 ms")
            print(f"targets met: {result['targets_met']}")
            print("JSON " + json.dumps(result))
        return 0
    finally:
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
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
