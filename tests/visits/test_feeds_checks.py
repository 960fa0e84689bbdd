"""Calendar events and working-day checks that the visits area hands to the calendars and workdays areas."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import SOLVER_TIME_S
from tests.visits.conftest import TODAY
from trainer.core.extensions import db
from trainer.visits import calendar_checks, feeds
from trainer.visits.models import Visit
from trainer.visits.plan import operations as plan_ops
from trainer.visits.plan import planner


def test_feed_events_and_planned_on(make_user, districts, programme):
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    coordinator = make_user("coordinator", "chaoyang")
    events = feeds.user_events(coordinator, date(2026, 12, 1), date(2026, 12, 31))
    assert len(events) == 8 and all(e.uid.startswith("visit-") and e.status == "CONFIRMED" for e in events)
    visit = db.session.scalar(select(Visit).order_by(Visit.day))
    plan_ops.cancel_visit(visit)
    db.session.commit()
    station_events = feeds.station_events(visit.station, date(2026, 12, 1), date(2026, 12, 31))
    cancelled = next(e for e in station_events if e.uid == f"visit-{visit.id}@trainer")
    assert cancelled.status == "CANCELLED" and cancelled.sequence == 1
    assert feeds.user_events(make_user("coordinator", "xicheng"), date(2026, 12, 1), date(2026, 12, 31)) == []
    other = db.session.scalar(select(Visit).where(Visit.status == "planned").order_by(Visit.day))
    items = calendar_checks.planned_items(districts["chaoyang"].id, other.day, other.day)
    assert other.id in {i.id for i in items} and all(i.kind == "visit" for i in items)
    item = next(i for i in items if i.id == other.id)
    assert (item.half, item.people[0].id, item.label) == (other.half, other.lawyer_id,
                                                          f"{other.station.name} · {other.lawyer.name}")
    assert calendar_checks.planned_items(districts["xicheng"].id, other.day, other.day) == []
