"""Planning a month: the rules a coordinator checks on the calendar."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import chinese_calendar
from sqlalchemy import select

from tests.visits.conftest import TODAY
from trainer.extensions import db
from trainer.visits import operations
from trainer.visits.models import Visit


def active_visits():
    return db.session.scalars(select(Visit).where(Visit.status != "cancelled").order_by(Visit.day)).all()


def test_plan_december_two_visits_per_station_on_working_receiving_days(districts, programme):
    outcome = operations.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=2, today=TODAY)
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
