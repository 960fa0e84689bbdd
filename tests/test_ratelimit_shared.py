"""The login rate limit holds across web workers: two real app processes on one database share the counters
(the default ``database://`` storage), so the 6th wrong password through the second after 5 through the first
is refused. With ``memory://`` each process counts alone (which is why it is not the default)."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from trainer.core.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(app, port: int, storage: str) -> subprocess.Popen:
    env = dict(os.environ)
    env.update({"TRAINER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "TRAINER_SECRET_KEY": "test-secret-key-not-for-production",
                "TRAINER_RATELIMIT_LOGIN": "5 per minute", "TRAINER_RATELIMIT_STORAGE_URI": storage})
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "trainer", "run", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Browser:
    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(url, data=body, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def wrong_password(self, base: str, username: str) -> tuple[int, str]:
        _status, page = self.open(f"{base}/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self.open(f"{base}/login", {"username": username, "password": "not-the-password",
                                           "csrf_token": token})


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, "the app process stopped"
        try:
            urllib.request.urlopen(f"{base}/login", timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{base} did not start")


@pytest.mark.slow  # two real app processes
@pytest.mark.parametrize(("storage", "sixth"), [("database://", 429), ("memory://", 200)])
def test_the_login_limit_is_shared_by_two_app_processes(app, make_user, storage, sixth):
    user = make_user("coordinator", "chaoyang")
    db.session.commit()
    ports = [_free_port(), _free_port()]
    processes = [_start(app, port, storage) for port in ports]
    try:
        first, second = (f"http://127.0.0.1:{port}" for port in ports)
        _wait_until_up(first, processes[0])
        _wait_until_up(second, processes[1])
        browser = Browser()
        through_first = [browser.wrong_password(first, user.username)[0] for _ in range(5)]
        assert through_first == [200] * 5
        status, page = browser.wrong_password(second, user.username)
        assert status == sixth
        if sixth == 429:
            assert "尝试次数过多，请稍候再试。" in page
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
