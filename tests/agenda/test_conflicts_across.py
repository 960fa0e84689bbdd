"""A clash across programmes found after the fact: the lawyer's visits and phone shifts were planned while the
mentor 王律师 was not yet known to be the same person; linking them lists each clash on the conflicts page of
the change path (rule other_programme), both items named, and unlinking clears the list by itself."""

from __future__ import annotations

from datetime import date

from tests.agenda.conftest import TODAY, day_shifts_of, duty_period, mentoring_days, visits_of
from tests.conftest import SOLVER_TIME_S
from trainer.core.extensions import db
from trainer.rotation.mentors.operations import save_mentor
from trainer.rotation.placements.operations import plan_year
from trainer.visits.duty import operations as duty
from trainer.visits.plan import planner
from trainer.workdays.conflicts import find_conflicts, load_world


def _across(world) -> dict[tuple[str, int], str]:
    found = find_conflicts(load_world(world.district.id, date(2026, 12, 1), date(2026, 12, 31)))
    return {c.key: c.reason for c in found if "other_programme" in c.rules}


def _link(world, lawyer_id):
    save_mentor(world.mentor, district_id=world.district.id, name=world.mentor.name, lawyer_id=lawyer_id)
    db.session.commit()


def test_linking_a_mentor_to_a_busy_lawyer_lists_every_overlap(world):
    _link(world, None)  # not yet known to be the same person: every planner plans them apart
    plan_year(world.py, not_before=date(2026, 12, 1), time_limit_s=SOLVER_TIME_S)
    planner.plan_range(world.district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    period = duty_period(world, date(2026, 12, 1), date(2026, 12, 11))
    duty.plan_period(period, time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    mentoring = mentoring_days(world.mentor)
    visits = [v for v in visits_of(world.lawyer) if v.day in mentoring]
    shifts = [s for s in day_shifts_of(world.lawyer) if s.day in mentoring]
    assert visits or shifts  # the lawyer is busy on some mentoring day
    assert _across(world) == {}

    _link(world, world.lawyer.id)
    across = _across(world)
    # A visit is easier to move than mentoring: the visit is listed, naming the mentoring it overlaps.
    for visit in visits:
        assert "以干代训 · 李晓红" in across[("visit", visit.id)] and "09:00–17:00" in across[("visit", visit.id)]
        assert "律师11同一时间在另一项目中另有安排" in across[("visit", visit.id)]
    # A phone shift holds before mentoring: the placement day of that date is listed, naming the shift.
    for shift in shifts:
        listed = [text for (kind, _id), text in across.items() if kind == "placement_day" and "电话值班" in text]
        assert listed, shift
    assert len(across) >= len(visits) + len({s.day for s in shifts})

    _link(world, None)
    assert _across(world) == {}

