"""The plain event every area hands to the feeds (and to reminders). Areas build these; calendars renders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
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
    categories: tuple[str, ...] = field(default_factory=tuple)
    # Users to remind the day before (user ids); empty = nobody.
    remind_user_ids: tuple[int, ...] = field(default_factory=tuple)
