"""The computed dates of the festivals of a year nobody has announced yet (the provisional calendar).

The lunar festivals' dates are known years ahead: 春节 (with 除夕), 清明节, 端午节 and 中秋节; only the length of the
break around them and the make-up working days (调休上班) wait for the State Council's notice. The ``holidays``
package computes them (``holidays.China``); we take its festival days, including the days it adds when a festival
falls on a weekend ("observed", which keeps planners off the days the break usually covers), and nothing else:
its substituted days off of announced years are not used (those years come from ``chinese_calendar``).
"""

from __future__ import annotations

import logging
from datetime import date
from functools import cache

import holidays as holidays_package

log = logging.getLogger(__name__)

# The package's English names (language "en_US") -> our festival keys (trainer.workdays.library.FESTIVALS).
_KEYS = {
    "New Year's Day": "new_years_day",
    "Chinese New Year's Eve": "spring_festival",
    "Chinese New Year (Spring Festival)": "spring_festival",
    "Tomb-Sweeping Day": "tomb_sweeping_day",
    "Labor Day": "labour_day",
    "Dragon Boat Festival": "dragon_boat_festival",
    "Mid-Autumn Festival": "mid_autumn_festival",
    "National Day": "national_day",
}
LUNAR = ("spring_festival", "tomb_sweeping_day", "dragon_boat_festival", "mid_autumn_festival")


def _key(name: str) -> str | None:
    return _KEYS.get(name.strip().removesuffix("(observed)").strip())


@cache
def festival_days(year: int) -> dict[date, str]:
    """Day -> festival key of every computed festival day of ``year`` (empty when the package cannot say)."""
    try:
        found = holidays_package.country_holidays("CN", years=year, language="en_US")
        items = sorted(found.items())
    except Exception as error:  # noqa: BLE001 - an estimate must never break a calendar answer
        log.warning("no computed festival dates for %s: %s", year, error)
        return {}
    days: dict[date, str] = {}
    for day, names in items:
        for name in str(names).split(";"):
            key = _key(name)
            if key is not None:
                days.setdefault(day, key)
    return days
