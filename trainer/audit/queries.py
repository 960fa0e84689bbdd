"""What the audit log page reads: the entries of the caller's district (the admin: all), newest first."""

from __future__ import annotations

from sqlalchemy import select

from trainer.audit.models import AuditEntry
from trainer.auth.permissions import district_scope
from trainer.core.extensions import db


def entries(entity: str | None = None):
    """The audit entries the caller may read, of one kind of record when ``entity`` is given (to paginate)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(AuditEntry.district_id == scope)
    if entity:
        stmt = stmt.where(AuditEntry.entity_type == entity)
    return stmt


def entity_types() -> list[str]:
    """The kinds of record the caller's log holds (for its filter)."""
    stmt = select(AuditEntry.entity_type).distinct()
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(AuditEntry.district_id == scope)
    return list(db.session.scalars(stmt))
