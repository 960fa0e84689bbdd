"""Changes after planning: moves and swaps with the conflicts explained, pins, stale edits, the database guard."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.conftest import SOLVER_TIME_S
from tests.visits.conftest import TODAY
from trainer.core.concurrency import StaleEdit
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.visits.labels import half_label, short_day
from trainer.visits.models import Visit
from trainer.visits.plan import operations as plan_ops
from trainer.visits.plan import planner
from trainer.visits.plan import queries as plan_queries
from trainer.visits.setup import leave
from trainer.visits.setup import operations as setup_ops
from trainer.workdays import changes
from trainer.workdays.notice_period import first_open_day


@pytest.fixture
def planned(districts, programme):
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    return programme


def _first_visit(programme):
    station = programme["stations"][0]
    return sorted((v for v in db.session.query(Visit).filter_by(station_id=station.id, status="planned")),
                  key=lambda v: v.day)


def test_move_refused_with_every_reason(planned):
    first, second = _first_visit(planned)
    with pytest.raises(InvalidInput) as error:
        plan_ops.move_visit(first, day=date(2026, 12, 5), half="am")  # a Saturday
    assert "不是法定工作日" in error.value.message
    db.session.rollback()
    too_close = second.day.replace(day=second.day.day - 1) if second.day.day > 1 else second.day
    with pytest.raises(InvalidInput) as error:
        plan_ops.move_visit(first, day=too_close, half=first.half)
    assert "至少" in error.value.message and "天" in error.value.message
    db.session.rollback()
    with pytest.raises(InvalidInput) as error:
        plan_ops.move_visit(first, day=date(2027, 1, 4), half="am")
    assert "走访不能跨月调整（合同按月计次），请调整到 2026-12 的另一天。" in error.value.fields["day"]


def test_move_onto_leave_and_busy_slot_explained(planned):
    first, _second = _first_visit(planned)
    lawyer = first.lawyer
    # Another visit of the same lawyer at another station this month: moving onto its slot names that station.
    elsewhere = planned["stations"][2]
    day = next(d for d in (date(2026, 12, n) for n in range(1, 32)) if d.weekday() < 5 and not db.session.scalar(
        select(Visit.id).where((Visit.lawyer_id == lawyer.id) | (Visit.station_id == elsewhere.id),
                               Visit.day == d, Visit.half == "pm")))
    other = Visit(district_id=elsewhere.district_id, station_id=elsewhere.id, lawyer_id=lawyer.id,
                  firm_id=lawyer.firm_id, day=day, half="pm", status="planned")
    db.session.add(other)
    db.session.flush()
    reasons = plan_ops.visit_conflicts(first, lawyer_id=lawyer.id, day=day, half="pm")
    assert f"{lawyer.name}在{short_day(day)} {half_label('pm')}已安排走访{elsewhere.name}。" in reasons
    leave.add_leave(lawyer, date(2026, 12, 21), date(2026, 12, 21), "开庭")
    reasons = plan_ops.visit_conflicts(first, lawyer_id=lawyer.id, day=date(2026, 12, 21), half="am")
    assert any("请假" in r for r in reasons)


def test_move_succeeds_pins_and_raises_sequence(planned):
    first, second = _first_visit(planned)
    free_day = next(d for d in (date(2026, 12, n) for n in range(1, 32))
                    if d.weekday() < 5 and abs((d - second.day).days) >= 7 and d != first.day
                    and not plan_ops.visit_conflicts(first, lawyer_id=first.lawyer_id, day=d, half="am"))
    plan_ops.move_visit(first, day=free_day, half="am", version=first.version)
    db.session.commit()
    assert first.day == free_day and first.pinned and first.sequence == 1


def test_stale_edit_is_refused(planned):
    first, _ = _first_visit(planned)
    seen = first.version
    plan_ops.set_pinned(first, True, version=seen)
    db.session.commit()
    with pytest.raises(StaleEdit):
        plan_ops.set_pinned(first, False, version=seen)
    db.session.rollback()
    # The first save stands; the stale one changed nothing.
    assert db.session.get(Visit, first.id).pinned is True


def test_database_forbids_a_lawyer_in_two_places(planned):
    first, _ = _first_visit(planned)
    from trainer.org.models import Station

    other_station = Station(district_id=first.district_id, union_id=first.station.union_id, name="另一服务站",
                            address="北京市朝阳区")
    db.session.add(other_station)
    db.session.flush()
    clash = Visit(district_id=first.district_id, station_id=other_station.id, lawyer_id=first.lawyer_id,
                  firm_id=first.firm_id, day=first.day, half=first.half)
    db.session.add(clash)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    # A cancelled visit in the same slot is kept for the feeds and does not count.
    first = db.session.get(Visit, first.id)
    plan_ops.cancel_visit(first)
    again = Visit(district_id=first.district_id, station_id=first.station_id, lawyer_id=first.lawyer_id,
                  firm_id=first.firm_id, day=first.day, half=first.half)
    db.session.add(again)
    db.session.flush()
    assert again.id != first.id


def test_swap_two_visits_of_one_station(planned):
    first, second = _first_visit(planned)
    a, b = (first.day, first.half), (second.day, second.half)
    plan_ops.swap_visits(first, second)
    db.session.commit()
    assert (first.day, first.half) == b and (second.day, second.half) == a and first.pinned and second.pinned


def test_leave_proposes_the_backup_in_the_same_slot(planned, districts):
    open_day = first_open_day(districts["chaoyang"].id)
    first = next(v for v in _first_visit(planned) if v.day >= open_day)  # outside the minimum notice
    assignment = setup_ops.current_assignment(first.station_id)
    absent = first.lawyer
    substitute = assignment.backup if absent.id == assignment.lead_lawyer_id else assignment.lead
    # The other lawyer of the station is free in that slot (whatever the planner gave them there is cancelled).
    for busy in db.session.scalars(select(Visit).where(Visit.lawyer_id == substitute.id, Visit.day == first.day,
                                                       Visit.half == first.half, Visit.status == "planned")):
        plan_ops.cancel_visit(busy)
    assert plan_queries.busy(substitute.id, first.day, first.half, {first.id}) is None
    impact = leave.add_leave(absent, first.day, first.day, "病假")
    conflict = next(c for c in impact.broken if c.item.id == first.id)
    assert conflict.rules == {"on_leave"} and "病假" in conflict.reason
    proposal = conflict.proposal
    assert proposal.kind == "other_person" and proposal.item.day == first.day
    assert proposal.item.person("lawyer").id == substitute.id
    result = changes.apply_places(first.district_id, [(conflict.item.token, proposal.place, first.version)])
    db.session.commit()
    assert result.refused == [] and first.lawyer_id == substitute.id and not first.pinned
