"""Working days for the planning tests, from plain data (no calendar library).

2025 as the State Council notice has it: Monday to Friday, minus the public holidays, plus the make-up
working days (调休上班日), two of them Saturdays (8 February, 11 October).
"""

from __future__ import annotations

from datetime import date, timedelta

HOLIDAYS_2025 = frozenset(
    [date(2025, 1, 1)]
    + [date(2025, 1, 28) + timedelta(days=i) for i in range(8)]  # Spring Festival, 28 Jan - 4 Feb
    + [date(2025, 4, 4)]  # Qingming
    + [date(2025, 5, 1) + timedelta(days=i) for i in range(5)]  # Labour Day, 1-5 May
    + [date(2025, 6, 2)]  # Dragon Boat
    + [date(2025, 10, 1) + timedelta(days=i) for i in range(8)]  # National Day and Mid-Autumn, 1-8 Oct
)
MAKE_UP_DAYS_2025 = frozenset(
    [date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)]
)


def working_days_2025() -> frozenset[date]:
    first = date(2025, 1, 1)
    days = [first + timedelta(days=i) for i in range(365)]
    return frozenset(d for d in days if d.weekday() < 5 and d not in HOLIDAYS_2025) | MAKE_UP_DAYS_2025


WORKING_DAYS = working_days_2025()
