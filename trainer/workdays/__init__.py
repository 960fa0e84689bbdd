"""The official working-day calendar (法定节假日与调休): the only place that decides what a working day is.

    from trainer.workdays import is_working_day, working_days_between, nth_working_day_after, holiday_name

A year that is not announced raises ``YearNotAnnounced`` unless the caller passes ``allow_provisional=True``
(then ``is_provisional_year(year)`` tells it to mark what it plans as provisional). See docs/workdays.md.
"""

from trainer.workdays.service import (
    DayInfo,
    YearCalendar,
    YearNotAnnounced,
    calendar,
    day_info,
    holiday_name,
    invalidate,
    is_provisional_range,
    is_provisional_year,
    is_working_day,
    next_working_day,
    nth_working_day_after,
    working_days_between,
    working_days_set,
    year_status,
)

__all__ = [
    "DayInfo", "YearCalendar", "YearNotAnnounced", "calendar", "day_info", "holiday_name", "invalidate",
    "is_provisional_range", "is_provisional_year", "is_working_day", "next_working_day", "nth_working_day_after",
    "working_days_between", "working_days_set", "year_status",
]
