"""One visit's walk from the move form to the calendar the lawyer subscribes to: a coordinator moves it on the
visit page, and the lawyer's real .ics feed (the link the subscribe page gives) shows it on its new day and
half-day, with a higher SEQUENCE, and no longer on the old day."""

from __future__ import annotations

import re
from datetime import date

import icalendar
from sqlalchemy import select

from tests.conftest import SOLVER_TIME_S
from tests.visits.conftest import TODAY
from trainer.core.clock import local_datetime
from trainer.core.extensions import db
from trainer.visits.labels import half_label, short_day
from trainer.visits.models import Visit
from trainer.visits.plan import operations as plan_ops
from trainer.visits.plan import planner
from trainer.visits.setup import operations as setup_ops


def _feed_path(client) -> str:
    """The https link of the lawyer's own calendar, as the subscribe page shows it."""
    page = client.get("/calendars/subscribe").get_data(as_text=True)
    return re.search(r'value="http://trainer\.test(/feeds/[^"]+\.ics)"', page).group(1)


def _events(client, path: str) -> list:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return list(icalendar.Calendar.from_ical(response.data).walk("VEVENT"))


def test_a_move_on_the_visit_page_reaches_the_lawyers_feed(login_as, make_user, districts, programme):
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    user = make_user("lawyer", "chaoyang")
    me = programme["lawyers"][0]
    setup_ops.save_lawyer(me, firm=me.firm, name=me.name, phone=me.phone, user_id=user.id)
    db.session.commit()
    visit = db.session.scalar(select(Visit).where(Visit.lawyer_id == me.id, Visit.status == "planned")
                              .order_by(Visit.day, Visit.half))
    old_day, old_half, station = visit.day, visit.half, visit.station
    new_half = "pm" if old_half == "am" else "am"
    new_day = next(d for d in (date(2026, 12, n) for n in range(1, 32)) if d != old_day and d.weekday() < 5
                   and not plan_ops.visit_conflicts(visit, lawyer_id=me.id, day=d, half=new_half))

    lawyer = login_as(user=user)
    path = _feed_path(lawyer)
    uid = f"visit-{visit.id}@trainer"
    [before] = [e for e in _events(lawyer, path) if str(e["UID"]) == uid]
    assert before.decoded("DTSTART") == local_datetime(old_day, station.hours_of(old_half)[0])

    coordinator = login_as("coordinator", "chaoyang")
    response = coordinator.post(f"/visits/v/{visit.id}", data={
        "action": "move", "move-day": new_day.isoformat(), "move-half": new_half, "move-lawyer_id": me.id,
        "move-version": visit.version}, follow_redirects=True)
    moved = f"走访已调整到 {short_day(new_day)} {half_label(new_half)} 并锁定。"
    assert response.status_code == 200 and moved in response.get_data(as_text=True)

    events = _events(lawyer, path)
    [after] = [e for e in events if str(e["UID"]) == uid]
    start, end = station.hours_of(new_half)
    assert after.decoded("DTSTART") == local_datetime(new_day, start)
    assert after.decoded("DTEND") == local_datetime(new_day, end)
    assert int(after["SEQUENCE"]) > int(before.get("SEQUENCE", 0))
    assert str(after["STATUS"]) != "CANCELLED"
    # Nothing of this station is left on the old day (a station's two visits are at least 7 days apart).
    assert not [e for e in events if station.name in str(e["SUMMARY"]) and e.decoded("DTSTART").date() == old_day]
