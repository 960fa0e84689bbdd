"""The 24-hour telephone duty roster, checked the way a coordinator would check it."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from tests.conftest import SOLVER_TIME_S
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
                      time_limit_s=SOLVER_TIME_S)
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
                      per_shift=1, max_hours_per_24h=12, time_limit_s=SOLVER_TIME_S)
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
                      lawyers=lawyers, per_shift=2, max_hours_per_24h=24, time_limit_s=SOLVER_TIME_S)
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
                      lawyers=(DutyLawyerSpec(1),), per_shift=1, max_hours_per_24h=16, time_limit_s=SOLVER_TIME_S)
    result = plan_duty(req)

    assert [p.rule for p in result.problems] and all(p.rule == "coverage" for p in result.problems)
    assert not [p for p in check_duty(req, result.assignments) if p.rule in ("overlap", "max_hours")]
    # Four of the six shifts can be worked (two in any 24 hours).
    assert len(result.assignments) == 4


def test_pinned_assignments_are_kept() -> None:
    lawyers = tuple(DutyLawyerSpec(i) for i in range(1, 5))
    pinned = DutyAssignment(date(2025, 2, 2), "night", 4, pinned=True)
    req = DutyRequest(first_day=FIRST, last_day=FIRST + timedelta(days=3), shifts=THREE_SHIFTS, lawyers=lawyers,
                      per_shift=1, existing=(pinned,), time_limit_s=SOLVER_TIME_S)
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


def spread_by_lawyer(req: DutyRequest, assignments) -> dict[int, tuple[int, int]]:
    """For each lawyer, written out here: (the longest run of days without a shift, the most shifts in 3 days)."""
    figures = {}
    for lawyer in req.lawyers:
        on = Counter(a.day for a in assignments if a.lawyer_id == lawyer.id)
        run = longest = 0
        for day in days():
            run = 0 if on[day] else run + 1
            longest = max(longest, run)
        most = max(sum(on[day + timedelta(days=k)] for k in range(3)) for day in days()[:-2])
        figures[lawyer.id] = (longest, most)
    return figures


def test_a_fortnight_for_eight_lawyers_is_spread_evenly_and_covered() -> None:
    # The roster: 14 days x 3 shifts, one lawyer a shift, 8 lawyers: 5 or 6 shifts each.
    req = DutyRequest(first_day=FIRST, last_day=LAST, shifts=THREE_SHIFTS,
                      lawyers=tuple(DutyLawyerSpec(i) for i in range(1, 9)), per_shift=1, time_limit_s=SOLVER_TIME_S)
    result = plan_duty(req)

    assert result.problems == ()
    assert_coordinator_checks(req, result.assignments)
    assert check_duty(req, result.assignments) == []
    load = Counter(a.lawyer_id for a in result.assignments)
    assert sorted(load.values()) == [5] * 6 + [6] * 2
    # Nobody idle for more than 3 days, nobody on duty more than twice in any 3 days (not 10 idle then 5 in 3).
    for longest, most in spread_by_lawyer(req, result.assignments).values():
        assert longest <= 3 and most <= 2
    # 14 nights for 8 lawyers: at most 2 each.
    assert max(Counter(a.lawyer_id for a in result.assignments if a.shift_code == "night").values()) == 2


def test_no_day_shift_straight_after_a_night_even_when_short_of_lawyers() -> None:
    # Three lawyers for 12-hour shifts: the night ends at 08:00, and that morning's day shift goes to someone
    # else, however tight the roster (a lawyer's next shift starts at least 8 hours after their night ends).
    shifts = (ShiftSpec("day", time(8), time(20)), ShiftSpec("night", time(20), time(8), night=True))
    req = DutyRequest(first_day=FIRST, last_day=LAST, shifts=shifts, lawyers=tuple(DutyLawyerSpec(i) for i in (1, 2, 3)),
                      per_shift=1, max_hours_per_24h=12, time_limit_s=SOLVER_TIME_S)
    result = plan_duty(req)

    assert result.problems == ()
    nights = {(a.day, a.lawyer_id) for a in result.assignments if a.shift_code == "night"}
    for a in result.assignments:
        if a.shift_code == "day":
            assert (a.day - timedelta(days=1), a.lawyer_id) not in nights, a
    assert check_duty(req, result.assignments) == []
    assert result.stats["too_soon_after_night"] == 0


def test_the_rest_after_a_night_is_a_rule_the_validator_names() -> None:
    req = DutyRequest(first_day=FIRST, last_day=FIRST, shifts=THREE_SHIFTS, lawyers=(DutyLawyerSpec(1), DutyLawyerSpec(2)))
    roster = (DutyAssignment(FIRST, "night", 1), DutyAssignment(FIRST, "day", 1), DutyAssignment(FIRST, "evening", 2))
    problems = [p for p in check_duty(req, roster) if p.rule == "rest_after_night"]
    assert len(problems) == 1 and problems[0].lawyer_ids == (1,) and problems[0].details["shifts"] == ("night", "day")
    # The evening after a night (8 hours off) is allowed.
    allowed = (DutyAssignment(FIRST, "night", 1), DutyAssignment(FIRST, "day", 2), DutyAssignment(FIRST, "evening", 1))
    assert check_duty(req, allowed) == []


def test_a_month_of_two_a_shift_keeps_every_lawyer_in_rhythm() -> None:
    # A month, two lawyers a shift, 12 lawyers with a few days of leave: every shift covered, the rules hold,
    # and nobody free to serve goes more than 3 days without duty.
    first, last = date(2025, 3, 1), date(2025, 3, 31)
    lawyers = tuple(DutyLawyerSpec(i, unavailable_days=frozenset({first + timedelta(days=3 * i)})) for i in range(1, 13))
    req = DutyRequest(first_day=first, last_day=last, shifts=THREE_SHIFTS, lawyers=lawyers, per_shift=2,
                      time_limit_s=SOLVER_TIME_S)
    result = plan_duty(req)

    assert result.problems == ()
    assert check_duty(req, result.assignments) == []
    assert Counter((a.day, a.shift_code) for a in result.assignments) == Counter(
        {(first + timedelta(days=d), s.code): 2 for d in range(31) for s in THREE_SHIFTS})
    assert result.stats["longest_idle_days"] <= 3
    assert result.stats["shifts_max"] - result.stats["shifts_min"] <= 1
