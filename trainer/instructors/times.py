"""Days and times of meetings and bargaining sessions: "09:30", and only on working days (trainer.workdays)."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from trainer.core.i18n import format_day
from trainer.core.validation import InvalidInput
from trainer.workdays import YearNotAnnounced, holiday_name, is_provisional_year, is_working_day

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def parse_hhmm(value: str, field_name: str) -> str:
    value = (value or "").strip()
    if not HHMM.match(value):
        raise InvalidInput({field_name: _("Write the time as 09:30.")})
    return value


def check_day(day: date, field_name: str = "day") -> bool:
    """Refuse a non-working day; returns True when the day's year is only provisional."""
    try:
        working = is_working_day(day)
        provisional = False
    except YearNotAnnounced:
        working = is_working_day(day, allow_provisional=True)
        provisional = is_provisional_year(day.year)
    if not working:
        name = holiday_name(day, allow_provisional=True)
        reason = name or _("a weekend")
        raise InvalidInput({field_name: _("%(day)s is not a working day (%(reason)s); choose a working day.",
                                          day=format_day(day), reason=reason)})
    return provisional
