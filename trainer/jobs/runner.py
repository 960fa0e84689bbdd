"""Running one job: claim the run, call the function, record outcome and duration. Never raises."""

from __future__ import annotations

import logging
import os
import socket
import time
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from trainer.core.clock import as_utc, now_utc
from trainer.core.extensions import db
from trainer.jobs.models import JobRun

if TYPE_CHECKING:  # the registry lists jobs that may raise Skip from here, so it imports this module
    from trainer.jobs.registry import JobSpec

log = logging.getLogger(__name__)

# A run still "running" after this long was lost (its process died); run-now may start another.
STALE_RUN = timedelta(hours=2)


class Skip(Exception):
    """A job raises this to say there was nothing it could do now (recorded as "skipped", not as an error)."""


def process_id(prefix: str = "") -> str:
    return f"{prefix}{socket.gethostname()}:{os.getpid()}"


def running_run(name: str) -> JobRun | None:
    """A run of this job that is going on now (started recently and not finished)."""
    return db.session.scalar(select(JobRun).where(JobRun.name == name, JobRun.outcome == "running",
                                                  JobRun.started_at > now_utc() - STALE_RUN)
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


def mark_interrupted(holder: str) -> int:
    """Runs left "running" by a scheduler that died are marked interrupted and give up their run key, so that
    catch-up runs that firing again (the jobs are idempotent)."""
    rows = db.session.scalars(select(JobRun).where(JobRun.outcome == "running")).all()
    count = 0
    for run in rows:
        lost_scheduled = run.trigger in ("schedule", "catch-up") and run.holder != holder
        lost_manual = as_utc(run.started_at) < now_utc() - STALE_RUN
        if lost_scheduled or lost_manual:
            run.outcome = "interrupted"
            run.summary = f"interrupted (process {run.holder} stopped); was {run.run_key or 'a manual run'}"
            run.run_key = None
            run.finished_at = now_utc()
            count += 1
    db.session.commit()
    return count
