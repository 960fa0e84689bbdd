"""Two real scheduler processes on one database: one runs, the other waits; killing the first hands over the
lease without running anything twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from trainer.core.extensions import db
from trainer.jobs.models import JobRun, SchedulerLock

ROOT = Path(__file__).resolve().parents[2]
JOB = "calendars.drop_expired_cancellations"


def _start(app) -> subprocess.Popen:
    env = dict(os.environ)
    env.update({
        "TRAINER_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "TRAINER_SECRET_KEY": "test-secret-key-not-for-production",
        "TRAINER_JOBS_ENABLED": f'["{JOB}"]',
        "TRAINER_JOBS_POLL_SECONDS": "0.3",
        "TRAINER_JOBS_HEARTBEAT_SECONDS": "1",
        "TRAINER_JOBS_LEASE_SECONDS": "3",
    })
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "trainer", "jobs", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(check, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        db.session.rollback()
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def _runs():
    return db.session.scalars(select(JobRun).where(JobRun.name == JOB)).all()


def _holder_pid() -> int | None:
    lock = db.session.get(SchedulerLock, "scheduler")
    return int(lock.holder.split(":")[2]) if lock else None


@pytest.mark.slow  # two real scheduler processes, several seconds
def test_two_scheduler_processes_run_a_missed_firing_once(app):
    db.session.commit()
    processes = [_start(app), _start(app)]
    try:
        _wait_for(lambda: [r for r in _runs() if r.outcome == "ok"], 30)
        time.sleep(1.5)  # give the second process every chance to run it again
        db.session.rollback()
        runs = _runs()
        assert len(runs) == 1 and runs[0].trigger == "catch-up"
        leader_pid = _holder_pid()
        assert leader_pid in {p.pid for p in processes}
        leader = next(p for p in processes if p.pid == leader_pid)
        follower = next(p for p in processes if p.pid != leader_pid)

        leader.send_signal(signal.SIGKILL)  # dies without releasing the lease
        leader.wait(timeout=10)
        _wait_for(lambda: _holder_pid() == follower.pid, 20)
        time.sleep(1.0)
        db.session.rollback()
        assert len(_runs()) == 1  # the new leader found the firing done

        follower.send_signal(signal.SIGTERM)
        assert follower.wait(timeout=20) == 0
        db.session.rollback()
        assert db.session.get(SchedulerLock, "scheduler") is None  # released on a clean stop
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
            if process.stderr is not None:
                process.stderr.close()
