"""Rate-limit counters shared by every web worker through the app's own database: a ``limits`` storage backend.

Flask-Limiter keeps its counters where ``RATELIMIT_STORAGE_URI`` says. ``memory://`` is per process, so with
several web workers (WEB_WORKERS=4) each one would allow the full login limit. By default Trainer uses
``database://``: the counters live in the table ``rate_limits`` of the app's database (SQLite or PostgreSQL),
shared by every worker and every host on that database. A deployment with Redis or memcached may name it
instead (``TRAINER_RATELIMIT_STORAGE_URI=redis://localhost:6379``). See docs/operations.md.

Fixed windows (Flask-Limiter's default strategy): a counter per key with the moment its window ends. An
increment is one conditional UPDATE (atomic in the database: concurrent workers cannot lose an attempt), or
the INSERT of a new key; each runs in its own short transaction, apart from the request's session.
"""

from __future__ import annotations

import time

from limits.storage import Storage
from sqlalchemy import Float, Integer, String, case, delete, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from trainer.core.extensions import db

SCHEME = "database"


class RateLimitCounter(db.Model):
    """One rate-limit counter (登录限流计数): how many hits in the window that ends at ``expires_at``."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # seconds since the epoch


class DatabaseStorage(Storage):
    """``database://``: the counters in the app's database (the current app's engine)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        table = RateLimitCounter.__table__
        now = time.time()
        expired = table.c.expires_at <= now
        bump = (update(table).where(table.c.key == key)
                .values(count=case((expired, amount), else_=table.c.count + amount),
                        expires_at=case((expired, now + expiry), else_=table.c.expires_at)))
        for _attempt in range(3):
            with db.engine.begin() as conn:
                if conn.execute(bump).rowcount == 1:
                    return int(conn.scalar(select(table.c.count).where(table.c.key == key)))
            try:
                with db.engine.begin() as conn:
                    conn.execute(delete(table).where(table.c.expires_at <= now))  # forget finished windows
                    conn.execute(insert(table).values(key=key, count=amount, expires_at=now + expiry))
                return amount
            except IntegrityError:
                continue  # another worker created the key meanwhile: count on it
        raise RuntimeError(f"rate limit counter {key!r} could not be updated")

    def get(self, key: str) -> int:
        table = RateLimitCounter.__table__
        with db.engine.connect() as conn:
            count = conn.scalar(select(table.c.count).where(table.c.key == key, table.c.expires_at > time.time()))
        return int(count or 0)

    def get_expiry(self, key: str) -> float:
        table = RateLimitCounter.__table__
        with db.engine.connect() as conn:
            expires = conn.scalar(select(table.c.expires_at).where(table.c.key == key))
        return float(expires) if expires is not None else time.time()

    def check(self) -> bool:
        try:
            with db.engine.connect() as conn:
                conn.scalar(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return conn.execute(delete(RateLimitCounter.__table__)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(delete(RateLimitCounter.__table__).where(RateLimitCounter.__table__.c.key == key))
