"""A notice's content (国务院办公厅关于…部分节假日安排的通知): holiday ranges and make-up working days, read from
the entry form's lines or a notice file, checked as a whole (every problem at once), and written back as lines.

Nothing here touches the database; ``trainer.workdays.operations`` saves what this reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from trainer.core.i18n import format_weekday
from trainer.core.inputs import place, problems_in
from trainer.core.validation import InvalidInput
from trainer.exchange.rows import Problems
from trainer.workdays import library
from trainer.workdays.models import KIND_MAKEUP, CalendarYear

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_HOLIDAY_DAYS = 31
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

    def messages_of(self, name: str) -> list[str]:
        return list(self.errors[name])


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


def _dated_lines(text: str, errors: list[str]) -> Iterator[tuple[int, list[date], str]]:
    """(line number, its dates, the rest of the line) for every line that is neither empty, a # comment, nor
    holding a date that does not exist (that one is noted in ``errors``)."""
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        found, rest = _dates_in(line, number, errors)
        if None not in found:
            yield number, found, rest


def parse_holiday_lines(text: str) -> tuple[list[HolidayRange], list[str]]:
    """One holiday a line: name, first day, last day (春节 2027-02-06 2027-02-13); one date for a single day."""
    ranges, errors = [], []
    for number, found, rest in _dated_lines(text, errors):
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
    for number, found, rest in _dated_lines(text, errors):
        if not found:
            errors.append(_("Line %(line)s: write the date of a make-up working day, e.g. 2027-02-20.",
                            line=number))
            continue
        words = [w for w in re.split(r"[\s,，、:：（）()]+", rest) if w and w.lower() not in WEEKEND_WORDS]
        zh, en, key = holiday_names(" ".join(words)) if words else ("", "", None)
        days.extend(MakeupDay(day=d, name=zh, name_en=en, festival=key, line=number) for d in found)
    return days, errors


# --- parsing a notice file (JSON) --------------------------------------------------------------------------------

PROBLEM_GROUPS = {"source": "notice", "makeup_workdays": "makeup_days"}  # the file's key -> the form's field
_PLACE = re.compile(r"^(\w+)(?:\[(\d+)\])?")


def _place(key: str, number: int) -> str:
    """'holiday 3' / 'make-up day 2' in the page's language."""
    if key == "holidays":
        return _("holiday %(n)s", n=number)
    return _("make-up day %(n)s", n=number)


def _grouped(problems: Problems) -> dict[str, list[str]]:
    """The file's problems (``holidays[3].start`` -> message) as the messages of each form field, each item's
    problems led by its place ("holiday 3: …")."""
    errors: dict[str, list[str]] = {"year": [], "holidays": [], "makeup_days": [], "notice": []}
    for where, message in problems.items():
        match = _PLACE.match(where)
        key, number = match.group(1), match.group(2)
        if number is not None:
            message = _("%(where)s: %(problem)s", where=_place(key, int(number)), problem=message)
        errors.setdefault(PROBLEM_GROUPS.get(key, key), []).append(message)
    return errors


def parse_notice_data(data) -> tuple[int, str | None, list[HolidayRange], list[MakeupDay]]:
    """A notice file's content (see docs/workdays.md) -> its parts; NoticeInvalid lists every problem.

    Values are read as every import reads them (``trainer.exchange.rows``: one wording in every area)."""
    if not isinstance(data, dict):
        raise NoticeInvalid({"file": [_("The file must hold one JSON object with year, holidays and "
                                        "makeup_workdays.")]})
    problems = Problems()
    for path, message in problems_in(data).items():  # the input rule on every value (items counted from 1 here)
        problems.add(place(tuple(p + 1 if isinstance(p, int) else p for p in path)), message)
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        problems.add("year", _("Give the year as a number, e.g. \"year\": 2027."))
        year = 0
    notice = data.get("source", data.get("notice"))
    if notice is not None and not isinstance(notice, str):
        problems.add("source", _("The source must be the notice's title as text."))
        notice = None
    holidays: list[HolidayRange] = []
    raw_holidays = data.get("holidays")
    if not isinstance(raw_holidays, list):
        problems.add("holidays", _("\"holidays\" must be a list of {name, start, end}."))
        raw_holidays = []
    for index, item in enumerate(raw_holidays, start=1):
        where = f"holidays[{index}]"
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            problems.add(where, _("give name, start and end."))
            continue
        start = problems.value(item.get("start"), f"{where}.start", "date")
        end = problems.value(item.get("end", item.get("start")), f"{where}.end", "date")
        if start is None or end is None:
            continue
        zh, en, key = holiday_names(str(item["name"]), item.get("name_en"))
        holidays.append(HolidayRange(name=zh, name_en=en, festival=key, start=start, end=end))
    makeups: list[MakeupDay] = []
    raw_makeups = data.get("makeup_workdays", [])
    if not isinstance(raw_makeups, list):
        problems.add("makeup_workdays", _("\"makeup_workdays\" must be a list of dates."))
        raw_makeups = []
    for index, item in enumerate(raw_makeups, start=1):
        name, name_en = "", None
        if isinstance(item, dict):
            name, name_en, item = str(item.get("name") or ""), item.get("name_en"), item.get("date")
        day = problems.value(item, f"makeup_workdays[{index}]", "date")
        if day is not None:
            zh, en, key = holiday_names(name, name_en) if name else ("", "", None)
            makeups.append(MakeupDay(day=day, name=zh, name_en=en, festival=key))
    if problems:
        # Report the content's problems too, so one round of corrections is enough.
        raise NoticeInvalid(merge_validation(_grouped(problems), year, holidays, makeups, notice))
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


def without_day(holidays: list[HolidayRange], day: date) -> list[HolidayRange]:
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
