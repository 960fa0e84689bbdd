"""Feed version stamps: a counter per district that any change to a feed's source rows raises.

A feed's ETag comes from the stamps it depends on, so an unchanged feed answers 304 without being built.
Over-invalidating (any change in the district) is cheap; missing a change is not, so every model whose rows
appear in feeds inherits ``FeedSource``.

Events also show rows of other models: a visit shows its station's name, address and hours, its lawyer's and
firm's names. Such a model is declared once with ``feed_follows(Station, ("name", "address", …), Visit,
lambda ids: Visit.station_id.in_(ids))``: a change of one of those attributes raises, in the same flush, the
SEQUENCE and LAST-MODIFIED of every event row that shows it and the feed stamps of their districts (and of the
changed row's own district, for feed names such as "Station: …" or a person's schedule).

The links themselves have a stamp too (``LINKS_SCOPE``), raised by any change of a model declared with
``feed_links_follow`` (a link; a user's active/role/district/locale): each process keeps the links it served in
memory (``trainer.calendars.lookups``) and drops them when that stamp moves. A process is told at once when it
commits a change that moved a stamp (``on_stamps_committed``); other processes re-read the stamps every second.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, String, event, inspect, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from trainer.core.clock import now_utc
from trainer.core.extensions import db

CITY_SCOPE = "city"
LINKS_SCOPE = "links"  # not a district's: the subscription links and their users


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


@dataclass(frozen=True)
class FeedFollow:
    """Rows of ``child`` (a FeedSource) show ``attributes`` of ``parent`` rows: ``where(ids)`` selects the child
    rows that show the parents with those ids. ``child`` None: only the feed names show the parent."""

    parent: type
    attributes: frozenset[str]
    child: type | None
    where: Callable[[list[int]], object] | None


FOLLOWS: list[FeedFollow] = []
# Models whose changes alter what a link answers (model, attributes; None = any change, creation, deletion).
LINK_FOLLOWS: list[tuple[type, frozenset[str] | None]] = []
_COMMITTED: list[Callable[[], None]] = []


def feed_follows(parent: type, attributes: Iterable[str], child: type | None = None,
                 where: Callable[[list[int]], object] | None = None) -> None:
    """Declare that feeds show ``attributes`` of ``parent`` (in ``child``'s events, or in feed names)."""
    FOLLOWS.append(FeedFollow(parent, frozenset(attributes), child, where))


def feed_links_follow(model: type, attributes: Iterable[str] | None = None) -> None:
    """Declare that changes of ``model`` rows (of ``attributes`` only, if given) alter what feed links answer."""
    LINK_FOLLOWS.append((model, frozenset(attributes) if attributes is not None else None))


def on_stamps_committed(callback: Callable[[], None]) -> None:
    """Call ``callback()`` after every commit of this process that moved a feed stamp."""
    _COMMITTED.append(callback)


def _changed(obj, attributes: frozenset[str]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in attributes if name in state.attrs)


def _district_of(obj) -> int | None:
    return getattr(obj, "district_id", None)


@event.listens_for(Session, "before_flush")
def _bump_feed_stamps(session: Session, flush_context, instances) -> None:
    scopes: set[str] = set()
    followed: dict[FeedFollow, set[int]] = {}
    # session.new and .deleted build a fresh set on every read: taken once, so a flush of many rows stays linear.
    added_or_gone = session.new.union(session.deleted)
    for obj in list(added_or_gone) + list(session.dirty):
        whole = obj in added_or_gone
        if isinstance(obj, FeedSource) and (whole or session.is_modified(obj, include_collections=False)):
            scopes.update(district_scope_key(d) for d in obj.feed_district_ids)
        for model, attributes in LINK_FOLLOWS:
            if isinstance(obj, model) and (attributes is None or whole or _changed(obj, attributes)):
                scopes.add(LINKS_SCOPE)
        if whole or not FOLLOWS:
            continue
        for follow in FOLLOWS:
            if isinstance(obj, follow.parent) and _changed(obj, follow.attributes):
                scopes.add(district_scope_key(_district_of(obj)))
                if follow.child is not None and obj.id is not None:
                    followed.setdefault(follow, set()).add(obj.id)
    if scopes:
        session.info.setdefault("feed_scopes", set()).update(scopes)
    for follow, ids in followed.items():
        session.info.setdefault("feed_follows", {}).setdefault(follow, set()).update(ids)


def _touch_followers(session: Session, now: datetime) -> set[str]:
    """Raise SEQUENCE and LAST-MODIFIED of the event rows that show a changed parent; their districts' scopes."""
    scopes: set[str] = set()
    for follow, ids in session.info.pop("feed_follows", {}).items():
        child, where = follow.child, follow.where(sorted(ids))
        districts = session.execute(select(child.district_id).where(where).distinct()).scalars().all()
        if not districts:
            continue
        scopes.update(district_scope_key(d) for d in districts)
        session.execute(update(child).where(where).values(sequence=child.sequence + 1, updated_at=now)
                        .execution_options(synchronize_session=False))
        for obj in list(session.identity_map.values()):
            if isinstance(obj, child):
                session.expire(obj, ["sequence", "updated_at"])
    return scopes


@event.listens_for(Session, "after_flush_postexec")
def _write_feed_stamps(session: Session, flush_context) -> None:
    now = now_utc()
    followers = _touch_followers(session, now) if session.info.get("feed_follows") else set()
    scopes = session.info.pop("feed_scopes", set()) | followers
    if scopes:
        raise_stamps(session, scopes, now)


def raise_stamps(session: Session, scopes: Iterable[str], now: datetime | None = None) -> None:
    """Raise the feed stamps of ``scopes`` (``district_scope_key``) in the session's transaction: what a flush
    does for the rows it writes, for a change made with a set-based UPDATE (trainer.audit.bulk)."""
    now = now or now_utc()
    session.info["feed_stamps_moved"] = True
    for scope in sorted(set(scopes)):  # a fixed order avoids deadlocks between two writers
        result = session.execute(update(FeedStamp).where(FeedStamp.scope == scope)
                                 .values(version=FeedStamp.version + 1, changed_at=now))
        if result.rowcount == 0:
            session.add(FeedStamp(scope=scope, version=1, changed_at=now))


@event.listens_for(Session, "after_commit")
def _stamps_committed(session: Session) -> None:
    if session.info.pop("feed_stamps_moved", False):
        for callback in _COMMITTED:
            callback()


@event.listens_for(Session, "after_rollback")
def _stamps_rolled_back(session: Session) -> None:
    session.info.pop("feed_stamps_moved", None)
