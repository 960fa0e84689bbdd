"""Audit entries are written automatically for every model that inherits ``Audited``."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import JSON, DateTime, ForeignKey, String, event, insert, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from trainer.core.clock import now_utc
from trainer.core.extensions import db


class Audited:
    """Mixin for programme data: creating, changing or deleting a row writes an AuditEntry in the same transaction
    (a change or a deletion in its flush; a new row's, with its id, right after the flush that wrote it).

    ``audit_district_id`` tells which district's coordinators may read the entry; override it when the
    model has no ``district_id`` column of its own.
    """

    __audit_exclude__: frozenset[str] = frozenset({"password_hash", "version", "token_hash", "updated_at"})
    # Why the change was made (a coordinator's correction): set it before the flush and the change's audit entry
    # keeps it as its ``note``; it is cleared once written.
    audit_note: str | None = None

    @property
    def audit_district_id(self) -> int | None:
        return getattr(self, "district_id", None)

    @property
    def audit_label(self) -> str:
        for attr in ("name", "display_name", "username", "title"):
            value = getattr(self, attr, None)
            if value:
                return str(value)
        row_id = getattr(self, "id", None)
        return f"#{row_id}" if row_id is not None else ""


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(10))  # create | update | delete
    entity_type: Mapped[str] = mapped_column(String(60), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(40))
    entity_label: Mapped[str | None] = mapped_column(String(200))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(300))  # why: a correction's reason (Audited.audit_note)

    user = relationship("User", lazy="joined")


_PLAIN = frozenset({str, int, bool, float, type(None)})


def plain_value(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values: answered before the checks below (an audit entry has dozens)
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return sorted(plain_value(v) for v in value)
    if isinstance(value, list):
        return [plain_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain_value(v) for k, v in value.items()}
    return value


def _columns(obj) -> tuple[str, ...]:
    return _audited_columns(type(obj))


@cache
def _audited_columns(model: type) -> tuple[str, ...]:
    excluded = model.__audit_exclude__
    return tuple(attr.key for attr in inspect(model).column_attrs
                 if attr.key not in excluded and attr.columns[0].info.get("audit", True))


def _snapshot(obj) -> dict:
    loaded = obj.__dict__  # what the row holds already, read without the attribute machinery
    return {key: plain_value(loaded[key] if key in loaded else getattr(obj, key)) for key in _columns(obj)}


def current_actor() -> tuple[int | None, str]:
    """The logged-in user in a request; 'system' for CLI commands and scheduled jobs."""
    if has_request_context():
        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.username
    return None, "system"


@event.listens_for(Session, "before_flush")
def _record_changes(session: Session, flush_context, instances) -> None:
    pending: list[tuple[str, Any]] = []
    for obj in session.new:
        if isinstance(obj, Audited):
            pending.append(("create", obj))
    for obj in session.dirty:
        if isinstance(obj, Audited) and session.is_modified(obj, include_collections=False):
            pending.append(("update", obj))
    for obj in session.deleted:
        if isinstance(obj, Audited):
            pending.append(("delete", obj))
    if not pending:
        return
    user_id, actor = current_actor()
    for action, obj in pending:
        before = after = None
        if action == "update":
            state = inspect(obj)
            before, after = {}, {}
            for key in _columns(obj):
                history = state.attrs[key].history
                if history.has_changes():
                    before[key] = plain_value(history.deleted[0]) if history.deleted else None
                    after[key] = plain_value(history.added[0]) if history.added else None
            if not after:
                continue
        elif action == "create":
            # The id of a new row, and what the flush fills in (foreign keys set through relationships,
            # defaults), are known only after the flush: its entry is written then, once (_created_rows).
            entry = {"user_id": user_id, "actor": actor, "action": action, "entity_type": type(obj).__name__,
                     "district_id": obj.audit_district_id, "note": obj.audit_note}
            obj.audit_note = None
            session.info.setdefault("audit_pending", []).append((entry, obj))
            continue
        else:
            before = _snapshot(obj)
        identity = inspect(obj).identity
        entry = AuditEntry(user_id=user_id, actor=actor, action=action, entity_type=type(obj).__name__,
                           entity_id=",".join(str(i) for i in identity) if identity else None,
                           entity_label=obj.audit_label[:200], district_id=obj.audit_district_id,
                           before=before, after=after, note=obj.audit_note)
        obj.audit_note = None
        session.add(entry)


@event.listens_for(Session, "after_flush_postexec")
def _created_rows(session: Session, flush_context) -> None:
    # After the flush has settled (the new rows have their ids and defaults): the entries of the rows it
    # created are written at once, complete, with one multi-row INSERT on the flush's own connection (as
    # ORM records SQLite would insert them one statement each, to read back ids nobody needs).
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    now = now_utc()
    rows = []
    for entry, obj in pending:
        identity = inspect(obj).identity
        rows.append({**entry, "at": now, "entity_id": ",".join(str(i) for i in identity) if identity else None,
                     "after": _snapshot(obj), "entity_label": obj.audit_label[:200], "before": None})
    session.connection().execute(insert(AuditEntry), rows)


def last_change(entity_type: str, entity_id: int | str) -> AuditEntry | None:
    """The latest audit entry of one record: who changed it last, and when."""
    return db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == entity_type,
                                                      AuditEntry.entity_id == str(entity_id))
                             .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1))
