"""The scheduler's lease: a row in ``scheduler_locks`` that one process holds and renews.

A conditional UPDATE takes the lease only when it is free, ours, or stale, so two processes cannot both hold it
(on PostgreSQL the second UPDATE waits for the first and re-checks the condition). A second scheduler started by
mistake waits and runs nothing while the first one's heartbeat is fresh.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from trainer.core.clock import now_utc
from trainer.core.extensions import db
from trainer.jobs.models import SchedulerLock

LOCK_NAME = "scheduler"


def try_acquire(holder: str, lease_seconds: int) -> bool:
    """Take or renew the lease. True when ``holder`` holds it afterwards."""
    now = now_utc()
    stale = now - timedelta(seconds=lease_seconds)
    try:
        result = db.session.execute(
            update(SchedulerLock)
            .where(SchedulerLock.name == LOCK_NAME,
                   or_(SchedulerLock.holder == holder, SchedulerLock.heartbeat_at < stale))
            .values(holder=holder, heartbeat_at=now,
                    acquired_at=case((SchedulerLock.holder == holder, SchedulerLock.acquired_at), else_=now))
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            db.session.commit()
            return True
        exists = db.session.scalar(select(SchedulerLock.name).where(SchedulerLock.name == LOCK_NAME))
        if exists is not None:
            db.session.commit()
            return False
        db.session.add(SchedulerLock(name=LOCK_NAME, holder=holder, acquired_at=now, heartbeat_at=now))
        db.session.commit()
        return True
    except IntegrityError:  # another process inserted the row at the same moment
        db.session.rollback()
        return False


def holds(holder: str) -> bool:
    db.session.rollback()  # read the committed state, not this session's snapshot
    lock = db.session.get(SchedulerLock, LOCK_NAME)
    return lock is not None and lock.holder == holder


def heartbeat(holder: str) -> bool:
    """Renew our lease; False when another process has taken it over (then stop running jobs)."""
    result = db.session.execute(update(SchedulerLock)
                                .where(SchedulerLock.name == LOCK_NAME, SchedulerLock.holder == holder)
                                .values(heartbeat_at=now_utc()).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def release(holder: str) -> None:
    db.session.execute(delete(SchedulerLock).where(SchedulerLock.name == LOCK_NAME, SchedulerLock.holder == holder))
    db.session.commit()


def current() -> SchedulerLock | None:
    return db.session.get(SchedulerLock, LOCK_NAME)
