"""The 24-hour telephone duty roster, checked the way a coordinator would check it."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from trainer.planning.duty import (
    DutyAssignment,
    DutyLawyerSpec,
    DutyRequest,
    ShiftSpec,
    check_duty,
    plan_duty,
    shift_times,
)

THREE_SHIFTS = (
    ShiftSpec("night", time(0), time(8), night=True),
    ShiftSpec("day", time(8), time(16)),
    ShiftSpec("evening", time(16), time(0)),  # ends at midnight
)
FIRST, LAST = date(2025, 2, 1), date(2025, 2, 14)  # includes weekends: duty is every calendar day


def days() -> list[date]:
    return [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


def assert_coordinator_checks(req: DutyRequest, assignments) -> None:
    staffed = Counter((a.day, a.shift_code) for a in assignments)
    for day in days():
        for spec in req.shifts:
            assert staffed[(day, spec.code)] == req.per_shift, (day, spec.code)
    lawyers = {lw.id: lw for lw in req.lawyers}
    by_lawyer: dict[int, list[tuple[datetime, datetime]]] = {}
    specs = {s.code: s for s in req.shifts}
    for a in assignments:
        start, end = shift_times(a.day, specs[a.shift_code])
        lawyer = lawyers[a.lawyer_id]
        # Leave: no shift touching an unavailable day; busy times: no clash.
        assert start.date() not in lawyer.unavailable_days
        assert (end - timedelta(seconds=1)).date() not in lawyer.unavailable_days
        assert not any(start < busy_end and busy_start < end for busy_start, busy_end in lawyer.busy)
        by_lawyer.setdefault(a.lawyer_id, []).append((start, end))
    for shifts in by_lawyer.values():
        shifts.sort()
        for (_, end), (next_start, _) in zip(shifts, shifts[1:], strict=False):
            assert end <= next_start, "overlapping shifts"


def test_every_shift_is_covered_fairly_and_leave_is_respected() -> None:
    leave = frozenset({date(2025, 2, 3), date(2025, 2, 4), date(2025, 2, 10)})
    visit = (datetime(2025, 2, 5, 9, 0), datetime(2025, 2, 5, 11, 30))  # a station visit
    lawyers = tuple(
        DutyLawyerSpec(i, unavailable_days=leave if i == 1 else frozenset(), busy=(visit,) if i == 2 else ())
        for i in range(1, 9)
    )
    req = DutyRequest(first_day=FIRST, last_day=LAST, shifts=THREE_SHIFTS, lawyers=lawyers, per_shift=2,
                      time_limit_s=3.0)
    result = plan_duty(req)

    assert result.problems == ()
    assert_coordinator_checks(req, result.assignments)
    assert check_duty(req, result.assignments) == []
    # Weekends are covered like any day.
    assert any(a.day == date(2025, 2, 8) for a in result.assignments)
    # 14 days x 3 shifts x 2 = 84 shifts for 8 lawyers: 10 or 11 each.
    load = Counter(a.lawyer_id for a in result.assignments)
    assert max(load.values()) == 11 and min(load.values()) >= 10
    # Wish kept here: nobody works twice on one day.
    assert max(Counter((a.lawyer_id, a.day) for a in result.assignments).values()) == 1


def test_a_night_shift_across_midnight_respects_the_next_days_leave() -> None:
    shifts = (ShiftSpec("day", time(8), time(20)), ShiftSpec("night", time(20), time(8), night=True))
    lawyers = (DutyLawyerSpec(1, unavailable_days=frozenset({date(2025, 2, 2)})), DutyLawyerSpec(2),
               DutyLawyerSpec(3))
    req = DutyRequest(first_day=FIRST, last_day=FIRST + timedelta(days=2), shifts=shifts, lawyers=lawyers,
                      per_shift=1, max_hours_per_24h=12, time_limit_s=2.0)
    result = plan_duty(req)

    assert result.problems == ()
    # The night from 1 February runs into 2 February, when lawyer 1 is away.
    assert DutyAssignment(date(2025, 2, 1), "night", 1) not in result.assignments
    assert not any(a.lawyer_id == 1 and a.day == date(2025, 2, 2) for a in result.assignments)
    assert check_duty(req, result.assignments) == []


def test_too_few_lawyers_is_explained_by_day_and_shift() -> None:
    # Two lawyers, two a shift: on 5 February one of them is away, so every shift of that day is short.
    lawyers = (DutyLawyerSpec(1, unavailable_days=frozenset({date(2025, 2, 5)})), DutyLawyerSpec(2))
    req = DutyRequest(first_day=date(2025, 2, 5), last_day=date(2025, 2, 5), shifts=THREE_SHIFTS,
                      lawyers=lawyers, per_shift=2, max_hours_per_24h=24, time_limit_s=2.0)
    result = plan_duty(req)

    assert result.status == "partial"
    coverage = [p for p in result.problems if p.rule == "coverage"]
    assert sorted(p.details["shift"] for p in coverage) == ["day", "evening", "night"]
    assert all(p.days == (date(2025, 2, 5),) and p.details["available"] == 1 for p in coverage)
    # The one lawyer left still covers what the hour rule allows.
    assert all(a.lawyer_id == 2 for a in result.assignments)


def test_hour_limit_leaves_shifts_short_rather_than_breaking_it() -> None:
    # One lawyer cannot cover 24 hours a day under a 16-hour limit.
    req = DutyRequest(first_day=FIRST, last_day=FIRST + timedelta(days=1), shifts=THREE_SHIFTS,
                      lawyers=(DutyLawyerSpec(1),), per_shift=1, max_hours_per_24h=16, time_limit_s=2.0)
    result = plan_duty(req)

    assert [p.rule for p in result.problems] and all(p.rule == "coverage" for p in result.problems)
    assert not [p for p in check_duty(req, result.assignments) if p.rule in ("overlap", "max_hours")]
    # Four of the six shifts can be worked (two in any 24 hours).
    assert len(result.assignments) == 4


def test_pinned_assignments_are_kept() -> None:
    lawyers = tuple(DutyLawyerSpec(i) for i in range(1, 5))
    pinned = DutyAssignment(date(2025, 2, 2), "night", 4, pinned=True)
    req = DutyRequest(first_day=FIRST, last_day=FIRST + timedelta(days=3), shifts=THREE_SHIFTS, lawyers=lawyers,
                      per_shift=1, existing=(pinned,), time_limit_s=2.0)
    result = plan_duty(req)

    assert pinned in result.assignments
    assert check_duty(req, result.assignments) == []


def test_check_duty_finds_overlaps_and_gaps() -> None:
    overlapping = ShiftSpec("long", time(6), time(12))
    req = DutyRequest(first_day=FIRST, last_day=FIRST, shifts=(*THREE_SHIFTS, overlapping),
                      lawyers=(DutyLawyerSpec(1, unavailable_days=frozenset({FIRST})),), per_shift=1)
    assignments = (DutyAssignment(FIRST, "night", 1), DutyAssignment(FIRST, "long", 1))
    rules = Counter(p.rule for p in check_duty(req, assignments))
    assert rules["overlap"] == 1
    assert rules["lawyer_unavailable"] == 2
    assert rules["coverage"] == 2  # day and evening nobody
