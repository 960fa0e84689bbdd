"""Rotation placements (以干代训), checked the way a coordinator would check them."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

from tests.conftest import SOLVER_TIME_S
from tests.planning.planning_calendar import WORKING_DAYS
from trainer.planning.rotation import (
    GUIDED,
    INDEPENDENT,
    MentorSpec,
    Placement,
    PlacementDay,
    RotationRequest,
    TraineeSpec,
    check_rotation,
    plan_rotation,
)

WORKING = sorted(WORKING_DAYS)
BLACKOUTS = ((date(2025, 1, 1), date(2025, 1, 20)), (date(2025, 7, 15), date(2025, 8, 31)))


def mentors_on(weekdays_by_mentor: dict[int, set[int]]) -> tuple[MentorSpec, ...]:
    """Mentors on duty at the centre on given weekdays (make-up Saturdays and Sundays: everybody)."""
    return tuple(
        MentorSpec(mentor_id, frozenset(d for d in WORKING if d.weekday() in weekdays or d.weekday() >= 5))
        for mentor_id, weekdays in weekdays_by_mentor.items()
    )


def year_request(**changes) -> RotationRequest:
    base = RotationRequest(
        year=2025, working_days=WORKING_DAYS,
        trainees=tuple(TraineeSpec(i) for i in range(1, 9)),
        mentors=mentors_on({11: {0, 1, 2}, 12: {2, 3, 4}, 13: {0, 3}, 14: {1, 4}}),
        capacity=2, blackouts=BLACKOUTS, time_limit_s=SOLVER_TIME_S)
    return replace(base, **changes)


def assert_coordinator_checks(req: RotationRequest, placements) -> None:
    available = {m.id: m.available_days for m in req.mentors}
    trainees = {t.id: t for t in req.trainees}
    for placement in placements:
        days = [d.day for d in placement.days]
        assert len(days) == req.placement_length
        start = WORKING.index(days[0])
        assert days == WORKING[start:start + req.placement_length], "not consecutive working days"
        for first, last in req.blackouts:
            assert not any(first <= d <= last for d in days)
        assert not set(days) & trainees[placement.trainee_id].unavailable
        for position, placement_day in enumerate(placement.days):
            assert placement_day.phase == (GUIDED if position < req.placement_length // 2 else INDEPENDENT)
            assert placement_day.day in available[placement_day.mentor_id]
    at_centre = Counter(d.day for p in placements for d in p.days)
    assert max(at_centre.values()) <= req.capacity
    mentored = Counter((d.mentor_id, d.day) for p in placements for d in p.days)
    assert max(mentored.values()) <= req.mentor_max_trainees


def test_eight_placements_of_ten_consecutive_working_days() -> None:
    req = year_request()
    result = plan_rotation(req)

    assert result.problems == ()
    assert result.status in ("optimal", "feasible")
    assert sorted(p.trainee_id for p in result.placements) == list(range(1, 9))
    assert_coordinator_checks(req, result.placements)
    assert check_rotation(req, result.placements) == []
    # Spread over the year, not all in January.
    assert len({p.start.month for p in result.placements}) >= 6


def test_a_holiday_inside_a_placement_is_skipped_and_make_up_days_are_used() -> None:
    # Between 25 September and 14 October there are exactly ten working days: the National Day holiday
    # (1-8 October) is skipped, the make-up Sunday 28 September and Saturday 11 October are worked.
    trainee = TraineeSpec(1, earliest=date(2025, 9, 25), latest=date(2025, 10, 14))
    req = year_request(trainees=(trainee,))
    result = plan_rotation(req)

    [placement] = result.placements
    assert [d.day for d in placement.days] == [
        date(2025, 9, 25), date(2025, 9, 26), date(2025, 9, 28), date(2025, 9, 29), date(2025, 9, 30),
        date(2025, 10, 9), date(2025, 10, 10), date(2025, 10, 11), date(2025, 10, 13), date(2025, 10, 14)]
    assert [d.phase for d in placement.days] == [GUIDED] * 5 + [INDEPENDENT] * 5
    assert_coordinator_checks(req, result.placements)


def test_every_day_has_a_mentor_within_the_per_mentor_limit() -> None:
    # One mentor who takes one trainee a day: two trainees can never overlap, capacity or not.
    req = year_request(trainees=tuple(TraineeSpec(i) for i in range(1, 5)),
                       mentors=(MentorSpec(11, WORKING_DAYS),), mentor_max_trainees=1)
    result = plan_rotation(req)

    assert result.problems == ()
    at_centre = Counter(d.day for p in result.placements for d in p.days)
    assert max(at_centre.values()) == 1
    assert all(d.mentor_id == 11 for p in result.placements for d in p.days)
    assert check_rotation(req, result.placements) == []


def test_continuity_one_mentor_per_half_when_possible() -> None:
    # Mentor 11 is on duty every working day; mentor 12 only on Mondays.
    req = year_request(trainees=(TraineeSpec(1),), mentors=mentors_on({11: {0, 1, 2, 3, 4}, 12: {0}}))
    result = plan_rotation(req)

    [placement] = result.placements
    assert {d.mentor_id for d in placement.days} == {11}


def test_unplaceable_trainees_are_explained_and_the_others_placed() -> None:
    trainees = (
        TraineeSpec(1),
        TraineeSpec(2, earliest=date(2025, 7, 20), latest=date(2025, 8, 25)),  # inside the summer blackout
        TraineeSpec(3, unavailable=frozenset(d for d in WORKING if d.month != 3)),  # March only...
    )
    # ...and in March nobody mentors.
    mentors = (MentorSpec(11, frozenset(d for d in WORKING if d.month != 3)),)
    req = year_request(trainees=trainees, mentors=mentors)
    result = plan_rotation(req)

    assert result.status == "partial"
    assert [p.trainee_id for p in result.placements] == [1]
    rules = {p.trainee_ids: p.rule for p in result.problems}
    assert rules == {(2,): "blackout", (3,): "no_mentor"}


def test_capacity_shortfall_is_explained() -> None:
    window = {"earliest": date(2025, 3, 3), "latest": date(2025, 3, 14)}  # exactly ten working days
    trainees = tuple(TraineeSpec(i, **window) for i in (1, 2, 3))
    req = year_request(trainees=trainees, capacity=2)
    result = plan_rotation(req)

    assert len(result.placements) == 2
    [problem] = result.problems
    assert problem.rule == "capacity" and problem.details["capacity"] == 2
    assert check_rotation(replace(req, trainees=tuple(t for t in trainees if t.id != problem.trainee_ids[0])),
                          result.placements) == []


def test_pinned_placements_stay_and_replan_keeps_valid_ones() -> None:
    req = year_request()
    first = plan_rotation(req)
    existing = tuple(replace(p, placement_id=p.trainee_id * 100) for p in first.placements)
    pinned = replace(existing[0], pinned=True)
    existing = (pinned, *existing[1:])
    # Trainee of the second placement now cannot come on its third day; the pinned one cannot either
    # on its first day, but pinned means it stays (and is reported).
    second = existing[1]
    trainees = tuple(
        replace(t, unavailable=frozenset({second.days[2].day})) if t.id == second.trainee_id
        else replace(t, unavailable=frozenset({pinned.days[0].day})) if t.id == pinned.trainee_id
        else t for t in req.trainees)
    replan = replace(req, trainees=trainees, existing=existing, mode="replan")
    result = plan_rotation(replan)

    by_trainee = {p.trainee_id: p for p in result.placements}
    assert [d.day for d in by_trainee[pinned.trainee_id].days] == [d.day for d in pinned.days]
    assert by_trainee[pinned.trainee_id].pinned
    assert second.days[2].day not in {d.day for d in by_trainee[second.trainee_id].days}
    for old in existing[2:]:
        assert [d.day for d in by_trainee[old.trainee_id].days] == [d.day for d in old.days], "moved needlessly"
        assert by_trainee[old.trainee_id].placement_id == old.placement_id
    assert result.stats["moved"] == 1
    assert [p.rule for p in result.problems] == ["pinned_conflict"]
    assert result.problems[0].details["broken_rules"] == ["unavailable"]


def test_check_rotation_finds_broken_rules() -> None:
    req = year_request(trainees=(TraineeSpec(1), TraineeSpec(2), TraineeSpec(3)), capacity=2)
    days = WORKING[40:50]
    good = tuple(PlacementDay(d, 11 if d.weekday() in (0, 1, 2) else 12, GUIDED if i < 5 else INDEPENDENT)
                 for i, d in enumerate(days))
    gappy = tuple(replace(d, day=d.day + timedelta(days=1)) for d in good)  # mostly wrong days
    placements = (Placement(1, good), Placement(2, good), Placement(3, good), Placement(3, gappy))
    rules = Counter(p.rule for p in check_rotation(req, placements))
    assert rules["capacity"] == 10  # three trainees on each of the ten days
    assert rules["placement_count"] == 1  # trainee 3 twice
    assert rules["not_consecutive"] == 1
    assert rules["mentor_capacity"] >= 1
