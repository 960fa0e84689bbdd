"""The questions the rest of Trainer asks: is this a working day, which days in a range, the n-th working day
after a date, what holiday is this. The ONLY place that decides what a working day is.

Every answer comes from the official calendar of its year. A year that is not announced (or only entered as a
draft) raises ``YearNotAnnounced`` unless the caller passes ``allow_provisional=True``; then the answer comes from
the provisional calendar and ``is_provisional_year(year)`` is True, so the caller can mark what it plans.

Speed: each year's calendar is built once per process and kept as frozensets. Whether the cached copy is still
current is checked against the year's ``stamp`` in the database at most once per ``CHECK_SECONDS`` within an app
context (a request, a CLI command, a job run), so planners can ask thousands of times, and the web workers and
the scheduler notice a change made by another process within seconds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.metadata import version
from types import MappingProxyType

from flask import g, has_app_context, has_request_context
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from trainer.core.extensions import db
from trainer.core.i18n import lang
from trainer.workdays import estimate, library
from trainer.workdays.models import (
    KIND_HOLIDAY,
    KIND_MAKEUP,
    SOURCE_LIBRARY,
    STATUS_DRAFT,
    STATUS_NOT_ANNOUNCED,
    STATUS_OFFICIAL,
    CalendarEntry,
    CalendarYear,
)

log = logging.getLogger(__name__)

CHECK_SECONDS = 2.0
# The provisional calendar of a year nobody has announced: Monday to Friday, minus the usual breaks of the
# festivals fixed by the solar calendar and minus the computed days of every festival (the lunar ones too:
# 春节, 清明, 端午, 中秋, from ``trainer.workdays.estimate``). Only the make-up working days are unknown.
PROVISIONAL_FIXED_HOLIDAYS: tuple[tuple[int, int, int, str], ...] = (
    # (month, first day, last day, festival key)
    (1, 1, 1, "new_years_day"),
    (5, 1, 3, "labour_day"),
    (10, 1, 7, "national_day"),
)


class YearNotAnnounced(Exception):
    """The official calendar of ``year`` is not known (not announced, not entered, or entered but not confirmed).

    ``str(error)`` gives both languages; ``error.localized()`` the one of the current page.
    """

    def __init__(self, year: int, status: str = STATUS_NOT_ANNOUNCED):
        self.year = year
        self.status = status
        if status == STATUS_DRAFT:
            self.message_zh = f"{year}年的法定节假日安排已录入，但尚未确认为正式安排"
            self.message_en = (f"The holiday calendar for {year} has been entered but not yet confirmed "
                               f"as official")
        else:
            self.message_zh = f"{year}年的法定节假日安排尚未公布（或未录入）"
            self.message_en = f"The official holiday calendar for {year} has not been announced or entered yet"
        super().__init__(f"{self.message_zh} / {self.message_en}")

    def localized(self) -> str:
        return self.message_en if current_lang() == "en" else self.message_zh


def current_lang() -> str:
    """The language of the current page; Chinese outside a request (CLI, jobs)."""
    if not has_request_context():
        return "zh"
    try:
        return lang()
    except Exception:  # noqa: BLE001 - a missing locale must never break a calendar answer
        return "zh"


@dataclass(frozen=True)
class YearCalendar:
    """One year's calendar: its status and its special days; ``working`` holds every working day of the year."""

    year: int
    status: str  # official | draft | not_announced
    source: str | None  # library | notice | file | None (not announced)
    stamp: str | None
    holidays: Mapping[date, tuple[str, str]]  # day -> (中文名, English name)
    makeup: Mapping[date, tuple[str, str]]  # make-up working day -> the festival it makes up for
    working: frozenset[date]

    @property
    def provisional(self) -> bool:
        return self.status != STATUS_OFFICIAL

    @property
    def working_day_count(self) -> int:
        return len(self.working)

    @property
    def estimated(self) -> bool:
        """Its holidays are computed, not announced (a year nobody has entered): shown as estimated."""
        return self.status == STATUS_NOT_ANNOUNCED


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    kind: str  # holiday | makeup_workday | weekend | workday
    name: str | None  # holiday / festival name in Chinese
    name_en: str | None
    status: str
    provisional: bool
    estimated: bool = False  # a computed holiday of a year not announced yet

    def name_in(self, language: str) -> str | None:
        return self.name_en if language == "en" else self.name


_CACHE: dict[int, YearCalendar] = {}


def invalidate(year: int | None = None) -> None:
    """Forget cached calendars (one year or all): the operations that change a year call this."""
    if year is None:
        _CACHE.clear()
    else:
        _CACHE.pop(year, None)
    seen = g.get("_workdays_seen") if has_app_context() else None
    if seen is not None:
        if year is None:
            seen.clear()
        else:
            seen.pop(year, None)


def days_of_year(year: int) -> Iterator[date]:
    """Every day of ``year``, from 1 January."""
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def build_calendar(year: int, status: str, source: str | None, stamp: str | None,
           holidays: dict[date, tuple[str, str]], makeup: dict[date, tuple[str, str]]) -> YearCalendar:
    """A year's calendar from its special days: Monday to Friday work, weekends rest, unless moved."""
    working = frozenset(d for d in days_of_year(year)
                        if d in makeup or (d.weekday() < 5 and d not in holidays))
    return YearCalendar(year=year, status=status, source=source, stamp=stamp,
                        holidays=MappingProxyType(holidays), makeup=MappingProxyType(makeup), working=working)


def provisional_calendar(year: int) -> YearCalendar:
    """Monday to Friday without the fixed-date breaks and the computed festival days; no make-up days."""
    holidays: dict[date, tuple[str, str]] = {}
    for month, first, last, key in PROVISIONAL_FIXED_HOLIDAYS:
        for dom in range(first, last + 1):
            holidays[date(year, month, dom)] = library.FESTIVALS[key]
    for day, key in estimate.festival_days(year).items():
        holidays.setdefault(day, library.FESTIVALS[key])
    return build_calendar(year, STATUS_NOT_ANNOUNCED, None, None, holidays, {})


def library_calendar(year: int) -> YearCalendar:
    holidays, makeup = {}, {}
    for item in library.year_days(year):
        (holidays if item.kind == KIND_HOLIDAY else makeup)[item.day] = (item.name, item.name_en)
    return build_calendar(year, STATUS_OFFICIAL, SOURCE_LIBRARY, f"library:{year}", holidays, makeup)


def _stored_calendar(year: int, status: str, source: str, stamp: str) -> YearCalendar:
    rows = db.session.execute(
        select(CalendarEntry.day, CalendarEntry.kind, CalendarEntry.name, CalendarEntry.name_en)
        .join(CalendarYear).where(CalendarYear.year == year)).all()
    holidays = {r.day: (r.name, r.name_en or r.name) for r in rows if r.kind == KIND_HOLIDAY}
    makeup = {r.day: (r.name, r.name_en or r.name) for r in rows if r.kind == KIND_MAKEUP}
    return build_calendar(year, status, source, stamp, holidays, makeup)


def store_library_year(year: int, session) -> CalendarYear | None:
    """Copy the library's calendar of ``year`` into the database as official (source=library). The caller
    commits. Returns None when the library does not know the year or the year already has a row."""
    if not library.knows(year):
        return None
    if session.scalar(select(CalendarYear).where(CalendarYear.year == year)) is not None:
        return None
    row = CalendarYear(year=year, status=STATUS_OFFICIAL, source=SOURCE_LIBRARY,
                       notice=f"chinese_calendar (PyPI chinesecalendar) {_library_version()}")
    for item in library.year_days(year):
        row.entries.append(CalendarEntry(day=item.day, kind=item.kind, name=item.name, name_en=item.name_en,
                                         festival=item.festival))
    session.add(row)
    session.flush()
    return row


def _library_version() -> str:
    try:
        return version("chinesecalendar")
    except Exception:  # noqa: BLE001
        return ""


def _load_library_year(year: int) -> bool:
    """Store a library year in its own short transaction, so a read never depends on the caller committing.
    False when the database is busy (SQLite): the caller then answers from the library directly."""
    engine = db.engine
    sqlite = engine.dialect.name == "sqlite"
    try:
        with engine.connect() as conn:
            if sqlite:
                conn.exec_driver_sql("PRAGMA busy_timeout = 300")
                conn.commit()  # else the session would join (and not commit) the transaction the PRAGMA began
            try:
                with Session(bind=conn) as session:
                    store_library_year(year, session)
                    session.commit()
            except IntegrityError:
                pass  # another process stored it first; fine
            finally:
                if sqlite:
                    conn.rollback()
                    conn.exec_driver_sql("PRAGMA busy_timeout = 5000")
        return True
    except OperationalError as error:
        log.warning("could not store the library calendar of %s now (%s); answering from the library", year,
                    error.orig)
        return False


def _row_info(year: int) -> tuple[str, str, str] | None:
    """(status, source, stamp) of the year's row, checked at most every CHECK_SECONDS in this app context."""
    seen = g.get("_workdays_seen")
    if seen is None:
        seen = g._workdays_seen = {}
    now = time.monotonic()
    hit = seen.get(year)
    if hit is not None and now - hit[1] < CHECK_SECONDS:
        return hit[0]
    row = db.session.execute(select(CalendarYear.status, CalendarYear.source, CalendarYear.stamp)
                             .where(CalendarYear.year == year)).first()
    info = tuple(row) if row is not None else None
    if info is None and library.knows(year):
        if _load_library_year(year):
            row = db.session.execute(select(CalendarYear.status, CalendarYear.source, CalendarYear.stamp)
                                     .where(CalendarYear.year == year)).first()
            info = tuple(row) if row is not None else None
        if info is None:
            info = (STATUS_OFFICIAL, SOURCE_LIBRARY, f"library:{year}")
    seen[year] = (info, now)
    return info


def calendar(year: int, *, allow_provisional: bool = False) -> YearCalendar:
    """The calendar of ``year``. Raises YearNotAnnounced unless it is official or ``allow_provisional``."""
    info = _row_info(year)
    if info is None:
        cal = _CACHE.get(year)
        if cal is None or cal.stamp is not None:
            cal = _CACHE[year] = provisional_calendar(year)
    else:
        status, source, stamp = info
        cal = _CACHE.get(year)
        if cal is None or cal.stamp != stamp or cal.status != status:
            if stamp == f"library:{year}":
                cal = library_calendar(year)
            else:
                cal = _stored_calendar(year, status, source, stamp)
            _CACHE[year] = cal
    if cal.provisional and not allow_provisional:
        raise YearNotAnnounced(year, cal.status)
    return cal


def year_status(year: int) -> str:
    """official | draft | not_announced."""
    info = _row_info(year)
    return STATUS_NOT_ANNOUNCED if info is None else info[0]


def is_provisional_year(year: int) -> bool:
    """True when answers for ``year`` (with allow_provisional=True) come from a provisional calendar."""
    return year_status(year) != STATUS_OFFICIAL


def is_provisional_range(start: date, end: date) -> bool:
    return any(is_provisional_year(y) for y in range(start.year, end.year + 1))


def is_working_day(day: date, *, allow_provisional: bool = False) -> bool:
    return day in calendar(day.year, allow_provisional=allow_provisional).working


def working_days_set(start: date, end: date, allow_provisional: bool = False) -> frozenset[date]:
    """The working days from ``start`` to ``end``, both included (empty when end < start)."""
    if end < start:
        return frozenset()
    found: set[date] = set()
    for year in range(start.year, end.year + 1):
        working = calendar(year, allow_provisional=allow_provisional).working
        if start.year < year < end.year:
            found |= working
        else:
            found.update(d for d in working if start <= d <= end)
    return frozenset(found)


def working_days_between(start: date, end: date, *, allow_provisional: bool = False) -> list[date]:
    """The working days from ``start`` to ``end``, both included, in order."""
    return sorted(working_days_set(start, end, allow_provisional))


def nth_working_day_after(day: date, n: int, *, allow_provisional: bool = False) -> date:
    """The n-th working day after ``day`` (``day`` itself not counted); a negative n counts backwards."""
    if n == 0:
        raise ValueError("n must not be 0")
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    current = day
    while True:
        current += step
        if current in calendar(current.year, allow_provisional=allow_provisional).working:
            remaining -= 1
            if remaining == 0:
                return current


def next_working_day(day: date, *, allow_provisional: bool = False) -> date:
    """The first working day after ``day``."""
    return nth_working_day_after(day, 1, allow_provisional=allow_provisional)


def day_info(day: date, *, allow_provisional: bool = False) -> DayInfo:
    cal = calendar(day.year, allow_provisional=allow_provisional)
    if day in cal.holidays:
        kind, (name, name_en) = KIND_HOLIDAY, cal.holidays[day]
    elif day in cal.makeup:
        kind, (name, name_en) = KIND_MAKEUP, cal.makeup[day]
    else:
        kind, name, name_en = ("weekend" if day.weekday() >= 5 else "workday"), None, None
    return DayInfo(day=day, working=day in cal.working, kind=kind, name=name, name_en=name_en,
                   status=cal.status, provisional=cal.provisional,
                   estimated=cal.estimated and kind == KIND_HOLIDAY)


def holiday_name(day: date, *, allow_provisional: bool = False, language: str | None = None) -> str | None:
    """The holiday's name (国庆节 / National Day in the page's language), None when ``day`` is no holiday."""
    cal = calendar(day.year, allow_provisional=allow_provisional)
    names = cal.holidays.get(day)
    if names is None:
        return None
    return names[1] if (language or current_lang()) == "en" else names[0]
