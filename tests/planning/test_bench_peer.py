"""The benchmark's peer held to the planner's rule (bench/year_model.py with ``keep_share``): the whole-year
CP-SAT model that `make bench` compares the planner with must keep the rhythm as plan_quality counts it; the
exact frontier built from it (bench/frontier.py) must see a lawyer shared between stations; and the Timefold
peer (bench/timefold_peer.py) must plan by the same rules and reach CP-SAT's optimum on a small quarter."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SOLVER_TIME_S
from tests.planning.planning_calendar import WORKING_DAYS
from trainer.planning.common import WEDNESDAY
from trainer.planning.visits import LawyerSpec, StationSpec, VisitPlanRequest, check_plan, plan_quality

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import timefold_peer  # noqa: E402
import year_model  # noqa: E402
from frontier import exact_frontier, rhythm_frontier  # noqa: E402

TIMEFOLD_MISSING = timefold_peer.available()
TIMEFOLD_S = 5.0  # local search on twelve visits settles in well under a second

# April 2025 has five Wednesdays: on the 1st and 3rd Wednesday, 16 April to 7 May is 21 days.
RHYTHM_DAYS = [date(2025, 4, 2), date(2025, 4, 16), date(2025, 5, 7), date(2025, 5, 21),
               date(2025, 6, 4), date(2025, 6, 18)]


def _request(rhythm: tuple[tuple[int, int], ...]) -> VisitPlanRequest:
    return VisitPlanRequest(
        months=((2025, 4), (2025, 5), (2025, 6)), working_days=WORKING_DAYS, time_limit_s=SOLVER_TIME_S,
        stations=(StationSpec(1, 1, None, 10, frozenset({(WEDNESDAY, "am")}), rhythm=rhythm),),
        lawyers=(LawyerSpec(1, 10),))


def _gap_sum(days: list[date]) -> int:
    return sum(abs((b - a).days - 14) for a, b in zip(days, days[1:], strict=False))


def test_the_peer_without_the_rule_evens_the_gaps_and_leaves_the_rhythm() -> None:
    req = _request(((1, WEDNESDAY), (3, WEDNESDAY)))

    outcome = year_model.solve_year(req, [], time_limit_s=SOLVER_TIME_S)

    days = sorted(v.slot.day for v in outcome.visits)
    assert _gap_sum(days) == 0
    assert days != RHYTHM_DAYS
    assert plan_quality(req, outcome.visits)["rhythm_month_share"] < 1
    assert check_plan(req, outcome.visits) == []


def test_the_peer_held_to_the_rule_keeps_the_stations_rhythm() -> None:
    req = _request(((1, WEDNESDAY), (3, WEDNESDAY)))

    outcome = year_model.solve_year(req, [], time_limit_s=SOLVER_TIME_S, keep_share=1.0)

    days = sorted(v.slot.day for v in outcome.visits)
    assert days == RHYTHM_DAYS
    assert _gap_sum(days) == 7
    assert plan_quality(req, outcome.visits)["rhythm_month_share"] == 1
    assert check_plan(req, outcome.visits) == []


def test_a_station_without_a_rhythm_keeps_the_pattern_the_peer_chooses() -> None:
    req = _request(())

    outcome = year_model.solve_year(req, [], time_limit_s=SOLVER_TIME_S, keep_share=1.0)

    days = sorted(v.slot.day for v in outcome.visits)
    assert plan_quality(req, outcome.visits)["rhythm_month_share"] == 1
    assert _gap_sum(days) == 7  # either pattern: one 21-day gap after April's five Wednesdays
    assert check_plan(req, outcome.visits) == []


def test_the_exact_frontier_sees_two_stations_wanting_one_lawyer_on_the_same_wednesdays() -> None:
    rhythm = ((1, WEDNESDAY), (3, WEDNESDAY))
    req = VisitPlanRequest(
        months=((2025, 4), (2025, 5), (2025, 6)), working_days=WORKING_DAYS, time_limit_s=SOLVER_TIME_S,
        stations=tuple(StationSpec(i, 1, None, 10, frozenset({(WEDNESDAY, "am")}), rhythm=rhythm) for i in (1, 2)),
        lawyers=(LawyerSpec(1, 10),))
    shares = (1.0, 4 / 6, 0.5, 2 / 6)

    exact = exact_frontier(req, shares, [])
    alone = rhythm_frontier(req, shares)

    # Alone, each station keeps 1st and 3rd Wednesday all quarter (one 21-day gap after April's five
    # Wednesdays: 7), or two months of it with every gap 14 days (9 and 23 April, then the rhythm: 0).
    assert alone == {1.0: 14, 4 / 6: 0, 0.5: 0, 2 / 6: 0}
    # Sharing the lawyer, only one of them can have a month's 1st and 3rd Wednesday morning: three of six
    # station-months at most, and keeping three costs a 21-day gap at both (one keeps all, one takes the rest).
    assert exact.proven
    assert exact.floors == {1.0: None, 4 / 6: None, 0.5: 14, 2 / 6: 0}


@pytest.mark.skipif(TIMEFOLD_MISSING is not None, reason=f"Timefold cannot run here: {TIMEFOLD_MISSING}")
def test_the_timefold_peer_shares_one_lawyer_between_two_stations_as_well_as_cp_sat() -> None:
    req = VisitPlanRequest(
        months=((2025, 4), (2025, 5), (2025, 6)), working_days=WORKING_DAYS, time_limit_s=SOLVER_TIME_S,
        stations=tuple(StationSpec(i, 1, None, 10, frozenset({(WEDNESDAY, "am")})) for i in (1, 2)),
        lawyers=(LawyerSpec(1, 10),))

    outcome = timefold_peer.solve_timefold(req, [], time_limit_s=TIMEFOLD_S)
    best = year_model.solve_year(req, [], time_limit_s=SOLVER_TIME_S)

    # Twelve visits on the quarter's thirteen Wednesday mornings, never two at once, each station twice a month.
    assert check_plan(req, outcome.visits) == []
    assert len(outcome.visits) == 12
    assert len({v.slot for v in outcome.visits}) == 12
    assert outcome.status == "feasible"
    assert best.status == "optimal"
    gaps = sum(_gap_sum(sorted(v.slot.day for v in outcome.visits if v.station_id == i)) for i in (1, 2))
    assert gaps == best.objective
