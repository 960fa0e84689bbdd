"""Proposals for broken placement days keep the trainee's fortnight together: another mentor the same day where
one is free; else the day moves past the placement's end (never into the middle of other days)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.agenda.conftest import add_other_mentor, mentoring_days
from tests.conftest import SOLVER_TIME_S
from trainer.core.extensions import db
from trainer.rotation.mentors.operations import add_unavailable
from trainer.rotation.models import PlacementDay
from trainer.rotation.placements.operations import plan_year
from trainer.workdays import changes
from trainer.workdays.changes import Scope

TODAY = date(2026, 11, 30)


def _placement_days(world) -> list[PlacementDay]:
    return list(db.session.scalars(select(PlacementDay).where(PlacementDay.status == "planned")
                                   .order_by(PlacementDay.day)))


def _conflicts(world):
    _world, conflicts = changes.current(Scope.of(world.district.id, today=TODAY), today=TODAY)
    return [c for c in conflicts if c.item.kind == "placement_day"]


def test_a_mentor_who_falls_ill_is_replaced_on_the_same_day(world):
    add_other_mentor(world)
    plan_year(world.py, not_before=date(2026, 12, 7), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    days = _placement_days(world)
    sick = next(d for d in days if d.mentor_id == world.mentor.id)
    add_unavailable(world.mentor, start=sick.day, end=sick.day, reason="出庭")
    db.session.commit()

    [conflict] = _conflicts(world)
    assert conflict.item.day == sick.day
    assert conflict.proposal.kind == "other_person" and "周律师" in conflict.proposal.message

    result = changes.apply_all(world.district.id, today=TODAY)
    db.session.commit()
    assert not result.refused
    after = _placement_days(world)
    assert [d.day for d in after] == [d.day for d in days]  # the fortnight as it was
    assert next(d for d in after if d.day == sick.day).mentor_id == world.other_mentor.id
    assert _conflicts(world) == []


def test_a_day_the_trainee_cannot_come_moves_past_the_end_of_the_fortnight(world):
    plan_year(world.py, not_before=date(2026, 12, 7), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    days = [d.day for d in _placement_days(world)]
    missed = days[4]
    world.trainee.unavailable = [missed.isoformat()]
    db.session.commit()

    [conflict] = _conflicts(world)
    assert conflict.item.day == missed and conflict.proposal.kind == "other_day"
    assert conflict.proposal.item.day > days[-1]

    result = changes.apply_all(world.district.id, today=TODAY)
    db.session.commit()
    assert not result.refused
    after = [d.day for d in _placement_days(world)]
    assert missed not in after and len(after) == len(days)
    assert after[:-1] == [d for d in days if d != missed] and after[-1] > days[-1]
    assert after[-1] in mentoring_days(world.mentor)
    assert _conflicts(world) == []
