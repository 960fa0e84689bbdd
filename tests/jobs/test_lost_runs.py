"""A run left "running" by a dead process does not block its job: it is closed as failed, with the reason, when
the scheduler lease changes hands, when its process on this host is gone, or after JOBS_RUN_TIMEOUT_MIN; then
run-now and the next firing work again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.jobs.slow_app import JOB
from trainer.core.clock import now_utc, today_local
from trainer.core.extensions import db
from trainer.jobs.models import JobRun, SchedulerLock
from trainer.jobs.registry import JobSpec

ROOT = Path(__file__).resolve().parents[2]


def _quick(today) -> str:
    return "done quickly"


def _runs() -> list[JobRun]:
    db.session.rollback()
    return db.session.scalars(select(JobRun).where(JobRun.name == JOB).order_by(JobRun.id)).all()


def _run_now(admin) -> str:
    response = admin.post(f"/jobs/{JOB}/run", follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _left_running(holder: str, *, minutes_ago: float = 1, trigger: str = "manual") -> JobRun:
    run = JobRun(name=JOB, trigger=trigger, run_for=today_local(), holder=holder, outcome="running",
                 started_at=now_utc() - timedelta(minutes=minutes_ago))
    db.session.add(run)
    db.session.commit()
    return run


def test_a_run_of_a_process_gone_from_this_host_is_closed_at_run_now(app, login_as, only_jobs):
    only_jobs(JobSpec(JOB, _quick))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    lost = _left_running(f"web:{socket.gethostname()}:{gone.pid}")
    admin = login_as("admin", None)
    page = _run_now(admin)
    assert "正在运行" not in page and "done quickly" in page
    closed = db.session.get(JobRun, lost.id)
    db.session.refresh(closed)
    assert closed.outcome == "error"
    assert closed.summary == f"运行该任务的进程（web:{socket.gethostname()}:{gone.pid}）在运行期间已停止。"
    assert [run.outcome for run in _runs()] == ["error", "ok"]


def test_a_run_of_another_host_blocks_run_now_until_the_timeout(app, login_as, only_jobs):
    only_jobs(JobSpec(JOB, _quick))
    admin = login_as("admin", None)
    _left_running("web:another-host:4242", minutes_ago=30)
    assert f"{JOB} 正在运行" in _run_now(admin)  # it may still be running there
    assert [run.outcome for run in _runs()] == ["running"]

    saved, app.config["JOBS_RUN_TIMEOUT_MIN"] = app.config["JOBS_RUN_TIMEOUT_MIN"], 20
    try:
        page = _run_now(admin)
    finally:
        app.config["JOBS_RUN_TIMEOUT_MIN"] = saved
    assert "done quickly" in page
    runs = _runs()
    assert [run.outcome for run in runs] == ["error", "ok"]
    assert runs[0].summary == "未在 20 分钟内完成：运行该任务的进程（web:another-host:4242）已停止或无响应。"


def _start(app, gate: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env.update({
        "TRAINER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TRAINER_SECRET_KEY": "test-secret-key-not-for-production",
        "TRAINER_TEST_GATE": str(gate),
        "TRAINER_JOBS_POLL_SECONDS": "0.3",
        "TRAINER_JOBS_HEARTBEAT_SECONDS": "1",
        "TRAINER_JOBS_LEASE_SECONDS": "3",
    })
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "tests.jobs.slow_app:create_app()", "jobs",
                             "run"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@pytest.mark.slow  # real scheduler processes, one of them killed
def test_a_run_killed_with_its_scheduler_is_closed_and_runs_again(app, login_as, only_jobs, tmp_path):
    gate = tmp_path / "gate"
    gate.touch()
    db.session.commit()
    first = _start(app, gate)
    second = None
    try:
        running = _wait_for(lambda: [r for r in _runs() if r.outcome == "running"], 60)[0]
        assert running.holder.endswith(f":{first.pid}:" + running.holder.rsplit(":", 1)[1])
        firing = running.run_key
        first.send_signal(signal.SIGKILL)  # dies mid-run: no outcome recorded, the lease not released
        first.wait(timeout=10)
        assert [r.outcome for r in _runs()] == ["running"]

        gate.unlink()
        second = _start(app, gate)
        # The second scheduler takes the lease over, closes the run as failed and runs the firing again.
        _wait_for(lambda: any(r.outcome == "ok" and r.run_key == firing for r in _runs()), 60)
        runs = _runs()
        killed = next(r for r in runs if r.id == running.id)
        assert killed.outcome == "error" and killed.run_key is None and killed.finished_at is not None
        assert killed.summary == f"运行期间调度程序已停止（进程 {running.holder}）；这次定时任务将重新运行。"
        again = next(r for r in runs if r.run_key == firing)
        assert again.trigger == "catch-up" and again.summary == "went through the gate"
        assert str(second.pid) in db.session.get(SchedulerLock, "scheduler").holder

        # Run-now works again (the web app's own copy of the job).
        only_jobs(JobSpec(JOB, _quick))
        page = _run_now(login_as("admin", None))
        assert "正在运行" not in page and "done quickly" in page
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)
