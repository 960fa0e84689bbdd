"""Job runs, the scheduler's lease, and sent reminders."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from trainer.core.clock import now_utc
from trainer.core.extensions import db

OUTCOMES = ("running", "ok", "error", "skipped", "interrupted")


class JobRun(db.Model):
    """One run of one job (定时任务运行记录): when, how long, with what outcome."""

    __tablename__ = "job_runs"
    __table_args__ = (
        CheckConstraint(f"outcome IN {OUTCOMES!r}", name="outcome_known"),
        CheckConstraint("trigger IN ('schedule', 'catch-up', 'manual', 'cli')", name="trigger_known"),
        Index("ix_job_runs_name_started", "name", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    # "name@2027-03-20T02:00+08:00" for a scheduled firing: two schedulers cannot both claim one firing.
    # Manual runs have none.
    run_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    trigger: Mapped[str] = mapped_column(String(10), default="schedule")
    run_for: Mapped[date] = mapped_column(Date)  # the "today" the job ran for
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(12), default="running")
    summary: Mapped[str] = mapped_column(Text, default="")
    duration_ms: Mapped[int | None] = mapped_column()
    holder: Mapped[str] = mapped_column(String(120), default="")  # which process ran it
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who pressed "run now"


class SchedulerLock(db.Model):
    """The lease that makes one scheduler process the only one running jobs (调度锁).

    The holder renews ``heartbeat_at`` every ``HEARTBEAT_SECONDS``; another process takes the lease over only
    when the heartbeat is older than ``LEASE_SECONDS`` (the holder died).
    """

    __tablename__ = "scheduler_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class ReminderSent(db.Model):
    """A day-before reminder e-mail about one event to one user: at most one, whatever reruns."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("user_id", "event_uid", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    event_uid: Mapped[str] = mapped_column(String(200))
    day: Mapped[date] = mapped_column(Date)  # the day of the event
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
