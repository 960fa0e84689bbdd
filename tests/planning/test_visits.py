"""The lawyer visit plan, checked the way a coordinator would check it."""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import date, timedelta

import pytest

from tests.conftest import SOLVER_TIME_S
from tests.planning.planning_calendar import HOLIDAYS_2025, WORKING_DAYS
from trainer.planning.common import (
    FRIDAY,
    MONDAY,
    SATURDAY,
    THURSDAY,
    TUESDAY,
    WEDNESDAY,
    month_of,
    week_of_month,
)
from trainer.planning.visits import (
    FixedVisit,
    LawyerSpec,
    PlannedVisit,
    Slot,
    StationSpec,
    VisitPlanRequest,
    check_plan,
    plan_quality,
    plan_visits,
)

Q1 = ((2025, 1), (2025, 2), (2025, 3))


def small_district() -> tuple[tuple[StationSpec, ...], tuple[LawyerSpec, ...]]:
    """Six stations, two firms, four lawyers; lawyer 1 leads three stations."""
    lawyers = (LawyerSpec(1, 10), LawyerSpec(2, 10), LawyerSpec(3, 20), LawyerSpec(4, 20))
    stations = (
        StationSpec(101, 1, 2, 10, frozenset({(TUESDAY, "am"), (THURSDAY, "pm")}), rhythm=((2, TUESDAY), (4, TUESDAY))),
        StationSpec(102, 1, 2, 10, frozenset({(MONDAY, "am"), (WEDNESDAY, "am")})),
        StationSpec(103, 1, None, 10, frozenset({(TUESDAY, "am"), (TUESDAY, "pm")})),
        StationSpec(104, 2, 1, 10, frozenset({(WEDNESDAY, "pm"), (THURSDAY, "am")})),
        StationSpec(105, 3, 4, 20, frozenset({(MONDAY, "pm"), (TUESDAY, "pm"), (THURSDAY, "am")})),
        StationSpec(106, 4, 3, 20, frozenset({(WEDNESDAY, "am"), (SATURDAY, "am")})),
    )
    return stations, lawyers


def request(**changes) -> VisitPlanRequest:
    stations, lawyers = small_district()
    base = VisitPlanRequest(months=Q1, working_days=WORKING_DAYS, stations=stations, lawyers=lawyers,
                            time_limit_s=SOLVER_TIME_S)
    return replace(base, **changes)


def by_station_month(visits) -> dict[tuple[int, tuple[int, int]], list[PlannedVisit]]:
    grouped: dict[tuple[int, tuple[int, int]], list[PlannedVisit]] = defaultdict(list)
    for visit in visits:
        grouped[(visit.station_id, month_of(visit.slot.day))].append(visit)
    return grouped


def assert_coordinator_checks(req: VisitPlanRequest, visits) -> None:
    """What a coordinator checks, written out independently of the solver."""
    stations = {s.id: s for s in req.stations}
    lawyers = {lw.id: lw for lw in req.lawyers}
    for visit in visits:
        station = stations[visit.station_id]
        day = visit.slot.day
        assert day in req.working_days, f"visit on a non-working day {day}"
        assert day not in HOLIDAYS_2025
        assert day.weekday() < 5 or day in req.working_days  # a weekend only when it is a make-up day
        assert (day.weekday(), visit.slot.half) in station.receiving
        lawyer = lawyers[visit.lawyer_id]
        assert day not in lawyer.unavailable_days and visit.slot not in lawyer.unavailable_slots
        assert visit.lawyer_id in (station.lead_lawyer_id, station.backup_lawyer_id)
        assert visit.by_backup == (visit.lawyer_id != station.lead_lawyer_id)
    # No lawyer in two places in one half-day.
    double = Counter((v.lawyer_id, v.slot) for v in visits)
    assert max(double.values(), default=0) <= 1
    # At least 7 days between visits of a station, across month ends too.
    for station in req.stations:
        days = sorted(v.slot.day for v in visits if v.station_id == station.id)
        assert all((b - a).days >= req.min_gap_days for a, b in zip(days, days[1:], strict=False)), days


def test_every_station_gets_two_visits_a_month_on_receiving_working_days() -> None:
    req = request()
    result = plan_visits(req)

    assert result.problems == ()
    assert result.status in ("optimal", "feasible")
    grouped = by_station_month(result.visits)
    for station in req.stations:
        for month in Q1:
            assert len(grouped[(station.id, month)]) == 2, (station.id, month)
    assert_coordinator_checks(req, result.visits)
    assert check_plan(req, result.visits) == []
    # Nothing in the Spring Festival holiday, nothing on a plain weekend.
    assert not any(date(2025, 1, 28) <= v.slot.day <= date(2025, 2, 4) for v in result.visits)
    assert all(v.slot.day.weekday() < 5 or v.slot.day == date(2025, 2, 8) for v in result.visits)
    # The lead visits: nobody is on leave and the backups are not needed.
    assert not any(v.by_backup for v in result.visits)
    assert result.stats["t_first_valid_s"] is not None


def test_explicit_rhythm_is_kept() -> None:
    req = request(months=((2025, 3), (2025, 4), (2025, 5), (2025, 6)))
    result = plan_visits(req)

    visits = [v for v in result.visits if v.station_id == 101]
    # 2nd and 4th Tuesday of March to June are all working days, so the rhythm holds exactly.
    assert sorted(v.slot.day for v in visits) == [
        date(2025, 3, 11), date(2025, 3, 25), date(2025, 4, 8), date(2025, 4, 22),
        date(2025, 5, 13), date(2025, 5, 27), date(2025, 6, 10), date(2025, 6, 24)]


def test_rhythm_of_earlier_visits_is_kept_without_an_explicit_one() -> None:
    # Station 105 had its visits on the 1st and 3rd Thursday, in the mornings, last autumn.
    history = tuple(
        FixedVisit(105, 3, Slot(day, "am"), pinned=False, visit_id=i)
        for i, day in enumerate([date(2024, 10, 3), date(2024, 10, 17), date(2024, 11, 7), date(2024, 11, 21),
                                 date(2024, 12, 5), date(2024, 12, 19)])
    )
    req = request(months=((2025, 3), (2025, 4)), existing=history)
    result = plan_visits(req)

    visits = sorted((v for v in result.visits if v.station_id == 105), key=lambda v: v.slot)
    assert [(week_of_month(v.slot.day), v.slot.day.weekday(), v.slot.half) for v in visits] == [
        (1, THURSDAY, "am"), (3, THURSDAY, "am")] * 2
    assert check_plan(req, result.visits) == []


def test_make_up_saturday_is_used_by_a_station_receiving_on_saturdays() -> None:
    lawyers = (LawyerSpec(1, 10),)
    saturday_station = StationSpec(201, 1, None, 10, frozenset({(SATURDAY, "am")}), visits_per_month=1)
    req = VisitPlanRequest(months=((2025, 2),), working_days=WORKING_DAYS, stations=(saturday_station,),
                           lawyers=lawyers, time_limit_s=SOLVER_TIME_S)
    result = plan_visits(req)

    assert [v.slot for v in result.visits] == [Slot(date(2025, 2, 8), "am")]
    assert result.problems == ()


def test_two_visits_with_a_single_saturday_is_explained() -> None:
    lawyers = (LawyerSpec(1, 10),)
    saturday_station = StationSpec(201, 1, None, 10, frozenset({(SATURDAY, "am")}))
    req = VisitPlanRequest(months=((2025, 2),), working_days=WORKING_DAYS, stations=(saturday_station,),
                           lawyers=lawyers, time_limit_s=SOLVER_TIME_S)
    result = plan_visits(req)

    assert result.visits == ()
    assert result.status == "partial"
    [problem] = result.problems
    assert problem.rule == "no_receiving_day"
    assert problem.station_ids == (201,) and problem.month == (2025, 2)
    assert problem.details["needed"] == 2 and problem.details["receiving_days"] == 1


def test_leave_is_respected_and_the_backup_steps_in() -> None:
    stations, lawyers = small_district()
    # Lawyer 2 (lead of 104, backup of 101 and 102) is away the whole of March; lawyer 3 (lead of 105)
    # the first three weeks of February.
    march = frozenset(date(2025, 3, 1) + timedelta(days=i) for i in range(31))
    february = frozenset(date(2025, 2, 1) + timedelta(days=i) for i in range(21))
    lawyers = tuple(
        replace(lw, unavailable_days=march) if lw.id == 2
        else replace(lw, unavailable_days=february) if lw.id == 3 else lw
        for lw in lawyers
    )
    req = request(lawyers=lawyers)
    result = plan_visits(req)

    assert result.problems == ()
    assert_coordinator_checks(req, result.visits)
    grouped = by_station_month(result.visits)
    # March: station 104's lead is away, so its backup (lawyer 1) visits.
    assert all(v.lawyer_id == 1 and v.by_backup for v in grouped[(104, (2025, 3))])
    # Elsewhere 104 is visited by its lead.
    assert all(not v.by_backup for m in ((2025, 1), (2025, 2)) for v in grouped[(104, m)])
    # February: lawyer 3 is back on the 22nd, and 105's receiving days after that (24, 25, 27) are too
    # close together for two visits: the lead makes one, the backup the other.
    feb = sorted(grouped[(105, (2025, 2))], key=lambda v: v.slot)
    assert all(v.slot.day not in february for v in feb if v.lawyer_id == 3)
    assert sum(v.by_backup for v in feb) == 1


def test_pinned_visits_stay_even_off_rhythm() -> None:
    pinned = FixedVisit(101, 1, Slot(date(2025, 3, 6), "pm"), pinned=True, visit_id=77)  # a Thursday
    req = request(months=((2025, 3),), existing=(pinned,))
    result = plan_visits(req)

    assert result.problems == ()
    visits_101 = sorted((v for v in result.visits if v.station_id == 101), key=lambda v: v.slot)
    assert len(visits_101) == 2
    assert visits_101[0] == PlannedVisit(101, 1, Slot(date(2025, 3, 6), "pm"), False, 77, True)
    assert (visits_101[1].slot.day - date(2025, 3, 6)).days >= 7
    assert check_plan(req, result.visits) == []


def test_a_pinned_visit_that_breaks_a_rule_stays_and_is_reported() -> None:
    # Pinned on 1 May, a holiday.
    pinned = FixedVisit(105, 3, Slot(date(2025, 5, 1), "am"), pinned=True, visit_id=5)
    req = request(months=((2025, 5),), existing=(pinned,))
    result = plan_visits(req)

    assert any(v.visit_id == 5 and v.slot == pinned.slot for v in result.visits)
    rules = {p.rule for p in result.problems if p.station_ids == (105,)}
    assert "non_working_day" in rules


def test_replan_after_a_new_leave_moves_only_the_broken_visits() -> None:
    req = request()
    first = plan_visits(req)
    existing = tuple(FixedVisit(v.station_id, v.lawyer_id, v.slot, pinned=False, visit_id=n)
                     for n, v in enumerate(first.visits, start=1))
    # Lawyer 1 falls ill for a week in February.
    leave = frozenset(date(2025, 2, 17) + timedelta(days=i) for i in range(7))
    lawyers = tuple(replace(lw, unavailable_days=leave) if lw.id == 1 else lw for lw in req.lawyers)
    broken = {v.visit_id for v in existing if v.lawyer_id == 1 and v.slot.day in leave}
    assert broken, "the scenario needs visits in the leave"

    replan_req = request(lawyers=lawyers, existing=existing, mode="replan")
    result = plan_visits(replan_req)

    assert check_plan(replan_req, result.visits) == []
    assert_coordinator_checks(replan_req, result.visits)
    before = {v.visit_id: (v.station_id, v.lawyer_id, v.slot) for v in existing}
    after = {v.visit_id: (v.station_id, v.lawyer_id, v.slot) for v in result.visits}
    moved = {visit_id for visit_id, where in before.items() if after.get(visit_id) != where}
    assert moved == broken
    assert result.stats["moved"] == len(broken) and result.stats["removed_visit_ids"] == []
    # The moved visits keep their ids.
    assert broken <= set(after)


def test_replan_of_one_month_respects_the_gap_to_the_neighbouring_months() -> None:
    req = request()
    first = plan_visits(req)
    existing = tuple(FixedVisit(v.station_id, v.lawyer_id, v.slot, pinned=False, visit_id=n)
                     for n, v in enumerate(first.visits, start=1))
    leave = frozenset(date(2025, 2, 3) + timedelta(days=i) for i in range(10))
    lawyers = tuple(replace(lw, unavailable_days=leave) if lw.id == 3 else lw for lw in req.lawyers)
    replan_req = request(months=((2025, 2),), lawyers=lawyers, existing=existing, mode="replan")
    result = plan_visits(replan_req)

    assert check_plan(replan_req, result.visits) == []
    whole_quarter = [v for v in first.visits if month_of(v.slot.day) != (2025, 2)] + list(result.visits)
    assert_coordinator_checks(request(lawyers=lawyers), whole_quarter)


def test_impossible_lawyer_capacity_is_named_and_the_rest_is_planned() -> None:
    lawyers = (LawyerSpec(1, 10), LawyerSpec(2, 10), LawyerSpec(3, 20))
    only_tuesday_morning = frozenset({(TUESDAY, "am")})
    stations = (
        StationSpec(1, 1, None, 10, only_tuesday_morning),
        StationSpec(2, 1, None, 10, only_tuesday_morning),
        StationSpec(3, 1, None, 10, only_tuesday_morning),
        StationSpec(4, 2, None, 10, frozenset({(WEDNESDAY, "am")})),
        StationSpec(5, 3, None, 20, frozenset({(TUESDAY, "am"), (THURSDAY, "am")})),
    )
    req = VisitPlanRequest(months=((2025, 3), (2025, 4)), working_days=WORKING_DAYS, stations=stations,
                           lawyers=lawyers, time_limit_s=SOLVER_TIME_S)
    result = plan_visits(req)

    assert result.status == "partial"
    capacity = [p for p in result.problems if p.rule == "lawyer_capacity"]
    assert {p.month for p in capacity} == {(2025, 3), (2025, 4)}
    for problem in capacity:
        assert problem.lawyer_ids == (1,)
        assert problem.station_ids == (1, 2, 3)
        assert problem.details["needed"] == 6
        tuesdays = {(2025, 3): 4, (2025, 4): 5}[problem.month]
        assert problem.details["available"] == tuesdays
    # Never half-planned: stations 1-3 get nothing; the others get everything.
    assert not any(v.station_id in (1, 2, 3) for v in result.visits)
    grouped = by_station_month(result.visits)
    for station_id in (4, 5):
        for month in req.months:
            assert len(grouped[(station_id, month)]) == 2
    assert_coordinator_checks(req, result.visits)


def test_min_gap_that_cannot_be_met_is_explained() -> None:
    lawyers = (LawyerSpec(1, 10),)
    station = StationSpec(1, 1, None, 10, frozenset((d, h) for d in range(5) for h in ("am", "pm")),
                          visits_per_month=3)
    req = VisitPlanRequest(months=((2025, 2),), working_days=WORKING_DAYS, stations=(station,),
                           lawyers=lawyers, min_gap_days=12, time_limit_s=SOLVER_TIME_S)
    result = plan_visits(req)

    [problem] = result.problems
    assert problem.rule == "min_gap" and problem.station_ids == (1,)
    assert result.visits == ()


def test_gap_to_the_visit_before_the_range() -> None:
    lawyers = (LawyerSpec(1, 10),)
    station = StationSpec(1, 1, None, 10, frozenset({(TUESDAY, "am"), (THURSDAY, "am")}))
    before = FixedVisit(1, 1, Slot(date(2025, 3, 27), "am"), pinned=False, visit_id=9)  # out of range
    req = VisitPlanRequest(months=((2025, 4),), working_days=WORKING_DAYS, stations=(station,),
                           lawyers=lawyers, existing=(before,), time_limit_s=SOLVER_TIME_S)
    result = plan_visits(req)

    days = sorted(v.slot.day for v in result.visits)
    assert len(days) == 2 and days[0] >= date(2025, 4, 3)
    assert check_plan(req, result.visits) == []


def test_existing_visits_elsewhere_make_the_lawyer_busy() -> None:
    lawyers = (LawyerSpec(1, 10),)
    station = StationSpec(1, 1, None, 10, frozenset({(TUESDAY, "am")}))
    # Lawyer 1 visits a station of another district on three Tuesday mornings of March.
    elsewhere = tuple(FixedVisit(999, 1, Slot(day, "am"), pinned=True)
                      for day in (date(2025, 3, 4), date(2025, 3, 11), date(2025, 3, 18)))
    req = VisitPlanRequest(months=((2025, 3),), working_days=WORKING_DAYS, stations=(station,),
                           lawyers=lawyers, existing=elsewhere, time_limit_s=SOLVER_TIME_S)
    result = plan_visits(req)

    [problem] = result.problems
    assert problem.rule == "lawyer_unavailable" and problem.lawyer_ids == (1,)
    assert problem.details["free_days"] == 1


def test_check_plan_finds_each_broken_rule() -> None:
    req = request(months=((2025, 3),))
    bad = (
        PlannedVisit(101, 1, Slot(date(2025, 3, 8), "am"), False),  # Saturday, not a working day
        PlannedVisit(101, 1, Slot(date(2025, 3, 11), "am"), False),  # too close to the 8th
        PlannedVisit(102, 1, Slot(date(2025, 3, 11), "am"), False),  # lawyer 1 twice; 102 not on Tuesdays
        PlannedVisit(104, 3, Slot(date(2025, 3, 12), "pm"), True),  # lawyer 3 is not 104's backup
    )
    rules = Counter(p.rule for p in check_plan(req, bad))
    assert rules["non_working_day"] == 1
    assert rules["min_gap"] == 1
    assert rules["lawyer_double_booked"] == 1
    assert rules["not_receiving"] == 2  # Saturday for 101 and Tuesday for 102
    assert rules["wrong_lawyer"] == 1
    assert rules["visit_count"] == 5  # only 101 has two visits


def test_a_month_is_planned_with_the_next_in_view() -> None:
    # Station 1 keeps the 2nd and 4th Tuesday; visits at least 14 days apart. In April its lawyer is free on
    # the 1st and the 15th only. Planned month by month, March would take the 11th and the 25th and April be
    # lost (the 1st is too close); the station's year view sees April, so March leaves its rhythm for the 4th
    # and the 18th, and both months are planned: by the greedy plan already, and kept by the look-ahead pass.
    leave = frozenset({date(2025, 4, 8), date(2025, 4, 22), date(2025, 4, 29)})
    req = VisitPlanRequest(
        months=((2025, 3), (2025, 4)), working_days=WORKING_DAYS, min_gap_days=14, time_limit_s=SOLVER_TIME_S,
        stations=(StationSpec(1, 1, None, 10, frozenset({(TUESDAY, "am")}), rhythm=((2, TUESDAY), (4, TUESDAY))),),
        lawyers=(LawyerSpec(1, 10, unavailable_days=leave),))

    greedy = plan_visits(replace(req, time_limit_s=0))
    assert greedy.stats["method"] == "greedy"
    assert greedy.problems == ()
    assert sorted(v.slot.day for v in greedy.visits) == [
        date(2025, 3, 4), date(2025, 3, 18), date(2025, 4, 1), date(2025, 4, 15)]

    result = plan_visits(req)
    assert result.problems == ()
    assert result.stats["method"] == "look-ahead"
    assert sorted(v.slot.day for v in result.visits) == [
        date(2025, 3, 4), date(2025, 3, 18), date(2025, 4, 1), date(2025, 4, 15)]
    assert_coordinator_checks(req, result.visits)


def test_a_month_the_calendar_forces_off_the_rhythm_aims_for_even_gaps_over_the_year() -> None:
    # The 1st and 3rd Wednesday, all year. New Year's Day (Wed 1 January) and National Day (Wed 1 October)
    # force January and October off the rhythm. Seen month by month, January would stay near its rhythm (the
    # 2nd and the 16th) and leave 20 days before 5 February; seen over the year, January takes the 8th and
    # the 22nd, 14 days apart and 14 days before February's first Wednesday.
    every_morning = frozenset((weekday, "am") for weekday in range(5))
    req = VisitPlanRequest(
        months=tuple((2025, m) for m in range(1, 13)), working_days=WORKING_DAYS, time_limit_s=SOLVER_TIME_S,
        stations=(StationSpec(1, 1, None, 10, every_morning, rhythm=((1, WEDNESDAY), (3, WEDNESDAY))),),
        lawyers=(LawyerSpec(1, 10),))

    result = plan_visits(req)

    days = sorted(v.slot.day for v in result.visits)
    assert days[:3] == [date(2025, 1, 8), date(2025, 1, 22), date(2025, 2, 5)]
    off_rhythm = {month_of(d) for d in days
                  if (week_of_month(d), d.weekday()) not in {(1, WEDNESDAY), (3, WEDNESDAY)}}
    assert off_rhythm == {(2025, 1), (2025, 10)}
    assert plan_quality(req, result.visits)["rhythm_month_share"] == pytest.approx(10 / 12)
    assert sum(abs((b - a).days - 14) for a, b in zip(days, days[1:], strict=False)) == 23
    assert_coordinator_checks(req, result.visits)


def test_a_plan_made_without_time_to_improve_says_it_is_the_greedy_plan() -> None:
    req = request(time_limit_s=0.0)
    result = plan_visits(req)

    assert result.stats["method"] == "greedy" and result.stats["greedy_reason"] == "no time limit given"
    assert result.stats["months_looked_ahead"] == 0
    # Still a whole plan within every rule.
    assert result.problems == () and check_plan(req, result.visits) == []
    assert len(result.visits) == 2 * len(req.stations) * len(req.months)


def test_the_greedy_plan_does_not_leave_out_a_station_its_lawyer_can_still_fit() -> None:
    # April 2025: 4 April is 清明, so the Friday mornings are the 11th, 18th and 25th. Station 41 (2nd and
    # 4th Friday, lawyer 17 or the backup 18) comes first in the greedy order and would take lawyer 17 on the
    # 11th and the 25th; station 43 has only lawyer 17, and its last visit (21 March) leaves it those three
    # Fridays: two visits a week apart at least need two of them.
    lawyers = (LawyerSpec(17, 7), LawyerSpec(18, 7))
    stations = (
        StationSpec(41, 17, 18, 7, frozenset({(FRIDAY, "am")}), rhythm=((2, FRIDAY), (4, FRIDAY))),
        StationSpec(43, 17, None, 7, frozenset({(FRIDAY, "am")}), rhythm=((1, FRIDAY), (3, FRIDAY))),
    )
    req = VisitPlanRequest(months=((2025, 4),), working_days=WORKING_DAYS, stations=stations, lawyers=lawyers,
                           existing=(FixedVisit(43, 17, Slot(date(2025, 3, 21), "am"), pinned=True),),
                           time_limit_s=0.0)
    result = plan_visits(req)

    assert result.stats["method"] == "greedy"  # no time to improve: the first valid plan itself
    assert result.problems == () and check_plan(req, result.visits) == []
    assert_coordinator_checks(req, [v for v in result.visits if v.slot.day.month == 4])
    planned = by_station_month(result.visits)
    # Station 43 gets two of its three Friday mornings with lawyer 17, and station 41 its two visits around
    # them (the backup lawyer going where lawyer 17 is at station 43).
    days_43 = sorted(v.slot.day.day for v in planned[(43, (2025, 4))])
    assert len(days_43) == 2 and set(days_43) <= {11, 18, 25} and days_43[1] - days_43[0] >= 7
    assert {v.lawyer_id for v in planned[(43, (2025, 4))]} == {17}
    visits_41 = planned[(41, (2025, 4))]
    assert len(visits_41) == 2
    assert all(v.lawyer_id == 18 for v in visits_41 if v.slot.day.day in days_43)


def ten_districts(time_limit_s: float) -> VisitPlanRequest:
    """The city at 10x a district: 80 firms of 2 or 3 lawyers, 520 stations receiving on one to three weekdays,
    lawyers with court half-days and a week of leave; 12,480 visits a year (seeded, so the same every run)."""
    rng = random.Random(16)
    working = sorted(WORKING_DAYS)
    stations, lawyers = [], []
    for firm in range(80):
        ids = [firm * 3 + k + 1 for k in range(3 if firm % 2 else 2)]
        for lawyer_id in ids:
            start = rng.choice(working)
            lawyers.append(LawyerSpec(lawyer_id, firm, frozenset(start + timedelta(days=i) for i in range(7)),
                                      frozenset(Slot(rng.choice(working), rng.choice(("am", "pm")))
                                                for _ in range(8))))
        for position in range(7 if firm < 40 else 6):
            weekdays = rng.sample(range(5), rng.choice((1, 2, 3)))
            receiving = frozenset((weekday, rng.choice(("am", "pm"))) for weekday in weekdays)
            lead = ids[position % len(ids)]
            stations.append(StationSpec(len(stations) + 1, lead, ids[(position + 1) % len(ids)], firm, receiving))
    return VisitPlanRequest(months=tuple((2025, m) for m in range(1, 13)), working_days=WORKING_DAYS,
                            stations=tuple(stations), lawyers=tuple(lawyers), time_limit_s=time_limit_s)


@pytest.mark.slow
def test_the_time_limit_is_a_hard_cap_at_ten_times_a_district() -> None:
    req = ten_districts(time_limit_s=6.0)
    wall, cpu = time.perf_counter(), time.process_time()
    result = plan_visits(req)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu

    # The cap: back within the limit + 10 %, measured in CPU time (what the planner spends, whatever else the
    # machine runs) and, generously, in wall time (plus the greedy pass once more: it cannot be cut short,
    # and on a loaded machine it is what grows).
    assert cpu <= 1.1 * req.time_limit_s, cpu
    assert wall <= 1.1 * req.time_limit_s + result.stats["t_first_valid_s"], wall
    # The best plan found so far, whole and within every rule, saying how it was made.
    assert result.problems == () and check_plan(req, result.visits) == []
    assert len(result.visits) == 2 * 12 * len(req.stations) == 12_480
    assert result.stats["method"] in ("look-ahead", "greedy")
    if result.stats["method"] == "greedy":
        assert result.stats["greedy_reason"]
