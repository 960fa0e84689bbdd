"""Each event's written VEVENT block, kept so that building a feed joins blocks instead of writing every event.

``icalendar`` writes an event in about a quarter of a millisecond: a 1,000-event feed written whole would cost a
quarter of a second every time one of its events changes. A block is written once and then found:

1. in this process (a dict bounded by bytes), keyed by the event itself (every field it shows), the reminder
   choice and the reminder's text;
2. else in table ``feed_event_blocks``, keyed by the event's UID and the reminder choice, and used only while
   its SEQUENCE, LAST-MODIFIED and a digest of everything else the block shows are the same;
3. else written by ``trainer.calendars.ical`` and stored (``save``, in the caller's transaction).

So a block can never outlive a change: a moved visit has new times, an edited station address a new LOCATION
(and, through ``feed_follows``, a new SEQUENCE and LAST-MODIFIED), and either gives another key and digest.
Rows of events no longer shown are pruned by the daily job (``prune``); a pruned block is only written again.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from trainer.calendars import ical
from trainer.calendars.events import FeedEvent
from trainer.calendars.models import FeedEventBlock
from trainer.core.clock import now_utc
from trainer.core.extensions import db

UID_MAX = 255  # longer UIDs (none of the areas' own) are kept in this process only
LOOKUP_CHUNK = 500
UPDATED = ("sequence", "last_modified", "digest", "body", "written_at")


def _moment(value: date | datetime) -> str:
    """A start, end or LAST-MODIFIED as the digest sees it: the day (its ordinal) and, for a time, the wall-clock
    time, the fold and the zone. Read field by field: ``isoformat`` of an aware time asks the zone for its offset,
    three times an event (the digest took twice as long)."""
    if isinstance(value, datetime):
        return (f"{value.toordinal()} {value.hour}:{value.minute}:{value.second}.{value.microsecond} "
                f"{value.fold} {value.tzinfo}")
    return str(value.toordinal())


def digest(event: FeedEvent, alarm_minutes: int | None, alarm_text: str) -> str:
    """Everything the block shows, and the writer's version, as one SHA-256 of the fields joined by the unit
    separator (a cold 1,000-event feed digests every event: joining is twice as fast as their repr)."""
    shown = "\x1f".join((ical.WRITER_VERSION, event.uid, event.summary, _moment(event.start), _moment(event.end),
                         _moment(event.last_modified), str(event.sequence), event.status, event.location,
                         event.description, event.url, "\x1e".join(event.categories), str(alarm_minutes or 0),
                         alarm_text))
    return hashlib.sha256(shown.encode("utf-8", "surrogatepass")).hexdigest()


class _Memory:
    """Blocks of this process. Over its size it is emptied at once (blocks are then found in the table)."""

    def __init__(self, max_bytes: int = 48 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.items: dict = {}
        self.size = 0
        self.lock = threading.Lock()

    def get_many(self, keys: list) -> list[bytes | None]:
        get = self.items.get
        with self.lock:
            return [get(key) for key in keys]

    def put_many(self, pairs: list[tuple[object, bytes]]) -> None:
        with self.lock:
            for key, block in pairs:
                old = self.items.get(key)
                self.items[key] = block
                self.size += len(block) - (len(old) if old is not None else 0)
            if self.size > self.max_bytes:
                self.items.clear()
                self.size = 0

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


memory = _Memory()


@dataclass
class Blocks:
    """The blocks of a feed's events, in their order, and the rows to store."""

    blocks: list[bytes]
    new_rows: list[dict] = field(default_factory=list)
    from_memory: int = 0
    from_table: int = 0
    written: int = 0


def _key(event: FeedEvent, alarm_minutes: int, text: str):
    try:
        hash(event)
    except TypeError:  # an area handed a list where a tuple belongs: the digest is the key then
        return digest(event, alarm_minutes, text)
    return event, alarm_minutes, text


def _stored(variant: str, uids: list[str]) -> dict[str, tuple[str, bytes]]:
    found: dict[str, tuple[str, bytes]] = {}
    for start in range(0, len(uids), LOOKUP_CHUNK):
        rows = db.session.execute(select(FeedEventBlock.uid, FeedEventBlock.digest, FeedEventBlock.body).where(
            FeedEventBlock.variant == variant, FeedEventBlock.uid.in_(uids[start:start + LOOKUP_CHUNK])))
        found.update((uid, (row_digest, bytes(body))) for uid, row_digest, body in rows)
    return found


def blocks_for(events: list[FeedEvent], alarm_minutes: int | None = None,
               alarm_text: Callable[[FeedEvent], str] | None = None) -> Blocks:
    """The written block of every event (in order): from this process, from the table, or written now."""
    alarm = alarm_minutes or 0
    texts = [alarm_text(event) for event in events] if alarm and alarm_text else [""] * len(events)
    keys = [_key(event, alarm, text) for event, text in zip(events, texts, strict=True)]
    found = memory.get_many(keys)
    missing = [index for index, block in enumerate(found) if block is None]
    result = Blocks(found, from_memory=len(events) - len(missing))  # type: ignore[arg-type]
    if not missing:
        return result
    variant = str(alarm)
    digests = {index: digest(events[index], alarm, texts[index]) for index in missing}
    stored = _stored(variant, sorted({events[i].uid for i in missing if len(events[i].uid) <= UID_MAX}))
    fresh, rows = [], {}
    for index in missing:
        event = events[index]
        row = stored.get(event.uid)
        if row is not None and row[0] == digests[index]:
            block = row[1]
            result.from_table += 1
        else:
            block = ical.write_event(event, alarm, texts[index])
            result.written += 1
            if len(event.uid) <= UID_MAX:
                rows[event.uid] = {"uid": event.uid, "variant": variant, "sequence": max(int(event.sequence), 0),
                                   "last_modified": ical.utc_time(event.last_modified), "digest": digests[index],
                                   "body": block, "written_at": now_utc()}
        found[index] = block
        fresh.append((keys[index], block))
    memory.put_many(fresh)
    result.new_rows = [rows[uid] for uid in sorted(rows)]  # a fixed order: two writers never deadlock
    return result


FIT_CHUNK = 256  # events asked for at a time while filling a feed up to its size limit


def blocks_within(events: list[FeedEvent], budget: int, today, alarm_minutes: int | None = None,
                  alarm_text: Callable[[FeedEvent], str] | None = None) -> tuple[list[FeedEvent], Blocks]:
    """The events a feed of ``budget`` bytes can hold with their blocks, as ``ical.assemble`` keeps them (those
    nearest to ``today`` first), in their order; blocks are found or written only that far. A coordinator's
    feed of a city-size district has some 6,000 events of which about 1,000 fit in Google's 1 MB: the others
    are never written."""
    order = ical.nearest_first(events, today)
    found: dict[int, bytes] = {}
    total = Blocks([])
    size = 0
    for start in range(0, len(order), FIT_CHUNK):
        if size > budget:
            break
        chunk = order[start:start + FIT_CHUNK]
        part = blocks_for([events[i] for i in chunk], alarm_minutes, alarm_text)
        for index, block in zip(chunk, part.blocks, strict=True):
            found[index] = block
            size += len(block)
        total.new_rows.extend(part.new_rows)
        total.from_memory += part.from_memory
        total.from_table += part.from_table
        total.written += part.written
    kept = sorted(found)
    total.blocks = [found[i] for i in kept]
    total.new_rows.sort(key=lambda row: row["uid"])  # a fixed order: two writers never deadlock
    return [events[i] for i in kept], total


def save(rows: list[dict]) -> None:
    """Store written blocks (insert, or replace the event's older block), in the caller's transaction."""
    if not rows:
        return
    table = FeedEventBlock.__table__
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}.get(dialect)
    for start in range(0, len(rows), LOOKUP_CHUNK):
        chunk = rows[start:start + LOOKUP_CHUNK]
        if insert is None:  # a database without upsert: replace
            for row in chunk:
                db.session.execute(delete(table).where(table.c.uid == row["uid"], table.c.variant == row["variant"]))
            db.session.execute(table.insert(), chunk)
            continue
        statement = insert(table).values(chunk)
        db.session.execute(statement.on_conflict_do_update(
            index_elements=["uid", "variant"], set_={name: statement.excluded[name] for name in UPDATED}))


def prune(before: datetime) -> int:
    """Remove blocks written before ``before`` (events long unchanged or gone; a block still needed is written
    again on its next use). Answers how many were removed."""
    result = db.session.execute(delete(FeedEventBlock).where(FeedEventBlock.written_at < before))
    return int(result.rowcount or 0)
