"""The demo may be loaded on any day (`make run` loads it on the day it is first run): on each of these days it
loads, breaks no rule, has its past delivered, its plan two weeks ahead, and 王建华's visit of the last working day
left unrecorded for the desk — December's first day, mid-month, the week before the year's end, its last day, and
in 2027 (a year chinesecalendar 1.11 does not know: the plan is provisional there)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from trainer.core.extensions import db
from trainer.core.months import month_of
from trainer.org.demo import load_demo
from trainer.org.models import District
from trainer.visits.models import Visit
from trainer.visits.records import rules
from trainer.workdays import is_working_day
from trainer.workdays.changes import Scope, current
from trainer.workdays.conflicts import open_conflicts

DAYS = [date(2026, 12, 1), date(2026, 12, 15), date(2026, 12, 21), date(2026, 12, 31), date(2027, 1, 11),
        date(2027, 3, 16)]


def _working_days(day: date, step: int, count: int) -> list[date]:
    """``count`` working days after ``day`` (``step`` 1, ``day`` itself first) or before it (-1)."""
    days, day = [], day if step > 0 else day - timedelta(days=1)
    while len(days) < count:
        if is_working_day(day, allow_provisional=True):
            days.append(day)
        day += timedelta(days=step)
    return days


@pytest.mark.slow
@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_demo_loads_on_any_day_and_keeps_every_rule(clock, today):
    clock.set("09:30", today)
    load_demo()
    db.session.commit()
    chaoyang = db.session.scalar(select(District).where(District.code == "chaoyang"))

    _world, found = current(Scope.of(chaoyang.id, today=today), with_proposals=False, today=today)
    assert [f"{c.item.day} {c.item.label}: {c.reason}" for c in open_conflicts(found)] == []

    visits = db.session.scalars(select(Visit).where(Visit.district_id == chaoyang.id)).all()
    wang = [v for v in visits if v.lawyer.name == "王建华"]
    # The plan covers the month two weeks ahead (its visits are there) and has visits ahead of today.
    assert month_of(today + timedelta(days=14)) in {month_of(v.day) for v in visits if v.status == "planned"}
    assert any(v.day > today for v in visits if v.status == "planned")
    # The past is recorded except 王建华's visit of one of the last three working days (of the last one when a
    # visit can be there without breaking a rule): the desk's "unrecorded" example.
    recent = _working_days(today, -1, 3)
    unrecorded = [v for v in visits if v.status == "planned" and v.day < today and rules.state(v) == rules.UNRECORDED]
    assert len(unrecorded) == 1 and unrecorded[0] in wang and unrecorded[0].day in recent
    # And a visit of his today, or on one of the next working days, to try check-in on.
    assert any(v.day in _working_days(today, 1, 5) and v.status == "planned" for v in wang)
