"""Months as ``(year, month)`` tuples: parsing "2027-01", ranges, first and last days, neighbours.

Every area that plans, reports or pages by month uses these; nothing else does month arithmetic.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import gettext as _

from trainer.core.inputs import FIRST_DAY, LAST_DAY
from trainer.core.validation import InvalidInput

Month = tuple[int, int]
MAX_MONTHS = 12
FIRST_YEAR, LAST_YEAR = FIRST_DAY.year, LAST_DAY.year  # the input rule's dates


def parse_month(value: str | Month, field_name: str = "month") -> Month:
    """ "2027-01" -> (2027, 1); a bad value is an InvalidInput naming ``field_name``."""
    if isinstance(value, tuple):
        return value
    match = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(value or ""))
    if not match or not 1 <= int(match.group(2)) <= 12 or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
        raise InvalidInput({field_name: _("Write a month as 2027-01.")})
    return int(match.group(1)), int(match.group(2))


def month_of(day: date) -> Month:
    return day.year, day.month


def shift_month(month: Month, delta: int) -> Month:
    index = month[0] * 12 + month[1] - 1 + delta
    return index // 12, index % 12 + 1


def next_month(day: date) -> Month:
    return shift_month(month_of(day), 1)


def previous_month(day: date) -> Month:
    return shift_month(month_of(day), -1)


def month_range(first: Month, last: Month, *, limit: int = MAX_MONTHS) -> list[Month]:
    """Every month from ``first`` to ``last``; at most ``limit`` of them."""
    if last < first:
        raise InvalidInput({"last_month": _("The last month must not come before the first.")})
    months, current = [], first
    while current <= last:
        months.append(current)
        current = shift_month(current, 1)
    if len(months) > limit:
        raise InvalidInput({"last_month": _("Plan at most %(n)s months at once.", n=limit)})
    return months


def month_bounds(month: Month) -> tuple[date, date]:
    """The first and the last day of the month."""
    first = date(month[0], month[1], 1)
    return first, date(*shift_month(month, 1), 1) - timedelta(days=1)


def month_key(month: Month) -> str:
    return f"{month[0]:04d}-{month[1]:02d}"
