"""Feed version stamps: a counter per district that any change to a feed's source rows raises.

A feed's ETag comes from the stamps it depends on, so an unchanged feed answers 304 without being built.
Over-invalidating (any change in the district) is cheap; missing a change is not, so every model whose rows
appear in feeds inherits ``FeedSource``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from trainer.clock import now_utc
from trainer.extensions import db

CITY_SCOPE = "city"


def district_scope_key(district_id: int | None) -> str:
    return f"district:{district_id}" if district_id is not None else CITY_SCOPE


class FeedStamp(db.Model):
    __tablename__ = "feed_stamps"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class FeedSource:
    """Mixin for models shown in calendar feeds. Override ``feed_district_ids`` when there is no district_id."""

    @property
    def feed_district_ids(self) -> tuple[int | None, ...]:
        return (getattr(self, "district_id", None),)


@event.listens_for(Session, "before_flush")
def _bump_feed_stamps(session: Session, flush_context, instances) -> None:
    scopes: set[str] = set()
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, FeedSource) and (obj in session.new or obj in session.deleted
                                            or session.is_modified(obj, include_collections=False)):
            scopes.update(district_scope_key(d) for d in obj.feed_district_ids)
    if not scopes:
        return
    session.info.setdefault("feed_scopes", set()).update(scopes)


@event.listens_for(Session, "after_flush_postexec")
def _write_feed_stamps(session: Session, flush_context) -> None:
    scopes = session.info.pop("feed_scopes", None)
    if not scopes:
        return
    now = now_utc()
    for scope in sorted(scopes):  # a fixed order avoids deadlocks between two writers
        result = session.execute(update(FeedStamp).where(FeedStamp.scope == scope)
                                 .values(version=FeedStamp.version + 1, changed_at=now))
        if result.rowcount == 0:
            session.add(FeedStamp(scope=scope, version=1, changed_at=now))


def stamp_of(scopes: list[str]) -> str:
    """A short string that changes whenever any of the scopes changes."""
    rows = dict(db.session.execute(select(FeedStamp.scope, FeedStamp.version).where(FeedStamp.scope.in_(scopes))).all())
    return "-".join(f"{rows.get(scope, 0)}" for scope in scopes)


ALL_SCOPES = None  # feeds that may show any district (a lawyer or instructor without one, the city admin)


def feed_version(scopes: list[str] | None) -> tuple[str, datetime | None]:
    """The version string of a set of scopes and when any of them last changed, in one query.

    ``None`` stands for every scope: versions only ever rise, so their sum rises with any change anywhere.
    """
    from sqlalchemy import func

    if scopes is None:
        total, count, changed = db.session.execute(
            select(func.coalesce(func.sum(FeedStamp.version), 0), func.count(), func.max(FeedStamp.changed_at))
        ).one()
        return f"all:{total}:{count}", changed
    rows = {scope: (version, changed) for scope, version, changed in db.session.execute(
        select(FeedStamp.scope, FeedStamp.version, FeedStamp.changed_at).where(FeedStamp.scope.in_(scopes)))}
    changed_at = max((changed for _, changed in rows.values() if changed is not None), default=None)
    return "-".join(str(rows.get(scope, (0, None))[0]) for scope in scopes), changed_at
