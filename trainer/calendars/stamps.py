"""Feed version stamps: a counter per district that any change to a feed's source rows raises.

A feed's ETag comes from the stamps it depends on, so an unchanged feed answers 304 without being built.
Over-invalidating (any change in the district) is cheap; missing a change is not, so every model whose rows
appear in feeds inherits ``FeedSource``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, event, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from trainer.core.clock import now_utc
from trainer.core.extensions import db

CITY_SCOPE = "city"


def district_scope_key(district_id: int | None) -> str:
    return f"district:{district_id}" if district_id is not None else CITY_SCOPE


class FeedStamp(db.Model):
    __tablename__ = "feed_stamps"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class FeedSource:
    """Mixin for models shown in calendar feeds. Override ``feed_district_ids`` when there is no district_id.

    ``sequence`` is the event's SEQUENCE, raised by ``touch()`` on a real change (time, place, person,
    status); ``updated_at`` is its LAST-MODIFIED/DTSTAMP. Any change to a row raises its district's feed stamp.
    """

    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, onupdate=now_utc)

    def touch(self) -> None:
        """A real change that calendars must show: a new SEQUENCE and LAST-MODIFIED."""
        self.sequence = (self.sequence or 0) + 1
        self.updated_at = now_utc()

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
