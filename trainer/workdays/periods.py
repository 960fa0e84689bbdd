"""Periods counted in days by the civil code's rule (《民法典》第二百零三条): when the last day of a period is a
statutory holiday or a rest day, the period ends on the first working day after it.

    end = period_end(date(2026, 9, 11), 20)   # 2026-10-01 is 国庆节
    end.day -> 2026-10-08, end.reason() -> "2026年10月1日是国庆节，按《民法典》第二百零三条顺延至2026年10月8日。"

Whether a day is a working day comes from ``trainer.workdays`` only (official notices, make-up working days). A
year not announced yet is answered on its provisional calendar and the end is marked ``provisional``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from trainer.core.i18n import format_day, lang
from trainer.workdays.service import day_info, is_provisional_year, next_working_day


@dataclass(frozen=True)
class PeriodEnd:
    """The last day of a period: ``nominal`` is the day counted, ``day`` the one that counts."""

    day: date
    nominal: date
    kind: str | None  # why it moved: holiday | weekend; None when it did not
    holiday: str | None  # the holiday's Chinese name when kind is holiday
    holiday_en: str | None
    provisional: bool  # answered on a calendar not announced yet

    @property
    def moved(self) -> bool:
        return self.day != self.nominal

    def reason(self, language: str | None = None) -> str:
        """Why the day moved, in the page's language; empty when it did not."""
        if not self.moved:
            return ""
        if self.kind == "holiday":
            english = (language or lang()) == "en"
            name = (self.holiday_en if english and self.holiday_en else self.holiday) or _("a holiday")
            text = _("%(day)s is %(name)s; the period ends on the next working day, %(end)s (Civil Code art. 203).",
                     day=format_day(self.nominal), name=name, end=format_day(self.day))
        else:
            text = _("%(day)s is a rest day; the period ends on the next working day, %(end)s (Civil Code "
                     "art. 203).", day=format_day(self.nominal), end=format_day(self.day))
        if self.provisional:
            text += " " + _("(estimated: that year's holidays are not announced yet)")
        return text


def period_end(start: date, days: int) -> PeriodEnd:
    """The end of a period of ``days`` days from ``start``, moved off rest days and holidays."""
    nominal = start + timedelta(days=days)
    info = day_info(nominal, allow_provisional=True)
    if info.working:
        return PeriodEnd(nominal, nominal, None, None, None, info.provisional)
    actual = next_working_day(nominal, allow_provisional=True)
    provisional = info.provisional or is_provisional_year(actual.year)
    kind = "holiday" if info.kind == "holiday" else "weekend"
    return PeriodEnd(actual, nominal, kind, info.name, info.name_en, provisional)
