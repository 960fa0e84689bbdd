"""How evenly a duty roster spreads each lawyer's shifts: the evenness wish in numbers, and the figures a
coordinator reads off a roster (used by the solver's stats, the benchmark and the roster page)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from trainer.planning.common import daterange

if TYPE_CHECKING:
    from trainer.planning.duty import DutyAssignment, DutyRequest, ShiftSpec

BURST_DAYS = 3


def spread_limits(days: int, shifts_per_day: int, per_shift: int, lawyers: int) -> tuple[int, int]:
    """The evenness wish in numbers: (at most this many shifts within BURST_DAYS days, at least one shift in
    every stretch of this many days), from the even rate (shifts per lawyer and day). 14 days x 3 shifts, one
    lawyer a shift, 8 lawyers: at most 2 shifts in 3 days, a shift in every 4 days."""
    rate = shifts_per_day * per_shift / max(1, lawyers)
    burst = max(1, math.ceil(rate * BURST_DAYS - 1e-9))
    idle = max(2, math.ceil(1.25 / rate - 1e-9)) if rate > 0 else days + 1
    return burst, idle


def shift_times(day: date, spec: ShiftSpec) -> tuple[datetime, datetime]:
    start = datetime.combine(day, spec.start)
    end = datetime.combine(day, spec.end)
    if end <= start:
        end += timedelta(days=1)
    return start, end


@dataclass(frozen=True)
class LawyerSpread:
    """How one lawyer's shifts are spread over the period, as a coordinator reads a roster."""

    shifts: int
    nights: int
    longest_idle_days: int  # the longest stretch of days free to serve without a shift (leave days skipped)
    most_in_3_days: int  # the most shifts within BURST_DAYS consecutive days
    too_soon_after_night: int  # shifts starting less than rest_after_night_h after a night shift ends


def lawyer_spread(req: DutyRequest, assignments: Iterable[DutyAssignment]) -> dict[int, LawyerSpread]:
    """Each lawyer's :class:`LawyerSpread` in a roster (the figures the evenness wish and the rest rule aim at)."""
    specs = {spec.code: spec for spec in req.shifts}
    by_lawyer: dict[int, list[DutyAssignment]] = defaultdict(list)
    for a in assignments:
        if a.shift_code in specs:
            by_lawyer[a.lawyer_id].append(a)
    days = list(daterange(req.first_day, req.last_day))
    rest = timedelta(hours=req.rest_after_night_h)
    spread: dict[int, LawyerSpread] = {}
    for lawyer in req.lawyers:
        mine = by_lawyer.get(lawyer.id, [])
        on = Counter(a.day for a in mine)
        run = longest = 0
        for day in days:
            if on[day]:
                run = 0
            elif day not in lawyer.unavailable_days:
                run += 1
                longest = max(longest, run)
        burst = max((sum(on[d] for d in days[k:k + BURST_DAYS]) for k in range(max(1, len(days) - BURST_DAYS + 1))),
                    default=0)
        times = sorted((*shift_times(a.day, specs[a.shift_code]), specs[a.shift_code].night) for a in mine)
        too_soon = sum(1 for (_s, end, night), (next_start, _e, _n) in zip(times, times[1:], strict=False)
                       if night and next_start - end < rest)
        nights = sum(1 for a in mine if specs[a.shift_code].night)
        spread[lawyer.id] = LawyerSpread(len(mine), nights, longest, burst, too_soon)
    return spread


def roster_spread(req: DutyRequest, assignments: Iterable[DutyAssignment]) -> dict[str, int]:
    """The roster's spread in figures: the worst of each :class:`LawyerSpread` figure over the lawyers."""
    figures = list(lawyer_spread(req, assignments).values())
    return {"longest_idle_days": max((f.longest_idle_days for f in figures), default=0),
            "most_in_3_days": max((f.most_in_3_days for f in figures), default=0),
            "shifts_min": min((f.shifts for f in figures), default=0),
            "shifts_max": max((f.shifts for f in figures), default=0),
            "nights_min": min((f.nights for f in figures), default=0),
            "nights_max": max((f.nights for f in figures), default=0),
            "too_soon_after_night": sum(f.too_soon_after_night for f in figures)}
