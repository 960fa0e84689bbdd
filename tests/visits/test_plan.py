"""Planning a month: the rules a coordinator checks on the calendar."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import chinese_calendar
from sqlalchemy import select

from tests.conftest import SOLVER_TIME_S
from tests.visits.conftest import TODAY
from trainer.core.extensions import db
from trainer.visits.models import Visit
from trainer.visits.plan import operations as plan_ops
from trainer.visits.plan import planner
from trainer.visits.setup import leave
from trainer.visits.setup import operations as setup_ops
from trainer.workdays.notice_period import first_open_day


def active_visits():
    return db.session.scalars(select(Visit).where(Visit.status != "cancelled").order_by(Visit.day)).all()


def test_plan_december_two_visits_per_station_on_working_receiving_days(districts, programme):
    outcome = planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    assert outcome.problems == []
    visits = active_visits()
    per_station = defaultdict(list)
    for v in visits:
        per_station[v.station_id].append(v)
        assert chinese_calendar.is_workday(v.day) and v.day.weekday() < 5
        assert (v.day.weekday(), v.half) in v.station.receiving_pairs()
    assert {sid: len(vs) for sid, vs in per_station.items()} == {s.id: 2 for s in programme["stations"]}
    for vs in per_station.values():
        assert abs((vs[1].day - vs[0].day).days) >= 7
    slots = [(v.lawyer_id, v.day, v.half) for v in visits]
    assert len(slots) == len(set(slots))
    assert outcome.run.status in ("optimal", "feasible")


def test_leave_is_respected_and_the_backup_takes_over(districts, programme):
    station = programme["stations"][0]
    assignment = programme["assignments"][0]
    lead, backup = assignment.lead, assignment.backup
    leave.add_leave(lead, date(2026, 12, 1), date(2026, 12, 31), "长期出差")
    db.session.commit()
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    visits = [v for v in active_visits() if v.station_id == station.id]
    assert len(visits) == 2
    assert all(v.lawyer_id == backup.id and v.by_backup for v in visits)
    assert not any(v.lawyer_id == lead.id and date(2026, 12, 1) <= v.day for v in active_visits())


def test_replan_keeps_pinned_visits_and_a_new_leave_moves_only_what_it_breaks(districts, programme):
    district = districts["chaoyang"]
    planner.plan_range(district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    before = {v.id: (v.lawyer_id, v.day, v.half) for v in active_visits()}
    pinned = active_visits()[0]
    plan_ops.set_pinned(pinned, True)
    # The lead of another visit takes a day of leave exactly on it.
    open_day = first_open_day(district.id)
    victim = next(v for v in active_visits() if v.id != pinned.id and v.lawyer_id != pinned.lawyer_id
                  and v.day >= open_day)
    impact = leave.add_leave(victim.lawyer, victim.day, victim.day, "开庭")
    db.session.commit()
    assert [c.item.id for c in impact.broken] == [victim.id]
    assert impact.broken[0].proposal.kind in ("other_person", "other_day")

    outcome = planner.plan_range(district, "2026-12", "2026-12", mode="replan", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    after = {v.id: (v.lawyer_id, v.day, v.half) for v in active_visits()}
    changed = {vid for vid in before if after.get(vid) != before[vid]}
    assert changed == {victim.id}
    assert after[pinned.id] == before[pinned.id]
    assert after[victim.id] != before[victim.id]
    assert after[victim.id][1] != before[victim.id][1] or after[victim.id][0] != before[victim.id][0]
    assert outcome.run.moved == 1 and outcome.run.created == 0 and outcome.problems == []
    db.session.refresh(victim)
    assert victim.sequence == 1


def test_full_plan_keeps_pinned_visit(districts, programme):
    district = districts["chaoyang"]
    planner.plan_range(district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    pinned = active_visits()[-1]
    plan_ops.set_pinned(pinned, True)
    db.session.commit()
    where = (pinned.lawyer_id, pinned.day, pinned.half)
    planner.plan_range(district, "2026-12", "2026-12", mode="full", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    db.session.refresh(pinned)
    assert (pinned.lawyer_id, pinned.day, pinned.half) == where and pinned.status == "planned"


def test_impossible_month_is_explained_and_the_rest_is_planned(districts):
    from tests.visits.conftest import make_programme
    from trainer.visits.plan.messages import describe_all

    district = districts["chaoyang"]
    made = make_programme(district, stations=2)
    # 王律师 leads six stations that receive only on Tuesday mornings, with no backup: December 2026 has five.
    firm = made["firms"][0]
    wang = setup_ops.save_lawyer(None, firm=firm, name="王律师", phone="13911112222")
    from trainer.org.models import Station

    crowded = []
    for n in range(6):
        station = Station(district_id=district.id, union=made["stations"][0].union, name=f"周二站{n + 1}",
                          address="北京市朝阳区", receiving=["1:am"])
        db.session.add(station)
        db.session.flush()
        setup_ops.assign_station(station, firm=firm, lead=wang, backup=None)
        crowded.append(station)
    db.session.commit()
    outcome = planner.plan_range(district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    rules = {p["rule"] for p in outcome.problems}
    assert rules & {"lawyer_capacity", "lawyer_unavailable"}
    named = {sid for p in outcome.problems for sid in p["station_ids"]}
    assert named and named <= {s.id for s in crowded}
    text = " ".join(describe_all(outcome.problems))
    assert "2026年12月" in text and "王律师" in text and "周二上午" in text
    assert outcome.run.status == "partial"
    # The other stations were planned in full, and no Tuesday morning is double-booked.
    counts = defaultdict(int)
    for v in active_visits():
        counts[v.station_id] += 1
    assert all(counts[s.id] == 2 for s in made["stations"])
    wang_slots = [(v.day, v.half) for v in active_visits() if v.lawyer_id == wang.id]
    assert len(wang_slots) == len(set(wang_slots)) <= 5


def test_unannounced_year_is_refused_unless_provisional(districts, programme):
    import pytest

    from trainer.workdays import YearNotAnnounced

    with pytest.raises(YearNotAnnounced) as error:
        planner.plan_range(districts["chaoyang"], "2027-01", "2027-01", time_limit_s=SOLVER_TIME_S, today=TODAY)
    assert "2027" in str(error.value)
    db.session.rollback()
    outcome = planner.plan_range(districts["chaoyang"], "2027-01", "2027-01", allow_provisional=True,
                                    time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    visits = active_visits()
    assert outcome.run.provisional and len(visits) == 2 * len(programme["stations"])
    assert all(v.provisional for v in visits)
    assert not any(v.day == date(2027, 1, 1) for v in visits)  # New Year's Day is kept free even provisionally
