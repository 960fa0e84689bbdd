"""Optimistic locking: two people editing the same row cannot overwrite each other silently.

Models that inherit ``Versioned`` carry a ``version`` column that SQLAlchemy raises on every UPDATE and checks in
the UPDATE's WHERE clause, so even a race between two requests fails in the database (StaleDataError). Forms carry
the version they showed; the API carries it as an ETag. ``check_version`` refuses a stale edit before any change.
"""

from __future__ import annotations

from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class StaleEdit(Exception):
    """Someone else saved this record after it was loaded for editing."""

    def __init__(self, obj, submitted: int | str | None):
        super().__init__(f"{type(obj).__name__} {getattr(obj, 'id', '')} is at version "
                         f"{getattr(obj, 'version', None)}, the edit was made on version {submitted}")
        self.obj = obj
        self.submitted = submitted


class Versioned:
    version: Mapped[int] = mapped_column(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.version}


def check_version(obj, submitted: int | str | None) -> None:
    """Raise StaleEdit unless ``submitted`` is the row's current version (None: the caller did not say)."""
    if submitted in (None, ""):
        return
    if int(submitted) != obj.version:
        raise StaleEdit(obj, int(submitted))
