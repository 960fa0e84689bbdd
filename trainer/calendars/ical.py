"""Writing an iCalendar feed (RFC 5545, RFC 7986) from FeedEvents with the ``icalendar`` package.

Each event is one ``icalendar.Event`` written by ``to_ical()``: its escaping of TEXT values, its folding at 75
octets (never inside a UTF-8 character) and its CRLF line ends. What the package leaves to the caller is done
here: values are cleaned first (control characters removed, every line break one LF, which ``icalendar`` writes
as ``\\n``), timed events are written in Asia/Shanghai (naive times in Trainer are Beijing wall-clock times),
DTSTAMP and LAST-MODIFIED in UTC. The head is an ``icalendar.Calendar`` with REFRESH-INTERVAL;VALUE=DURATION,
X-PUBLISHED-TTL and one minimal VTIMEZONE for Asia/Shanghai (no COMMENT).

Writing an event through the object model costs about a quarter of a millisecond, so a feed is not written
whole each time: ``trainer.calendars.blocks`` keeps each event's written block (keyed by its UID, SEQUENCE and
LAST-MODIFIED, and a digest of all it shows), and ``assemble`` joins the blocks of a feed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneStandard, vDuration, vText

from trainer.calendars.events import FeedEvent
from trainer.core.clock import LOCAL_TZ

TZID = "Asia/Shanghai"
PRODID = "-//Beijing trade-union federations//Trainer//ZH"
# Raised whenever the way a block is written changes: stored blocks of an older writer are written again.
WRITER_VERSION = "icalendar-1"
FOOT = b"END:VCALENDAR\r\n"
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")

# Control characters are not allowed in content lines (RFC 5545 3.1); TAB is, and line breaks become \n.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """A TEXT value as it is written: control characters removed, every line break (CRLF, CR, LF) one LF."""
    if _CONTROLS.search(value):
        value = _CONTROLS.sub("", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def local_time(moment: datetime) -> datetime:
    """A moment in Beijing time, to the second (naive = already Beijing wall-clock time)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    elif moment.tzinfo is not LOCAL_TZ:
        moment = moment.astimezone(LOCAL_TZ)
    return moment.replace(microsecond=0)


def utc_time(moment: datetime) -> datetime:
    """A moment in UTC, to the second (naive = UTC, as stored)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC, microsecond=0)
    return moment.astimezone(UTC).replace(microsecond=0)


def is_all_day(event: FeedEvent) -> bool:
    return not isinstance(event.start, datetime)


def all_day_end(event: FeedEvent) -> date:
    """FeedEvent.end of an all-day event is its last day (inclusive); DTEND is the day after (exclusive)."""
    start = event.start if not isinstance(event.start, datetime) else event.start.date()
    end = event.end if not isinstance(event.end, datetime) else event.end.date()
    return max(end, start) + timedelta(days=1)


def status_of(event: FeedEvent) -> str:
    status = (event.status or "").upper()
    return status if status in STATUSES else "CONFIRMED"


def event_component(event: FeedEvent, alarm_minutes: int | None = None, alarm_text: str = "") -> Event:
    """The event as an ``icalendar.Event``."""
    component = Event()
    changed = utc_time(event.last_modified)
    component.add("uid", clean_text(event.uid))
    component.add("dtstamp", changed)
    if is_all_day(event):
        component.add("dtstart", event.start)
        component.add("dtend", all_day_end(event))
    else:
        start = local_time(event.start)
        end = local_time(event.end) if isinstance(event.end, datetime) else start
        component.add("dtstart", start)
        component.add("dtend", max(end, start))
    component.add("last-modified", changed)
    component.add("sequence", max(int(event.sequence), 0))
    status = status_of(event)
    component.add("status", status)
    component.add("summary", clean_text(event.summary))
    if event.location:
        component.add("location", clean_text(event.location))
    description = clean_text(event.description or "")
    if event.url:
        url = _CONTROLS.sub("", event.url).replace("\r", "").replace("\n", "")
        # Google Calendar and Outlook do not show URL: the link goes into the description too.
        description = f"{description}\n\n{url}" if description else url
        component.add("url", url.replace(" ", "%20"), parameters={"VALUE": "URI"})
    if description:
        component.add("description", description)
    if event.categories:
        component.add("categories", [clean_text(c) for c in event.categories])
    if status == "CANCELLED":
        component.add("transp", "TRANSPARENT")
    elif alarm_minutes and (not is_all_day(event) or alarm_minutes >= 1440):
        # A reminder 15 minutes before an all-day event would ring at 23:45 the night before: all-day events
        # get only the day-before reminder.
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", clean_text(alarm_text or event.summary))
        alarm.add("trigger", timedelta(minutes=-alarm_minutes))
        component.add_component(alarm)
    return component


def write_event(event: FeedEvent, alarm_minutes: int | None = None, alarm_text: str = "") -> bytes:
    """One VEVENT block (UTF-8, CRLF, folded), as ``icalendar`` writes it."""
    return event_component(event, alarm_minutes, alarm_text).to_ical()


@dataclass(frozen=True)
class CalendarHead:
    name: str  # NAME / X-WR-CALNAME
    description: str = ""
    refresh: str = "PT1H"  # REFRESH-INTERVAL and X-PUBLISHED-TTL
    color: str = ""  # RFC 7986 COLOR (a CSS3 colour name)


def _timezone() -> Timezone:
    # China has kept UTC+8 without daylight saving since 1991: one STANDARD block is the whole story for every
    # date a feed carries. Clients match the TZID with their own database anyway.
    standard = TimezoneStandard()
    standard.add("tzoffsetfrom", timedelta(hours=8))
    standard.add("tzoffsetto", timedelta(hours=8))
    standard.add("tzname", "CST")
    standard.add("dtstart", datetime(1970, 1, 1))
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    zone.add_component(standard)
    return zone


def write_head(head: CalendarHead) -> bytes:
    """VCALENDAR's properties and the VTIMEZONE: everything of a feed before its first event."""
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # NAME and the X-WR- names are TEXT, but icalendar does not know them: vText, so that they are escaped.
    calendar.add("name", vText(clean_text(head.name)))
    calendar.add("x-wr-calname", vText(clean_text(head.name)))
    if head.description:
        calendar.add("description", vText(clean_text(head.description)))
        calendar.add("x-wr-caldesc", vText(clean_text(head.description)))
    if head.color:
        calendar.add("color", head.color)
    calendar.add("x-wr-timezone", TZID)
    refresh = vDuration.from_ical(head.refresh)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(refresh))
    calendar.add_component(_timezone())
    written = calendar.to_ical()
    assert written.endswith(FOOT)
    return written[: -len(FOOT)]


def nearest_first(events: list[FeedEvent], today: date | None = None) -> list[int]:
    """The events' indexes, those nearest to ``today`` first (the order in which a feed over its size limit
    keeps them); events as near keep their own order."""
    anchor = today or date.today()

    def distance(index: int) -> int:
        start = events[index].start
        day = start.date() if isinstance(start, datetime) else start
        return abs((day - anchor).days)

    return sorted(range(len(events)), key=distance)


def assemble(head: bytes, events: list[FeedEvent], blocks: list[bytes], max_bytes: int = 1_000_000,
             today: date | None = None) -> tuple[bytes, int]:
    """The whole feed from its head and its events' written blocks (in the events' order), and the number of
    events in it.

    If the events would not fit in ``max_bytes`` (Google ignores feeds above 1 MB), those furthest from today
    are left out, so that what is near stays complete.
    """
    total = len(head) + len(FOOT) + sum(map(len, blocks))
    if total > max_bytes:
        kept, size = set(), len(head) + len(FOOT)
        for index in nearest_first(events, today):
            if size + len(blocks[index]) > max_bytes:
                break
            kept.add(index)
            size += len(blocks[index])
        blocks = [block for index, block in enumerate(blocks) if index in kept]
    return b"".join([head, *blocks, FOOT]), len(blocks)


def render_calendar(head: CalendarHead, events: Iterable[FeedEvent], alarm_minutes: int | None = None,
                    max_bytes: int = 1_000_000, today: date | None = None,
                    alarm_text: Callable[[FeedEvent], str] | None = None) -> tuple[bytes, int]:
    """The whole feed written anew (no stored blocks): the bytes and the number of events in it."""
    events = list(events)
    blocks = [write_event(event, alarm_minutes, alarm_text(event) if alarm_text else "") for event in events]
    return assemble(write_head(head), events, blocks, max_bytes=max_bytes, today=today)
