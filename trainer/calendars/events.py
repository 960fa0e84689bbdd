"""The plain event every area hands to the feeds (and to reminders). Areas build these; calendars renders them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, init=False)
class FeedEvent:
    uid: str  # stable forever, never reused: "visit-123@trainer"
    summary: str
    start: datetime | date  # aware datetime (Asia/Shanghai), or a date for all-day events
    end: datetime | date
    last_modified: datetime  # aware; the last real change (DTSTAMP / LAST-MODIFIED), never "now"
    sequence: int = 0  # raised on every real change (time, place, people, status)
    status: str = "CONFIRMED"  # CONFIRMED | TENTATIVE | CANCELLED
    location: str = ""
    description: str = ""
    url: str = ""  # absolute link back to the event's page
    categories: tuple[str, ...] = ()
    # Users to remind the day before (user ids); empty = nobody.
    remind_user_ids: tuple[int, ...] = ()

    # Written out rather than generated: a frozen dataclass's own __init__ sets each field through
    # object.__setattr__, twice as slow, and feeds build thousands of these. Same signature, same frozen object.
    def __init__(self, uid: str, summary: str, start: datetime | date, end: datetime | date,
                 last_modified: datetime, sequence: int = 0, status: str = "CONFIRMED", location: str = "",
                 description: str = "", url: str = "", categories: tuple[str, ...] = (),
                 remind_user_ids: tuple[int, ...] = ()):
        self.__dict__.update(uid=uid, summary=summary, start=start, end=end, last_modified=last_modified,
                             sequence=sequence, status=status, location=location, description=description,
                             url=url, categories=categories, remind_user_ids=remind_user_ids)
