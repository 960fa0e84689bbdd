"""Enter, import, correct and confirm a year's calendar (the State Council notice). Callers commit.

Every change validates the whole year first and changes nothing on any error. A change to an official year, or a
confirmation, lists what is already planned on days that are no longer working days (``WorkdayConflict``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.clock import now_utc
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.workdays import library, service
from trainer.workdays.models import (
    KIND_HOLIDAY,
    KIND_MAKEUP,
    SOURCE_FILE,
    SOURCE_NOTICE,
    SOURCES,
    STATUS_DRAFT,
    STATUS_OFFICIAL,
    CalendarEntry,
    CalendarYear,
    WorkdayConflict,
)

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_HOLIDAY_DAYS = 31
NO_ROW = "none"  # the stamp a form carries when the year had no row yet
MAX_NAME = 40
WEEKEND_WORDS = {"调休", "上班", "补班", "调休上班", "make-up", "makeup", "working", "day", "workday", "work", "-",
                 "：", ":", "，", ",", "、"}


@dataclass
class HolidayRange:
    name: str
    name_en: str
    festival: str | None
    start: date
    end: date
    line: int | None = None

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


@dataclass
class MakeupDay:
    day: date
    name: str = ""
    name_en: str = ""
    festival: str | None = None
    line: int | None = None


class NoticeInvalid(InvalidInput):
    """Every problem of a notice at once: field -> list of messages (``fields`` joins them for the API)."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = {k: v for k, v in errors.items() if v}
        super().__init__({k: " ".join(v) for k, v in self.errors.items()})


@dataclass
class SaveResult:
    calendar_year: CalendarYear
    added: int = 0
    changed: int = 0
    removed: int = 0
    no_longer_working: list[date] = field(default_factory=list)
    conflicts: list[WorkdayConflict] = field(default_factory=list)
    became_official: bool = False


# --- names -----------------------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u4e00-\u9fff]")


def holiday_names(text: str, name_en: str | None = None) -> tuple[str, str, str | None]:
    """'春节' -> ('春节', 'Spring Festival', 'spring_festival'); '国庆节/National Day' splits; English names get
    their Chinese name when known; an unknown name is kept as typed in both languages."""
    text = (text or "").strip()
    if "/" in text and not name_en:
        text, _sep, name_en = (part.strip() for part in text.partition("/"))
    key = library.festival_key(text) or (library.festival_key(name_en) if name_en else None)
    known_zh, known_en = library.festival_names(key, "")
    if _CJK.search(text) or not key:
        zh = text
    else:
        zh = known_zh
    en = (name_en or "").strip() or known_en or text
    return zh, en, key


# --- parsing the entry form -------------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def _dates_in(line: str, number: int, errors: list[str]) -> tuple[list[date], str]:
    found, rest, last = [], [], 0
    for match in _DATE.finditer(line):
        rest.append(line[last:match.start()])
        last = match.end()
        try:
            found.append(date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
        except ValueError:
            errors.append(_("Line %(line)s: %(value)s is not a valid date.", line=number, value=match.group(0)))
            found.append(None)
    rest.append(line[last:])
    return found, " ".join(rest)


def parse_holiday_lines(text: str) -> tuple[list[HolidayRange], list[str]]:
    """One holiday a line: name, first day, last day (春节 2027-02-06 2027-02-13); one date for a single day."""
    ranges, errors = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found, rest = _dates_in(line, number, errors)
        if None in found:
            continue
        name = re.sub(r"\s*(至|到|~|～|–|—|-|to)\s*$", "", rest.strip()).strip(" :：,，")
        name = re.sub(r"\s+(至|到|~|～|–|—|-|to)\s+", " ", f" {name} ").strip()
        if len(found) not in (1, 2):
            errors.append(_("Line %(line)s: write a name, the first day and the last day, "
                            "e.g. 春节 2027-02-06 2027-02-13.", line=number))
            continue
        if not name:
            errors.append(_("Line %(line)s: the holiday needs a name, e.g. 春节 2027-02-06 2027-02-13.",
                            line=number))
            continue
        zh, en, key = holiday_names(name)
        ranges.append(HolidayRange(name=zh, name_en=en, festival=key, start=found[0], end=found[-1], line=number))
    return ranges, errors


def parse_makeup_lines(text: str) -> tuple[list[MakeupDay], list[str]]:
    """Make-up working days, one or more dates a line, optionally with the festival: 调休 2027-02-20 春节."""
    days, errors = [], []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found, rest = _dates_in(line, number, errors)
        if None in found:
            continue
        if not found:
            errors.append(_("Line %(line)s: write the date of a make-up working day, e.g. 2027-02-20.",
                            line=number))
            continue
        words = [w for w in re.split(r"[\s,，、:：（）()]+", rest) if w and w.lower() not in WEEKEND_WORDS]
        zh, en, key = holiday_names(" ".join(words)) if words else ("", "", None)
        days.extend(MakeupDay(day=d, name=zh, name_en=en, festival=key, line=number) for d in found)
    return days, errors


# --- parsing a notice file (JSON) --------------------------------------------------------------------------------

class _Where:
    """'holiday 3' in the page's language, translated only when a message needs it."""

    def __init__(self, text: str, number: int):
        self.text, self.number = text, number

    def __str__(self) -> str:
        if self.text == "holiday %(n)s":
            return _("holiday %(n)s", n=self.number)
        return _("make-up day %(n)s", n=self.number)


def _iso(value, where, errors: list[str]) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        errors.append(_("%(where)s: %(value)s is not a date (write YYYY-MM-DD).", where=str(where), value=value))
        return None


def parse_notice_data(data) -> tuple[int, str | None, list[HolidayRange], list[MakeupDay]]:
    """A notice file's content (see docs/workdays.md) -> its parts; NoticeInvalid lists every problem."""
    errors: dict[str, list[str]] = {"year": [], "holidays": [], "makeup_days": [], "notice": []}
    if not isinstance(data, dict):
        raise NoticeInvalid({"file": [_("The file must hold one JSON object with year, holidays and "
                                        "makeup_workdays.")]})
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        errors["year"].append(_("Give the year as a number, e.g. \"year\": 2027."))
        year = 0
    notice = data.get("source", data.get("notice"))
    if notice is not None and not isinstance(notice, str):
        errors["notice"].append(_("The source must be the notice's title as text."))
        notice = None
    holidays: list[HolidayRange] = []
    raw_holidays = data.get("holidays")
    if not isinstance(raw_holidays, list):
        errors["holidays"].append(_("\"holidays\" must be a list of {name, start, end}."))
        raw_holidays = []
    for index, item in enumerate(raw_holidays, start=1):
        where = _Where("holiday %(n)s", index)
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            errors["holidays"].append(_("%(where)s: give name, start and end.", where=str(where)))
            continue
        start = _iso(item.get("start"), where, errors["holidays"])
        end = _iso(item.get("end", item.get("start")), where, errors["holidays"])
        if start is None or end is None:
            continue
        zh, en, key = holiday_names(str(item["name"]), item.get("name_en"))
        holidays.append(HolidayRange(name=zh, name_en=en, festival=key, start=start, end=end))
    makeups: list[MakeupDay] = []
    raw_makeups = data.get("makeup_workdays", [])
    if not isinstance(raw_makeups, list):
        errors["makeup_days"].append(_("\"makeup_workdays\" must be a list of dates."))
        raw_makeups = []
    for index, item in enumerate(raw_makeups, start=1):
        where = _Where("make-up day %(n)s", index)
        name, name_en = "", None
        if isinstance(item, dict):
            name, name_en, item = str(item.get("name") or ""), item.get("name_en"), item.get("date")
        day = _iso(item, where, errors["makeup_days"])
        if day is not None:
            zh, en, key = holiday_names(name, name_en) if name else ("", "", None)
            makeups.append(MakeupDay(day=day, name=zh, name_en=en, festival=key))
    if any(errors.values()):
        # Report the content's problems too, so one round of corrections is enough.
        merge_validation(errors, year, holidays, makeups, notice)
        raise NoticeInvalid(errors)
    return year, notice, holidays, makeups


def merge_validation(errors: dict[str, list[str]], year: int, holidays: list[HolidayRange],
                     makeups: list[MakeupDay], notice: str | None = None) -> dict[str, list[str]]:
    """Add validate_notice's findings to ``errors`` (parse errors found earlier)."""
    if not (MIN_YEAR <= year <= MAX_YEAR):
        return errors
    try:
        validate_notice(year, holidays, makeups, notice, require_holiday=False)
    except NoticeInvalid as error:
        for name, messages in error.errors.items():
            errors.setdefault(name, []).extend(m for m in messages if m not in errors.get(name, []))
    return errors


# --- validation --------------------------------------------------------------------------------------------------

def _span(item: HolidayRange) -> str:
    if item.start == item.end:
        return f"{item.name} {item.start.isoformat()}"
    return f"{item.name} {item.start.isoformat()}–{item.end.isoformat()}"


def validate_notice(year: int, holidays: list[HolidayRange], makeups: list[MakeupDay],
                    notice: str | None = None, require_holiday: bool = True) -> None:
    """Refuse, with every reason at once: dates outside the year, last before first, overlapping ranges,
    a make-up day on a weekday or inside a holiday, duplicates. Fills in the festival of make-up days."""
    from trainer.core.i18n import format_weekday

    errors: dict[str, list[str]] = {"year": [], "holidays": [], "makeup_days": [], "notice": []}
    if not (MIN_YEAR <= year <= MAX_YEAR):
        errors["year"].append(_("The year must be between %(first)s and %(last)s.", first=MIN_YEAR, last=MAX_YEAR))
        raise NoticeInvalid(errors)
    if notice is not None and len(notice) > 500:
        errors["notice"].append(_("Keep the notice reference under 500 characters."))
    if not holidays and require_holiday:
        errors["holidays"].append(_("Enter at least one holiday."))
    good: list[HolidayRange] = []
    for item in holidays:
        if len(item.name) > MAX_NAME or len(item.name_en) > 60:
            errors["holidays"].append(_("%(name)s: the name is too long.", name=item.name[:MAX_NAME]))
            continue
        if item.end < item.start:
            errors["holidays"].append(_("%(name)s: the last day %(end)s is before the first day %(start)s.",
                                        name=item.name, end=item.end.isoformat(), start=item.start.isoformat()))
            continue
        outside = [d for d in (item.start, item.end) if d.year != year]
        if outside:
            errors["holidays"].append(_("%(item)s: %(day)s is outside %(year)s; a notice for %(year)s may only "
                                        "list days of %(year)s.", item=_span(item), day=outside[0].isoformat(),
                                        year=year))
            continue
        if (item.end - item.start).days + 1 > MAX_HOLIDAY_DAYS:
            errors["holidays"].append(_("%(item)s is longer than %(max)s days; check the dates.", item=_span(item),
                                        max=MAX_HOLIDAY_DAYS))
            continue
        good.append(item)
    ordered = sorted(good, key=lambda h: (h.start, h.end))
    for first, second in zip(ordered, ordered[1:], strict=False):
        if second.start <= first.end:
            errors["holidays"].append(_("%(item)s overlaps %(other)s.", item=_span(second), other=_span(first)))
    holiday_of = {d: h for h in good for d in h.days()}
    seen: set[date] = set()
    for item in makeups:
        day = item.day
        if day.year != year:
            errors["makeup_days"].append(_("%(day)s is outside %(year)s; a notice for %(year)s may only list "
                                           "days of %(year)s.", day=day.isoformat(), year=year))
            continue
        if day in seen:
            errors["makeup_days"].append(_("%(day)s is listed twice.", day=day.isoformat()))
            continue
        seen.add(day)
        if day.weekday() < 5:
            errors["makeup_days"].append(_("%(day)s is a %(weekday)s: a make-up working day must be a Saturday or "
                                           "a Sunday.", day=day.isoformat(), weekday=format_weekday(day.weekday())))
            continue
        if day in holiday_of:
            errors["makeup_days"].append(_("%(day)s is inside the holiday %(item)s: it cannot also be a make-up "
                                           "working day.", day=day.isoformat(), item=_span(holiday_of[day])))
            continue
        if not item.name and good:
            nearest = min(good, key=lambda h: min(abs((h.start - day).days), abs((h.end - day).days)))
            item.name, item.name_en, item.festival = nearest.name, nearest.name_en, nearest.festival
    if any(errors.values()):
        raise NoticeInvalid(errors)


# --- saving ------------------------------------------------------------------------------------------------------

def year_row(year: int) -> CalendarYear | None:
    return db.session.scalar(select(CalendarYear).where(CalendarYear.year == year)
                             .options(selectinload(CalendarYear.entries)))


def ensure_year_loaded(year: int) -> CalendarYear | None:
    """The year's row, storing the library's calendar first when the library knows the year."""
    row = year_row(year)
    if row is None and library.knows(year):
        service.store_library_year(year, db.session)
        service.invalidate(year)
        row = year_row(year)
    return row


def _working_set(year: int, entries: dict[date, tuple]) -> frozenset[date]:
    holidays = {d: v for d, v in entries.items() if v[0] == KIND_HOLIDAY}
    makeup = {d: v for d, v in entries.items() if v[0] == KIND_MAKEUP}
    return service._build(year, STATUS_DRAFT, None, None, holidays, makeup).working


def _non_working_days(year: int, working: frozenset[date]) -> list[date]:
    return [d for d in service._all_days(year) if d not in working]


def save_year(year: int, *, holidays: list[HolidayRange], makeups: list[MakeupDay], notice: str | None = None,
              source: str = SOURCE_NOTICE, confirm: bool = False, user=None, stamp: str | None = None) -> SaveResult:
    """Replace the year's entries with ``holidays`` and ``makeups`` (a draft, unless the year is official: then
    it is a correction that takes effect at once). ``confirm`` also makes it official. ``stamp`` is the year's
    stamp when the form was opened: a different one means someone else saved in between."""
    if source not in SOURCES:
        raise InvalidInput({"source": _("Unknown source.")})
    validate_notice(year, holidays, makeups, notice)
    row = ensure_year_loaded(year)
    if stamp and stamp != (row.stamp if row is not None else NO_ROW):
        raise InvalidInput({}, _("Someone else changed the calendar of %(year)s since you opened this page. "
                                 "Open it again to see their changes.", year=year))
    was_official = row is not None and row.status == STATUS_OFFICIAL
    old = {e.day: (e.kind, e.name, e.name_en, e.festival) for e in (row.entries if row else [])}
    new: dict[date, tuple] = {}
    for item in holidays:
        for day in item.days():
            new[day] = (KIND_HOLIDAY, item.name, item.name_en, item.festival)
    for item in makeups:
        new[item.day] = (KIND_MAKEUP, item.name or "", item.name_en or item.name or "", item.festival)
    if row is None:
        row = CalendarYear(year=year, status=STATUS_DRAFT, source=source)
        db.session.add(row)
    result = SaveResult(calendar_year=row)
    by_day = {e.day: e for e in row.entries}
    for day, entry in by_day.items():
        if day not in new:
            row.entries.remove(entry)
            result.removed += 1
    db.session.flush()  # deletions first: a day may move between rows of the unique index
    for day, (kind, name, name_en, festival) in sorted(new.items()):
        entry = by_day.get(day)
        if entry is None:
            row.entries.append(CalendarEntry(day=day, kind=kind, name=name, name_en=name_en, festival=festival))
            result.added += 1
        elif (entry.kind, entry.name, entry.name_en, entry.festival) != (kind, name, name_en, festival):
            entry.kind, entry.name, entry.name_en, entry.festival = kind, name, name_en, festival
            result.changed += 1
    changed = bool(result.added or result.changed or result.removed)
    if changed:
        row.source = source
    if notice is not None and notice.strip() and notice.strip() != (row.notice or ""):
        row.notice = notice.strip()
    becomes_official = confirm and row.status != STATUS_OFFICIAL
    if becomes_official:
        row.status = STATUS_OFFICIAL
        row.confirmed_by_id = getattr(user, "id", None)
        row.confirmed_at = now_utc()
    if changed or becomes_official or row.stamp is None:
        row.touch()
    db.session.flush()
    service.invalidate(year)
    new_working = _working_set(year, new)
    if was_official and changed:
        old_working = _working_set(year, old)
        result.no_longer_working = sorted(old_working - new_working)
        result.conflicts = _record(year, result.no_longer_working)
    elif becomes_official:
        result.became_official = True
        result.no_longer_working = _non_working_days(year, new_working)
        result.conflicts = _record(year, result.no_longer_working)
        _run_official_hooks(year)
    return result


def _record(year: int, days: list[date]) -> list[WorkdayConflict]:
    from trainer.workdays.conflicts import record_conflicts

    return record_conflicts(year, days)


def _run_official_hooks(year: int) -> None:
    from trainer.workdays.conflicts import official_hooks

    for hook in official_hooks():
        hook(year)


def entries_as_ranges(row: CalendarYear | None) -> tuple[list[HolidayRange], list[MakeupDay]]:
    """A year's entries grouped back into holiday ranges (consecutive days of one name) and make-up days."""
    holidays: list[HolidayRange] = []
    makeups: list[MakeupDay] = []
    for entry in sorted(row.entries if row else [], key=lambda e: e.day):
        if entry.kind == KIND_MAKEUP:
            makeups.append(MakeupDay(day=entry.day, name=entry.name, name_en=entry.name_en, festival=entry.festival))
            continue
        last = holidays[-1] if holidays else None
        if last and last.name == entry.name and last.end + timedelta(days=1) == entry.day:
            last.end = entry.day
        else:
            holidays.append(HolidayRange(name=entry.name, name_en=entry.name_en, festival=entry.festival,
                                         start=entry.day, end=entry.day))
    return holidays, makeups


def format_holiday_lines(holidays: list[HolidayRange]) -> str:
    lines = []
    for h in holidays:
        known = library.festival_names(h.festival, "")
        name = h.name if (h.name, h.name_en) == known or h.name_en in ("", h.name) else f"{h.name}/{h.name_en}"
        lines.append(f"{name} {h.start.isoformat()} {h.end.isoformat()}")
    return "\n".join(lines)


def format_makeup_lines(makeups: list[MakeupDay]) -> str:
    return "\n".join(f"调休 {m.day.isoformat()} {m.name}".rstrip() for m in makeups)


def confirm_year(year: int, user=None) -> SaveResult:
    """Make a draft official: from now on its days are working days without ``allow_provisional``, and what
    is planned on its non-working days is listed as conflicts."""
    row = year_row(year)
    if row is None:
        raise InvalidInput({"year": _("Nothing has been entered for %(year)s yet.", year=year)})
    if row.status == STATUS_OFFICIAL:
        raise InvalidInput({"year": _("The calendar of %(year)s is already official.", year=year)})
    holidays, makeups = entries_as_ranges(row)
    return save_year(year, holidays=holidays, makeups=makeups, source=row.source, confirm=True, user=user)


def discard_draft(year: int) -> None:
    row = year_row(year)
    if row is None or row.status != STATUS_DRAFT:
        raise InvalidInput({"year": _("Only a draft can be discarded.")})
    db.session.delete(row)
    db.session.flush()
    service.invalidate(year)


def import_notice(data, *, source: str = SOURCE_FILE, confirm: bool = False, user=None) -> SaveResult:
    """Import a notice file's content: validates everything first, changes nothing on any error."""
    year, notice, holidays, makeups = parse_notice_data(data)
    return save_year(year, holidays=holidays, makeups=makeups, notice=notice, source=source, confirm=confirm,
                     user=user)


def correct_entry(entry: CalendarEntry, *, day: date, kind: str, name: str, name_en: str | None = None,
                  stamp: str | None = None) -> SaveResult:
    """Correct one day of a year (its date, kind or name); the whole year is validated again."""
    row = entry.calendar_year
    if kind not in (KIND_HOLIDAY, KIND_MAKEUP):
        raise InvalidInput({"kind": _("Choose holiday or make-up working day.")})
    if day.year != row.year:
        raise InvalidInput({"day": _("%(day)s is outside %(year)s; a notice for %(year)s may only list days of "
                                     "%(year)s.", day=day.isoformat(), year=row.year)})
    if not (name or "").strip():
        raise InvalidInput({"name": _("Give the holiday's name.")})
    clash = next((e for e in row.entries if e.day == day and e is not entry), None)
    if clash is not None:
        raise InvalidInput({"day": _("%(day)s already has an entry (%(name)s).", day=day.isoformat(),
                                     name=clash.name)})
    zh, en, key = holiday_names(name, name_en)
    holidays, makeups = entries_as_ranges(row)
    holidays = [h for h in _split_out(holidays, entry.day)]
    makeups = [m for m in makeups if m.day != entry.day]
    if kind == KIND_HOLIDAY:
        holidays.append(HolidayRange(name=zh, name_en=en, festival=key, start=day, end=day))
    else:
        makeups.append(MakeupDay(day=day, name=zh, name_en=en, festival=key))
    try:
        return save_year(row.year, holidays=holidays, makeups=makeups, source=row.source,
                         confirm=False, stamp=stamp)
    except NoticeInvalid as error:
        raise InvalidInput({"day": " ".join(sum(error.errors.values(), []))}) from None


def _split_out(holidays: list[HolidayRange], day: date) -> list[HolidayRange]:
    """The ranges without ``day`` (a range it falls in is cut in two)."""
    out = []
    for h in holidays:
        if not (h.start <= day <= h.end):
            out.append(h)
            continue
        if h.start < day:
            out.append(HolidayRange(h.name, h.name_en, h.festival, h.start, day - timedelta(days=1)))
        if day < h.end:
            out.append(HolidayRange(h.name, h.name_en, h.festival, day + timedelta(days=1), h.end))
    return out


def delete_entry(entry: CalendarEntry, stamp: str | None = None) -> SaveResult:
    """Remove one day from a year (the day goes back to an ordinary weekday or weekend)."""
    row = entry.calendar_year
    holidays, makeups = entries_as_ranges(row)
    holidays = _split_out(holidays, entry.day)
    makeups = [m for m in makeups if m.day != entry.day]
    try:
        return save_year(row.year, holidays=holidays, makeups=makeups, source=row.source, stamp=stamp)
    except NoticeInvalid as error:
        raise InvalidInput({"day": " ".join(sum(error.errors.values(), []))}) from None


def recheck_year(year: int) -> list[WorkdayConflict]:
    """Look again for plans on the non-working days of an official year (after an area planned more)."""
    cal = service.calendar(year)
    return _record(year, _non_working_days(year, cal.working))


def resolve_conflict(conflict: WorkdayConflict, user=None, resolved: bool = True) -> None:
    conflict.resolved = resolved
    conflict.resolved_at = now_utc() if resolved else None
    conflict.resolved_by_id = getattr(user, "id", None) if resolved else None
    db.session.flush()


__all__ = ["HolidayRange", "MakeupDay", "NoticeInvalid", "SaveResult", "confirm_year", "correct_entry",
           "delete_entry", "discard_draft", "entries_as_ranges", "import_notice", "parse_holiday_lines",
           "parse_makeup_lines", "parse_notice_data", "recheck_year", "resolve_conflict", "save_year",
           "validate_notice", "SOURCE_FILE", "SOURCE_NOTICE"]
