"""Running one job: claim the run, call the function, record outcome and duration. Never raises.

A run whose process died (``kill -9``, a crash, a lost host) stays "running" in the table until someone
closes it: ``close_lost_runs`` closes it as failed, with the reason, when
- it was run by a scheduler that no longer holds the lease with a fresh heartbeat (the lease changed hands,
  or lapsed), or
- it was run on this host by a process that no longer exists (run-now from a web worker or the command line), or
- it has been running longer than ``JOBS_RUN_TIMEOUT_MIN`` minutes.
It gives up its firing's run key, so that firing runs again; run-now and the next firings work again at once.
The scheduler closes lost runs when it takes the lease and at every heartbeat; run-now does before it starts.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import date, timedelta
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from trainer.core.clock import as_utc, now_utc
from trainer.core.extensions import db
from trainer.jobs import lock
from trainer.jobs.models import JobRun

if TYPE_CHECKING:  # the registry lists jobs that may raise Skip from here, so it imports this module
    from trainer.jobs.registry import JobSpec

log = logging.getLogger(__name__)

SCHEDULED_TRIGGERS = ("schedule", "catch-up")


class Skip(Exception):
    """A job raises this to say there was nothing it could do now (recorded as "skipped", not as an error)."""


def process_id(prefix: str = "") -> str:
    return f"{prefix}{socket.gethostname()}:{os.getpid()}"


def running_run(name: str) -> JobRun | None:
    """A run of this job that is going on now; runs left by a dead process are closed first."""
    close_lost_runs(name)
    return db.session.scalar(select(JobRun).where(JobRun.name == name, JobRun.outcome == "running")
                             .order_by(JobRun.started_at.desc()).limit(1))


def run_job(spec: JobSpec, today: date, *, trigger: str = "manual", run_key: str | None = None,
            holder: str | None = None, user_id: int | None = None) -> JobRun | None:
    """Run a job once and record it. Returns the JobRun, or None when this firing was already claimed."""
    db.session.rollback()  # start from a clean transaction: the job commits its own work
    run = JobRun(name=spec.name, run_key=run_key, trigger=trigger, run_for=today, holder=holder or process_id(),
                 user_id=user_id, outcome="running", started_at=now_utc())
    db.session.add(run)
    try:
        db.session.commit()  # the claim: a second scheduler firing the same moment fails here
    except IntegrityError:
        db.session.rollback()
        log.info("job %s (%s) already claimed by another run", spec.name, run_key)
        return None
    run_id = run.id
    started = time.perf_counter()
    try:
        summary = spec.func(today)
        outcome = "ok"
    except Skip as reason:
        db.session.rollback()
        summary, outcome = str(reason), "skipped"
    except Exception as error:  # noqa: BLE001 - a failing job must not stop the scheduler
        db.session.rollback()
        log.exception("job %s failed", spec.name)
        summary, outcome = f"{type(error).__name__}: {error}", "error"
    duration_ms = int((time.perf_counter() - started) * 1000)
    try:
        db.session.rollback()  # anything the job left uncommitted is not its result
        db.session.execute(update(JobRun).where(JobRun.id == run_id).values(
            outcome=outcome, summary=str(summary or "")[:2000], finished_at=now_utc(), duration_ms=duration_ms))
        db.session.commit()
    except Exception:  # noqa: BLE001
        db.session.rollback()
        log.exception("could not record the end of job %s", spec.name)
    log.info("job %s: %s in %d ms: %s", spec.name, outcome, duration_ms, summary)
    return db.session.get(JobRun, run_id)


def close_lost_runs(name: str | None = None) -> int:
    """Close the runs (of one job, or all) whose process is gone as failed, with the reason; see the module's
    text. Returns how many were closed."""
    db.session.rollback()  # decide on what is committed now
    stmt = select(JobRun).where(JobRun.outcome == "running")
    if name is not None:
        stmt = stmt.where(JobRun.name == name)
    running = db.session.scalars(stmt).all()
    if not running:
        return 0
    now = now_utc()
    config = current_app.config
    timeout = timedelta(minutes=float(config["JOBS_RUN_TIMEOUT_MIN"]))
    lease = lock.current()
    lease_fresh = lease is not None and (
        now - as_utc(lease.heartbeat_at) <= timedelta(seconds=int(config.get("JOBS_LEASE_SECONDS", 90))))
    closed = 0
    for run in running:
        reason = _lost_reason(run, now, timeout, lease.holder if lease_fresh else None)
        if reason is None:
            continue
        started = as_utc(run.started_at)
        # Conditional: a run that finished meanwhile keeps its own outcome.
        result = db.session.execute(
            update(JobRun).where(JobRun.id == run.id, JobRun.outcome == "running")
            .values(outcome="error", summary=reason[:2000], run_key=None, finished_at=now,
                    duration_ms=int((now - started).total_seconds() * 1000))
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            log.warning("job %s (run %s, %s) closed as failed: %s", run.name, run.id, run.holder, reason)
            closed += 1
    db.session.commit()
    return closed


def _lost_reason(run: JobRun, now, timeout: timedelta, lease_holder: str | None) -> str | None:
    """Why ``run`` is lost, or None while its process may still be running it."""
    if run.trigger in SCHEDULED_TRIGGERS and run.holder != lease_holder:
        return _("The scheduler stopped while it ran (process %(holder)s); the firing runs again.",
                 holder=run.holder)
    if run.trigger not in SCHEDULED_TRIGGERS and not _process_alive(run.holder):
        return _("The process that ran it (%(holder)s) stopped while it ran.", holder=run.holder)
    if now - as_utc(run.started_at) > timeout:
        minutes = int(timeout.total_seconds() // 60)
        return _("It did not finish within %(n)s minutes: the process that ran it (%(holder)s) stopped or hung.",
                 n=minutes, holder=run.holder)
    return None


def _process_alive(holder: str) -> bool:
    """Whether the process named ``kind:host:pid`` may still run: False only when it ran on this host and no
    process has its id any more (another host's processes cannot be seen from here)."""
    parts = holder.split(":")
    if len(parts) < 3 or parts[1] != socket.gethostname() or not parts[2].isdigit():
        return True
    try:
        os.kill(int(parts[2]), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists (another user's process)
    return True
