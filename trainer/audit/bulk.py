"""One change to many rows in a few statements, with what a flush of ORM rows would have done alongside.

Changing thousands of rows one ORM object at a time costs a statement, an audit entry built through the
object's relationships and a pass of every flush hook per row: confirming a city district's year of provisional
visits took seconds. ``update_rows`` sets the same values with UPDATE statements over chunks of ids and keeps
every guarantee the flush keeps:

- ``version`` is raised (``Versioned``): an edit form opened before the change is refused as stale, as after
  any change of the row;
- ``updated_at`` is now (``FeedSource``): the feeds rebuild those events, and the districts' feed stamps rise
  (trainer.calendars.stamps) in the same transaction;
- one ``AuditEntry`` a row (``Audited``), from and to the values, written with one multi-row INSERT;
- the rows of the model held by the session are expired, so they read the new values.

It does not tell people of the change (trainer.notices): use it only for values no agenda shows as a change
(e.g. the provisional mark), never for a day, a time, a person or a status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, update

from trainer.audit.models import Audited, AuditEntry, current_actor, plain_value
from trainer.calendars.stamps import FeedSource, district_scope_key, raise_stamps
from trainer.core.clock import now_utc
from trainer.core.concurrency import Versioned
from trainer.core.extensions import db
from trainer.notices.changes import WATCHED

CHUNK = 500  # ids per statement: well under the bound-parameter limits of SQLite and PostgreSQL


@dataclass(frozen=True)
class BulkRow:
    """One row to change: its id, its district (audit and feeds) and its label in the audit log."""

    id: int
    district_id: int | None
    label: str


def update_rows(model: type, rows: Sequence[BulkRow], before: dict[str, Any], after: dict[str, Any]) -> int:
    """Set ``after`` on ``rows`` of ``model`` (which hold ``before`` now); returns how many were changed.
    Flushes the session first; the caller commits."""
    watched = set(WATCHED.get(model, ())) & set(after)
    if watched:
        raise ValueError(f"{model.__name__}: {sorted(watched)} are agenda changes people are told of; "
                         "change them through the rows")
    if not rows:
        return 0
    session = db.session
    session.flush()
    now = now_utc()
    values: dict[Any, Any] = dict(after)
    if issubclass(model, Versioned):
        values["version"] = model.version + 1
    if issubclass(model, FeedSource):
        values["updated_at"] = now
    ids = [row.id for row in rows]
    for start in range(0, len(ids), CHUNK):
        session.execute(update(model).where(model.id.in_(ids[start:start + CHUNK])).values(values)
                        .execution_options(synchronize_session=False))
    if issubclass(model, FeedSource):
        raise_stamps(session, {district_scope_key(row.district_id) for row in rows}, now)
    if issubclass(model, Audited):
        user_id, actor = current_actor()
        plain_before, plain_after = plain_value(before), plain_value(after)
        session.execute(insert(AuditEntry), [
            {"at": now, "user_id": user_id, "actor": actor, "action": "update", "entity_type": model.__name__,
             "entity_id": str(row.id), "entity_label": row.label[:200], "district_id": row.district_id,
             "before": plain_before, "after": plain_after, "note": None} for row in rows])
    changed = set(ids)
    stale = [*after, "version", "updated_at"]
    for obj in list(session.identity_map.values()):
        if isinstance(obj, model) and obj.id in changed:
            session.expire(obj, [name for name in stale if hasattr(model, name)])
    return len(rows)
