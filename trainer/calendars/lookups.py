"""The two things a feed request reads — its link and the feed stamps — kept in this process's memory.

Calendar apps poll every feed about every hour; most polls are answered 304. So that a 304 touches no database:

- the feed stamps (``feed_stamps``, a few rows) are read whole at most once a second (``FEED_STAMPS_MAX_AGE_S``),
  and at once after this process commits a change that moved them (``stamps.on_stamps_committed``);
- the links (token + user, ``FeedState``) are kept by secret and all dropped whenever the stamp of the links
  (``stamps.LINKS_SCOPE``, raised by any change of a link or of a user's active/role/district/locale) moves.

Another process's change (a second web worker, the scheduler) is seen within that second: a reset or revoked
link may answer for up to a second more in the other workers. Unknown secrets are never kept.

The reads themselves use driver-level SQL on one connection per serving thread outside the pool (a pool
checkout with its pre-ping and a Session would cost more than the reads).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from trainer.calendars.operations import may_subscribe, secret_hash
from trainer.calendars.stamps import LINKS_SCOPE, on_stamps_committed
from trainer.core.clock import as_utc
from trainer.core.extensions import db

MAX_LINKS = 20_000  # links kept per process; beyond, they are all dropped and read again


@dataclass(frozen=True)
class FeedState:
    """What answering one request needs to know about its link, read in one query."""

    token_id: int
    token_hash: str
    user_id: int
    kind: str
    subject_id: int
    subject_district_id: int | None
    alarm_minutes: int | None
    settings_version: int
    changed_at: datetime
    role: str
    district_id: int | None
    locale: str | None


_TOKEN_SQL = (
    "SELECT t.id, t.token_hash, t.user_id, t.kind, t.subject_id, t.subject_district_id, t.alarm_minutes, "
    "t.settings_version, t.changed_at, u.role, u.district_id, u.locale, u.active "
    "FROM feed_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL")
_STAMPS_SQL = "SELECT scope, version, changed_at FROM feed_stamps"


class _Reader(threading.local):
    """One driver connection per serving thread; read-only; any error drops it; it closes with its thread."""

    connection = None
    engine = None


_reader = _Reader()


def run(sql: str, params: tuple = ()) -> list[tuple]:
    engine = db.engine
    if _reader.connection is None or _reader.engine is not engine:
        cargs, cparams = engine.dialect.create_connect_args(engine.url)
        _reader.connection, _reader.engine = engine.dialect.connect(*cargs, **cparams), engine
    connection = _reader.connection
    if engine.dialect.paramstyle in ("format", "pyformat"):
        sql = sql.replace("?", "%s")
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        finally:
            cursor.close()
        if engine.dialect.name != "sqlite":
            connection.rollback()  # end the read transaction: no idle-in-transaction connection
    except Exception:
        _reader.connection = None
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - it is being dropped anyway
            pass
        raise
    return rows


def reset_reader() -> None:
    """Give this thread's connection back (tests and forks)."""
    if _reader.connection is not None:
        try:
            _reader.connection.close()
        finally:
            _reader.connection = None


def moment(value) -> datetime | None:
    """A stored moment as aware UTC (SQLite hands back text through the driver)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return as_utc(value)


@dataclass(frozen=True)
class _UserProbe:
    id: int
    role: str
    district_id: int | None
    active: bool


class _Cache:
    def __init__(self):
        self.lock = threading.Lock()
        self.engine = None
        self.loaded_at = -1e9
        self.stale = True
        self.stamps: dict[str, tuple[int, datetime | None]] = {}
        self.links: dict[str, FeedState] = {}
        self.generation = 0  # raised each time the links are dropped

    def reset(self) -> None:
        with self.lock:
            self.engine, self.stale, self.stamps = None, True, {}
            self.links = {}
            self.generation += 1

    def mark_stale(self) -> None:
        self.stale = True

    def current(self) -> dict[str, tuple[int, datetime | None]]:
        """The stamps, read again when older than the allowed age, after a change here, or on another database."""
        engine = db.engine
        max_age = float(current_app.config.get("FEED_STAMPS_MAX_AGE_S", 1.0))
        if not self.stale and engine is self.engine and time.monotonic() - self.loaded_at < max_age:
            return self.stamps
        with self.lock:
            if not self.stale and engine is self.engine and time.monotonic() - self.loaded_at < max_age:
                return self.stamps
            self.stale = False  # before reading: a change committed during the read marks it stale again
            loaded_at = time.monotonic()
            rows = {scope: (int(version), moment(changed)) for scope, version, changed in run(_STAMPS_SQL)}
            if engine is not self.engine or rows.get(LINKS_SCOPE) != self.stamps.get(LINKS_SCOPE):
                self.links = {}
                self.generation += 1
            self.engine, self.stamps, self.loaded_at = engine, rows, loaded_at
            return rows


cache = _Cache()
on_stamps_committed(cache.mark_stale)


def reset() -> None:
    """Forget everything kept (tests; a database emptied behind the app's back)."""
    cache.reset()


def _read_link(secret: str) -> FeedState | None:
    rows = run(_TOKEN_SQL, (secret_hash(secret),))
    if not rows:
        return None
    (token_id, token_hash, user_id, kind, subject_id, subject_district_id, alarm_minutes, settings_version,
     changed_at, role, district_id, locale, active) = rows[0]
    if not active:
        return None
    # may_subscribe wants a user; a light stand-in avoids loading the ORM object.
    if not may_subscribe(_UserProbe(user_id, role, district_id, bool(active)), kind, subject_id,
                         subject_district_id):
        return None
    return FeedState(token_id, token_hash, user_id, kind, subject_id, subject_district_id, alarm_minutes,
                     settings_version, moment(changed_at), role, district_id, locale)


def find_feed(secret: str) -> FeedState | None:
    """The feed behind a link, or None when the link must answer 404. No database read when it is kept."""
    if not secret or len(secret) > 100:
        return None
    cache.current()  # drops the kept links if they changed
    state = cache.links.get(secret)
    if state is not None:
        return state
    generation = cache.generation
    state = _read_link(secret)
    if state is not None:
        with cache.lock:
            if generation == cache.generation:  # no change of links since the read began
                if len(cache.links) >= MAX_LINKS:
                    cache.links = {}
                cache.links[secret] = state
    return state


def stamp_version(scopes: list[str] | None) -> tuple[str, datetime | None]:
    """The version of the stamps a feed depends on and their latest change; ``None`` = every district's."""
    rows = cache.current()
    if scopes is None:
        total = count = 0
        changed_at = None
        for scope, (version, changed) in rows.items():
            if scope == LINKS_SCOPE:
                continue
            total, count = total + version, count + 1
            if changed is not None and (changed_at is None or changed > changed_at):
                changed_at = changed
        return f"all:{total}:{count}", changed_at
    found = [rows.get(scope, (0, None)) for scope in scopes]
    changed_at = max((changed for _, changed in found if changed is not None), default=None)
    return "-".join(str(version) for version, _ in found), changed_at
