"""`make run` / `flask serve`: the web server (granian by default, gunicorn when WEB_SERVER says so) and the
scheduler, started and stopped together, on the port asked for; and the subscribe page served there links to that
very host and port, labelled by the scheme it uses.

Real processes on a throwaway SQLite database migrated with Alembic; marked slow (it starts the app once under each server).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_processes(session_id: int) -> list[int]:
    """Processes still running in a session (Linux /proc; zombies count as gone)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[3]) == session_id:
            found.append(int(entry.name))
    return found


def _flask(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "trainer", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=True)


@pytest.fixture
def instance(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRAINER_")}
    env.update({"TRAINER_DATABASE_URL": f"sqlite:///{tmp_path / 'trainer.db'}",
                "TRAINER_SECRET_KEY": "launcher-test-secret", "TRAINER_WEB_WORKERS": "2",
                "TRAINER_WEB_THREADS": "2", "TRAINER_LOG_LEVEL": "WARNING"})
    _flask(env, "db", "upgrade")
    _flask(env, "users", "create", "coord.launch", "--name", "刘洋", "--role", "coordinator", "--district",
           "chaoyang", "--password", "launcher-pass-123")
    return env, tmp_path / "trainer.db"


def _wait(url: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def _scheduler_heartbeat(db_path: Path) -> str | None:
    try:
        with sqlite3.connect(db_path, timeout=5) as conn:
            row = conn.execute("SELECT heartbeat_at FROM scheduler_locks WHERE name = 'scheduler'").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


@pytest.mark.parametrize("server", ["granian", "gunicorn"])
def test_serve_runs_the_web_server_and_the_scheduler_on_the_port_and_stops_both(instance, server):
    env, db_path = instance
    if server != "granian":  # granian is the default: nothing to set
        env = {**env, "TRAINER_WEB_SERVER": server}
    port = _free_port()
    launcher = subprocess.Popen([sys.executable, "-m", "flask", "--app", "trainer", "serve", "--port", str(port)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        response = _wait(f"{base}/login")
        assert response.status == 200
        assert response.headers["Server"].startswith(server)  # not Werkzeug's development server
        deadline = time.monotonic() + 60
        while _scheduler_heartbeat(db_path) is None:  # the scheduler beside it took its lease
            assert time.monotonic() < deadline, "the scheduler never started"
            time.sleep(0.5)

        # Log in as a coordinator would, and open the subscribe page on this port.
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = opener.open(f"{base}/login").read().decode()
        csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode({"csrf_token": csrf, "username": "coord.launch",
                                       "password": "launcher-pass-123"}).encode()
        opener.open(f"{base}/login", data=data).read()
        page = opener.open(f"{base}/calendars/subscribe").read().decode()
        web = re.search(rf'value="(http://127\.0\.0\.1:{port}/feeds/[^"]+\.ics)"', page)
        assert web, "the web link does not point to the port the page was served on"
        assert f'href="webcal://127.0.0.1:{port}/feeds/' in page
        assert "链接（http）" in page and "（https）" not in page  # labelled by the scheme it really uses
        assert "127.0.0.1:5000" not in page
        feed = urllib.request.urlopen(web.group(1))
        assert feed.status == 200 and feed.headers["Content-Type"].startswith("text/calendar")
        assert feed.read().startswith(b"BEGIN:VCALENDAR\r\n")
    finally:
        launcher.send_signal(signal.SIGINT)  # Ctrl-C
        output, _ = launcher.communicate(timeout=30)
    assert launcher.returncode == 0, output
    assert f"Trainer: http://127.0.0.1:{port}   ({server}, 2 workers x 2 threads" in output
    assert _session_processes(launcher.pid) == []  # neither the server (its main process, workers) nor the scheduler
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_make_run_passes_the_port():
    plan = subprocess.run(["make", "-n", "run", "PORT=8080"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True).stdout
    assert "serve --host 127.0.0.1 --port 8080" in plan
    plan = subprocess.run(["make", "-n", "run"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True).stdout
    assert "serve --host 127.0.0.1 --port 5000" in plan


def test_the_web_server_is_granian_unless_told_and_an_unknown_one_is_refused_by_name(instance, monkeypatch):
    from trainer.launch.launcher import web_server

    assert web_server({}) == "granian" and web_server({"WEB_SERVER": " Gunicorn "}) == "gunicorn"
    monkeypatch.setenv("TRAINER_WEB_SERVER", "gunicorn")
    assert web_server() == "gunicorn"  # the benchmarks read the environment as the app's config would
    env, _db_path = instance
    refused = subprocess.run([sys.executable, "-m", "flask", "--app", "trainer", "serve", "--port", str(_free_port())],
                             cwd=ROOT, env={**env, "TRAINER_WEB_SERVER": "uwsgi"}, capture_output=True, text=True,
                             timeout=60)
    assert refused.returncode != 0
    assert "WEB_SERVER must be one of granian, gunicorn, not 'uwsgi'" in refused.stderr
