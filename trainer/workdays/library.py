"""What the ``chinese_calendar`` package (PyPI: chinesecalendar) knows: the official calendars it ships.

It covers a fixed range of years (2004–2026 in 1.11) and refuses later ones, which is what we want: a year it does
not know is "not announced", never a guess. Its festival names are English; we add the Chinese names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from trainer.workdays.models import KIND_HOLIDAY, KIND_MAKEUP

# festival key -> (Chinese name, English name), in calendar order.
FESTIVALS: dict[str, tuple[str, str]] = {
    "new_years_day": ("元旦", "New Year's Day"),
    "spring_festival": ("春节", "Spring Festival"),
    "tomb_sweeping_day": ("清明节", "Tomb-sweeping Day"),
    "labour_day": ("劳动节", "Labour Day"),
    "dragon_boat_festival": ("端午节", "Dragon Boat Festival"),
    "mid_autumn_festival": ("中秋节", "Mid-autumn Festival"),
    "national_day": ("国庆节", "National Day"),
    "anti_fascist_70th_day": ("抗战胜利纪念日", "Anti-Fascist 70th Day"),
}
# Other spellings people type in the entry form.
_ALIASES = {
    "新年": "new_years_day", "元旦节": "new_years_day", "清明": "tomb_sweeping_day", "五一": "labour_day",
    "劳动节": "labour_day", "五一劳动节": "labour_day", "端午": "dragon_boat_festival", "中秋": "mid_autumn_festival",
    "国庆": "national_day", "十一": "national_day", "国庆节、中秋节": "national_day",
    "中秋节、国庆节": "national_day", "中秋国庆": "national_day",
    "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": "anti_fascist_70th_day",
    "new year": "new_years_day", "new year's day": "new_years_day", "chinese new year": "spring_festival",
    "spring festival": "spring_festival", "qingming": "tomb_sweeping_day", "qingming festival": "tomb_sweeping_day",
    "tomb-sweeping day": "tomb_sweeping_day", "labour day": "labour_day", "labor day": "labour_day",
    "may day": "labour_day", "dragon boat festival": "dragon_boat_festival",
    "mid-autumn festival": "mid_autumn_festival", "mid autumn festival": "mid_autumn_festival",
    "national day": "national_day", "anti-fascist 70th day": "anti_fascist_70th_day",
}
_BY_ZH = {zh: key for key, (zh, _en) in FESTIVALS.items()}
_BY_EN = {en: key for key, (_zh, en) in FESTIVALS.items()}


def festival_key(name: str) -> str | None:
    """The stable key of a festival from its Chinese or English name (None for a name we do not know)."""
    name = (name or "").strip()
    return _BY_ZH.get(name) or _BY_EN.get(name) or _ALIASES.get(name) or _ALIASES.get(name.lower())


def festival_names(key: str | None, fallback: str = "") -> tuple[str, str]:
    if key in FESTIVALS:
        return FESTIVALS[key]
    return fallback, fallback


@dataclass(frozen=True)
class LibraryDay:
    day: date
    kind: str
    name: str
    name_en: str
    festival: str | None


@cache
def year_range() -> tuple[int, int] | None:
    """(first, last) year the library knows, or None when it is not installed."""
    try:
        from chinese_calendar.constants import holidays
    except ImportError:  # pragma: no cover - the package is a dependency
        return None
    years = {day.year for day in holidays}
    return min(years), max(years)


def knows(year: int) -> bool:
    span = year_range()
    return span is not None and span[0] <= year <= span[1]


def _key_of(english: str) -> str | None:
    return _BY_EN.get(english) or _ALIASES.get(english.lower())


@cache
def year_days(year: int) -> tuple[LibraryDay, ...]:
    """The holidays and make-up working days of ``year`` as the library ships them (empty if unknown)."""
    if not knows(year):
        return ()
    from chinese_calendar.constants import holidays, workdays

    days = []
    for source, kind in ((holidays, KIND_HOLIDAY), (workdays, KIND_MAKEUP)):
        for day, english in source.items():
            if day.year != year:
                continue
            english = str(getattr(english, "value", english))
            key = _key_of(english)
            zh, en = festival_names(key, english)
            days.append(LibraryDay(day=day, kind=kind, name=zh, name_en=en, festival=key))
    return tuple(sorted(days, key=lambda d: d.day))
