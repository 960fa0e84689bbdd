"""Planning placements: 10 consecutive working days, capacity, blackouts, mentors, make-up days, pins."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import SOLVER_TIME_S
from tests.rotation.conftest import make_year
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.rotation.mentors.operations import add_unavailable, assign_mentor, save_mentor
from trainer.rotation.models import Placement, PlacementDay
from trainer.rotation.placements.operations import move_placement, plan_year
from trainer.rotation.trainees.operations import save_trainee
from trainer.workdays import working_days_set

pytestmark = pytest.mark.usefixtures("request_context")


def _days(placement):
    return [d.day for d in placement.active_days]


def test_eight_placements_obey_every_rule(planned):
    py, mentors, trainees, outcome = planned
    assert outcome.placed == 8 and outcome.problems == []
    working = sorted(working_days_set(date(2026, 1, 1), date(2026, 12, 31)))
    centre = Counter()
    mentor_load = Counter()
    for trainee in trainees:
        db.session.refresh(trainee)
        days = _days(trainee.placement)
        assert len(days) == 10
        start = working.index(days[0])
        assert days == working[start:start + 10]  # consecutive working days
        assert all(not (date(2026, 2, 14) <= d <= date(2026, 2, 24)) for d in days)
        assert all(not (date(2026, 7, 20) <= d <= date(2026, 8, 14)) for d in days)
        phases = [d.phase for d in trainee.placement.active_days]
        assert phases == ["guided"] * 5 + ["independent"] * 5
        for d in trainee.placement.active_days:
            centre[d.day] += 1
            assert d.mentor_id in {m.id for m in mentors}
            mentor_load[(d.mentor_id, d.day)] += 1
    assert max(centre.values()) <= 2
    assert max(mentor_load.values()) <= 2


def test_holiday_inside_a_placement_crosses_to_the_makeup_day(programme, clock):
    py, mentors, trainees = programme
    clock.set("09:00", date(2026, 3, 2))  # planned in spring, every placement ahead
    trainee = trainees[0]
    save_trainee(trainee, py=py, union_id=trainee.union_id, name=trainee.name)
    db.session.commit()
    # Pin the first trainee at 28 September: National Day (1-7 October) lies inside.
    plan_year(py, not_before=date(2026, 3, 2), time_limit_s=SOLVER_TIME_S)
    move_placement(trainee.placement, date(2026, 9, 28))
    db.session.commit()
    days = _days(trainee.placement)
    assert days == [date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8),
                    date(2026, 10, 9), date(2026, 10, 10), date(2026, 10, 12), date(2026, 10, 13),
                    date(2026, 10, 14), date(2026, 10, 15)]
    assert date(2026, 10, 10) in days  # the make-up Saturday
    assert not any(date(2026, 10, 1) <= d <= date(2026, 10, 7) for d in days)
    assert trainee.placement.pinned


def test_pinned_placement_is_kept_on_replan(planned, clock):
    py, mentors, trainees, _outcome = planned
    clock.set("09:00", date(2026, 3, 2))  # planned in spring, every placement ahead
    target = trainees[3].placement
    move_placement(target, date(2026, 11, 2))
    db.session.commit()
    before = {t.id: _days(t.placement) for t in trainees}
    plan_year(py, not_before=date(2026, 3, 2), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    after = {t.id: _days(t.placement) for t in trainees}
    assert after[trainees[3].id][0] == date(2026, 11, 2)
    assert after == before  # least change: nothing moved


def test_mentor_leave_is_respected(programme):
    py, mentors, trainees = programme
    # 周律师 on leave all autumn, 吴律师 only Tuesdays: still fine for capacity.
    add_unavailable(mentors[0], start=date(2026, 3, 1), end=date(2026, 12, 31), reason="休假")
    db.session.commit()
    outcome = plan_year(py, not_before=date(2026, 3, 2), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    assert outcome.placed == 8
    mentor_ids = {d.mentor_id for d in db.session.scalars(select(PlacementDay))}
    assert mentor_ids == {mentors[1].id}


def test_infeasible_plan_is_explained(districts, unions):
    py = make_year(districts, window=(date(2026, 9, 1), date(2026, 9, 30)), capacity=1)
    mentor = save_mentor(None, district_id=py.district_id, name="周律师")
    assign_mentor(py, mentor, duty_weekdays=[0, 1, 2, 3, 4])
    for i in range(3):
        save_trainee(None, py=py, union_id=unions[i].id, name=f"学员{i}")
    db.session.commit()
    outcome = plan_year(py, not_before=date(2026, 9, 1), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    assert outcome.placed == 2 and outcome.unplaced == 1
    assert any("学员" in p and "2026年9月1日" in p for p in outcome.problems), outcome.problems


def test_unannounced_year_needs_provisional(districts, unions):
    py = make_year(districts, year=2031, window=(None, None))
    mentor = save_mentor(None, district_id=py.district_id, name="周律师")
    assign_mentor(py, mentor, duty_weekdays=[0, 1, 2, 3, 4])
    save_trainee(None, py=py, union_id=unions[0].id, name="学员")
    db.session.commit()
    with pytest.raises(InvalidInput) as error:
        plan_year(py, not_before=date(2031, 1, 1), time_limit_s=SOLVER_TIME_S)
    assert "2031" in error.value.fields["year"]
    outcome = plan_year(py, not_before=date(2031, 1, 1), time_limit_s=SOLVER_TIME_S, allow_provisional=True)
    assert outcome.provisional and outcome.placed == 1
    assert db.session.scalar(select(Placement)).provisional


def test_solver_crosses_national_day_to_the_makeup_saturday(districts, unions):
    # Only 10 working days in the period 28 September - 15 October: the plan must skip 1-7 October and take
    # the make-up Saturday 10 October.
    py = make_year(districts, window=(date(2026, 9, 28), date(2026, 10, 15)))
    mentor = save_mentor(None, district_id=py.district_id, name="周律师")
    assign_mentor(py, mentor, duty_weekdays=[0, 1, 2, 3, 4])
    trainee = save_trainee(None, py=py, union_id=unions[0].id, name="李晓红")
    db.session.commit()
    outcome = plan_year(py, not_before=date(2026, 9, 1), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    assert outcome.placed == 1
    days = _days(trainee.placement)
    assert days[0] == date(2026, 9, 28) and days[-1] == date(2026, 10, 15)
    assert date(2026, 10, 10) in days and len(days) == 10
    saturday = next(d for d in trainee.placement.active_days if d.day == date(2026, 10, 10))
    assert saturday.mentor_id == mentor.id and saturday.phase == "independent"
