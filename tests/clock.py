"""The tests' day and the handle on the tests' clock (the ``clock`` fixture in ``tests/conftest.py``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from trainer.core.clock import local_datetime, now_local

# The day the tests live on: a Tuesday, an official working day late in November 2026, with December ahead.
TODAY = date(2026, 11, 24)


class Clock:
    """Beijing wall time as the process sees it, held still; ``set`` moves it."""

    def __init__(self, traveller) -> None:
        self.traveller = traveller

    def set(self, hhmm: str, day: date | None = None) -> datetime:
        moment = local_datetime(day or now_local().date(), hhmm)
        self.traveller.move_to(moment.astimezone(UTC))  # in UTC: see the fixture
        return moment
