"""What the jobs page and ``flask jobs list|runs`` read: each job with its next and last run, and the runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from trainer.core.extensions import db
from trainer.jobs.models import OUTCOMES, JobRun
from trainer.jobs.registry import all_jobs, next_fire_time, scheduled_jobs


def job_rows(now: datetime) -> list[dict]:
    """Each job with its next run and its last run (two queries for all jobs)."""
    jobs = all_jobs()
    enabled = scheduled_jobs()
    latest = (select(JobRun.name, func.max(JobRun.id).label("last_id")).group_by(JobRun.name).subquery())
    last_runs = {run.name: run for run in db.session.scalars(
        select(JobRun).join(latest, JobRun.id == latest.c.last_id))}
    rows = []
    for name, spec in sorted(jobs.items()):
        rows.append({"spec": spec, "enabled": name in enabled,
                     "next_run": next_fire_time(spec, now) if name in enabled else None,
                     "last": last_runs.get(name)})
    return rows


def runs(name: str | None = None, outcome: str | None = None):
    """The runs, newest first, of one job and/or one outcome (a select to paginate)."""
    stmt = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc())
    if name:
        stmt = stmt.where(JobRun.name == name)
    if outcome in OUTCOMES:
        stmt = stmt.where(JobRun.outcome == outcome)
    return stmt


def last_runs(limit: int) -> list[JobRun]:
    """The last ``limit`` runs of any job, newest first."""
    return list(db.session.scalars(select(JobRun).order_by(JobRun.started_at.desc()).limit(limit)))
