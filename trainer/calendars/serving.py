"""Answering a feed request: token check, validators from stored stamps, 304 without building, stored bytes.

The path of a request:
1. the link (token with its user) is found in this process's memory, else read in one query (unknown, revoked,
   disabled user, lost access -> 404) — see ``trainer.calendars.lookups``;
2. the feed stamps it depends on come from memory too (read again at most once a second, or at once after a
   change committed here); with the token's settings, today's date and the address the feed's links point to
   they give the ETag and Last-Modified, so ``If-None-Match`` is answered 304 before anything is built and
   without touching the database;
3. a full answer serves the bytes kept for that ETag (in this process, else in ``stored_feeds``: one lookup) and
   builds the feed only when the stamp moved: the events' stored blocks joined (``trainer.calendars.blocks``).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from trainer.auth.models import Role
from trainer.calendars import blocks, ical, sources
from trainer.calendars.lookups import FeedState, find_feed, moment, reset_reader, stamp_version
from trainer.calendars.models import FeedKind, FeedToken, StoredFeed
from trainer.calendars.stamps import district_scope_key
from trainer.core.addresses import public_base, serving_base
from trainer.core.clock import LOCAL_TZ, as_utc, now_utc, today_local
from trainer.core.extensions import db

log = logging.getLogger(__name__)
__all__ = ["FeedState", "answer", "build_feed", "find_feed", "memory", "moment", "reset_reader", "stamp_version"]

# Raised whenever the way a feed is written changes, so clients fetch the new form.
FORMAT_VERSION = "4"
CONTENT_TYPE = "text/calendar; charset=utf-8"
MAX_FEED_BYTES = 1_000_000  # Google Calendar ignores larger feeds


def scopes_of(state: FeedState) -> list[str] | None:
    """The stamp scopes a feed depends on; None = all (people whose work is not tied to one district)."""
    if state.kind != FeedKind.USER:
        return [district_scope_key(state.subject_district_id), district_scope_key(None)]
    if state.role in (Role.COORDINATOR, Role.TRAINEE) and state.district_id is not None:
        return [district_scope_key(state.district_id), district_scope_key(None)]
    return None


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime


def validators(state: FeedState, today: date, base: str = "") -> Validators:
    """ETag and Last-Modified from what the feed depends on; ``base``: the address its links point to."""
    stamp, changed_at = stamp_version(scopes_of(state))
    return _validators(state, today, base, stamp, changed_at)


def _validators(state: FeedState, today: date, base: str, stamp: str, changed_at: datetime | None) -> Validators:
    basis = (f"{FORMAT_VERSION}|{state.token_id}|{state.token_hash}|{state.settings_version}|{state.alarm_minutes}|"
             f"{stamp}|{today}|{state.role}|{state.district_id}|{state.locale}|{base}")
    etag = '"' + hashlib.sha256(basis.encode()).hexdigest()[:32] + '"'
    # The window moves every day, so the feed may have changed at midnight even if nothing was edited.
    midnight = datetime(today.year, today.month, today.day, tzinfo=LOCAL_TZ).astimezone(UTC)
    moments = [midnight, state.changed_at] + ([as_utc(changed_at)] if changed_at else [])
    return Validators(etag, max(moments).replace(microsecond=0))


def window(today: date) -> tuple[date, date]:
    config = current_app.config
    return (today - timedelta(days=int(config["FEED_DAYS_BACK"])),
            today + timedelta(days=int(config["FEED_DAYS_AHEAD"])))


def feed_events(kind: str, subject, today: date, now: datetime | None = None):
    """The events a feed shows today: inside the window; cancellations only during the grace period."""
    start, end = window(today)
    grace = timedelta(days=int(current_app.config["FEED_CANCELLED_GRACE_DAYS"]))
    cutoff = (now or now_utc()) - grace
    seen: set[str] = set()
    events = []
    for event in sources.events_for(kind, subject, start, end):
        if event.uid in seen or not sources.in_window(event, start, end):
            continue
        if event.status.upper() == "CANCELLED" and as_utc(event.last_modified) < cutoff:
            continue
        seen.add(event.uid)
        events.append(event)
    return events


def calendar_head(subject: sources.Subject) -> ical.CalendarHead:
    if subject.kind == FeedKind.USER:
        name = _("%(name)s's schedule", name=subject.label)
    elif subject.kind == FeedKind.STATION:
        name = _("Station: %(name)s", name=subject.label)
    elif subject.kind == FeedKind.FIRM:
        name = _("Law firm: %(name)s", name=subject.label)
    else:
        name = _("Rotation training: %(name)s", name=subject.label)
    description = _("Trainer, Beijing trade-union federations. Times are Beijing time. Updated every hour.")
    return ical.CalendarHead(name=f"{name} · {_('Trainer')}", description=description)


@dataclass(frozen=True)
class BuiltFeed:
    body: bytes
    event_count: int
    build_ms: int
    new_blocks: list[dict] = field(default_factory=list)  # blocks written for this build, to store


head_bytes = functools.lru_cache(maxsize=1024)(ical.write_head)


def build_feed(state: FeedState, today: date, base: str | None = None) -> BuiltFeed | None:
    """The feed's bytes: its events' blocks (stored, else written now) joined under its head."""
    started = time.perf_counter()
    subject = sources.load_subject(state.kind, state.subject_id)
    if subject is None:
        return None
    with force_locale(state.locale or current_app.config["BABEL_DEFAULT_LOCALE"]), \
            serving_base(base or public_base()):
        head = calendar_head(subject)
        events = feed_events(state.kind, subject.obj, today)
        alarm_text = None
        if state.alarm_minutes:
            template = _("Reminder: %(summary)s")  # translated once, filled per event

            def alarm_text(event):
                return template.replace("%(summary)s", event.summary)

        written_head = head_bytes(head)
        events, found = blocks.blocks_within(events, MAX_FEED_BYTES - len(written_head) - len(ical.FOOT), today,
                                             state.alarm_minutes, alarm_text)
        body, count = ical.assemble(written_head, events, found.blocks, max_bytes=MAX_FEED_BYTES, today=today)
    return BuiltFeed(body, count, int((time.perf_counter() - started) * 1000), found.new_rows)


class _Memory:
    """Built feeds of this process, newest used last, bounded by total bytes."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024):
        self.max_bytes = max_bytes
        self.items: OrderedDict[int, tuple[str, bytes]] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, token_id: int, etag: str) -> bytes | None:
        with self.lock:
            item = self.items.get(token_id)
            if item is None or item[0] != etag:
                return None
            self.items.move_to_end(token_id)
            return item[1]

    def put(self, token_id: int, etag: str, body: bytes) -> None:
        with self.lock:
            old = self.items.pop(token_id, None)
            if old is not None:
                self.size -= len(old[1])
            self.items[token_id] = (etag, body)
            self.size += len(body)
            while self.size > self.max_bytes and self.items:
                _, (_, dropped) = self.items.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


memory = _Memory()


def feed_body(state: FeedState, found: Validators, today: date, base: str) -> bytes | None:
    """The feed's bytes for these validators: from this process, from the database, or built now."""
    body = memory.get(state.token_id, found.etag)
    if body is not None:
        return body
    stored = db.session.get(StoredFeed, state.token_id)
    if stored is not None and stored.etag == found.etag:
        memory.put(state.token_id, found.etag, stored.body)
        return stored.body
    built = build_feed(state, today, base)
    if built is None:
        return None
    memory.put(state.token_id, found.etag, built.body)
    _store(state.token_id, found, built, stored)
    return built.body


def _store(token_id: int, found: Validators, built: BuiltFeed, stored: StoredFeed | None) -> None:
    """Keep the bytes (and the blocks written for them) for other workers and restarts. Losing a race to another
    worker is harmless."""
    try:
        if stored is None:
            db.session.add(StoredFeed(token_id=token_id, etag=found.etag, last_modified=found.last_modified,
                                      body=built.body, event_count=built.event_count, build_ms=built.build_ms))
        else:
            stored.etag, stored.last_modified, stored.body = found.etag, found.last_modified, built.body
            stored.event_count, stored.build_ms, stored.built_at = built.event_count, built.build_ms, now_utc()
        blocks.save(built.new_blocks)
        db.session.execute(update(FeedToken).where(FeedToken.id == token_id).values(last_fetched_at=now_utc()))
        db.session.commit()
    except Exception:  # noqa: BLE001 - a failed cache write must not fail the answer
        log.warning("could not store the built feed of token %s", token_id, exc_info=True)
        db.session.rollback()


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    # Weak comparison (RFC 9110 13.1.2): some proxies add W/ to a strong tag.
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def _not_modified_since(header: str | None, last_modified: datetime) -> bool:
    if not header:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    if since is None:
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified <= since


@dataclass
class FeedAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""


def not_found() -> FeedAnswer:
    return FeedAnswer(404, [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
                      b"Not found\n")


class _Validated:
    """Validators and the answer's own headers per (link, stamps, day, address): computed once, not per request."""

    def __init__(self, max_items: int = 20_000):
        self.max_items = max_items
        self.items: dict[tuple, tuple[Validators, list[tuple[str, str]]]] = {}

    def get(self, state: FeedState, today: date, base: str) -> tuple[Validators, list[tuple[str, str]]]:
        stamp, changed_at = stamp_version(scopes_of(state))
        key = (state, stamp, changed_at, today, base)
        found = self.items.get(key)
        if found is None:
            validated = _validators(state, today, base, stamp, changed_at)
            max_age = int(current_app.config.get("FEED_MAX_AGE", 900))
            found = (validated, [
                ("ETag", validated.etag),
                ("Last-Modified", format_datetime(validated.last_modified, usegmt=True)),
                ("Cache-Control", f"private, max-age={max_age}"),
                ("X-Robots-Tag", "noindex, nofollow"),
                ("Referrer-Policy", "no-referrer"),
            ])
            if len(self.items) >= self.max_items:
                self.items = {}
            self.items[key] = found
        return found


validated = _Validated()


def answer(secret: str, if_none_match: str | None, if_modified_since: str | None,
           base: str | None = None) -> FeedAnswer:
    """The whole HTTP answer for ``/feeds/<secret>.ics`` (GET and HEAD). ``base``: the scheme and host the
    request came to (the feed's links point there unless ``PUBLIC_URL`` is configured)."""
    state = find_feed(secret)
    if state is None:
        return not_found()
    today = today_local()
    base = public_base() if base is None else base
    found, headers = validated.get(state, today, base)
    # If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    fresh = (_etag_matches(if_none_match, found.etag) if if_none_match is not None
             else _not_modified_since(if_modified_since, found.last_modified))
    if fresh:
        return FeedAnswer(304, headers)
    body = feed_body(state, found, today, base)
    if body is None:
        return not_found()
    headers = [*headers, ("Content-Type", CONTENT_TYPE), ("Content-Length", str(len(body))),
               ("Content-Disposition", f'inline; filename="trainer-{state.kind}.ics"')]
    # For HEAD the server sends the same headers and drops the body.
    return FeedAnswer(200, headers, body)
