"""Feeds follow every change that alters what they show: a station's new address (edited on the station page)
reaches its station feed and its lawyer's feed at once — the old ETag no longer answers 304, the events carry the
new LOCATION, a higher SEQUENCE and a newer LAST-MODIFIED. The same for a firm's, a lawyer's, a union's and a
person's name."""

from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select, update

from tests.conftest import SOLVER_TIME_S
from tests.visits.conftest import TODAY
from trainer.calendars import blocks, lookups, serving
from trainer.core.clock import now_utc
from trainer.core.extensions import db
from trainer.org.models import Station
from trainer.visits.models import Visit
from trainer.visits.plan import planner
from trainer.visits.setup import operations as setup_ops


def _path(response) -> str:
    return re.search(r'value="http://trainer\.test(/feeds/[^"]+\.ics)"', response.get_data(as_text=True)).group(1)


def _read(client, path: str, etag: str | None = None):
    response = client.get(path, headers={"If-None-Match": etag} if etag else {})
    events = {} if response.status_code == 304 else {
        str(e["UID"]): e for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")}
    return response, events


@pytest.fixture
def feeds(app, login_as, make_user, districts, programme):
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    user = make_user("lawyer", "chaoyang", username="lawyer.feed")
    lawyer = programme["lawyers"][0]
    setup_ops.save_lawyer(lawyer, firm=lawyer.firm, name=lawyer.name, phone=lawyer.phone, user_id=user.id)
    # Planned an hour ago (LAST-MODIFIED has whole seconds: an edit in the same second would look unchanged).
    db.session.execute(update(Visit).values(updated_at=now_utc() - timedelta(hours=1)))
    db.session.commit()
    visit = db.session.scalar(select(Visit).where(Visit.lawyer_id == lawyer.id).order_by(Visit.day))
    coordinator = login_as("coordinator", "chaoyang")
    station_path = _path(coordinator.post(f"/calendars/subscribe/station/{visit.station_id}", follow_redirects=True))
    lawyer_client = login_as(user=user)
    lawyer_path = _path(lawyer_client.get("/calendars/subscribe"))
    return coordinator, visit, {"station": station_path, "lawyer": lawyer_path}, user


def test_a_new_station_address_reaches_its_feeds_at_once(app, feeds):
    coordinator, visit, paths, _user = feeds
    reader = app.test_client()
    uid = f"visit-{visit.id}@trainer"
    before = {name: _read(reader, path) for name, path in paths.items()}
    for _response, events in before.values():
        assert str(events[uid]["LOCATION"]) == visit.station.address

    station = visit.station
    page = coordinator.get(f"/org/stations/{station.id}/edit")
    assert page.status_code == 200
    form = {"name": station.name, "union_id": station.union_id, "address": "北京市朝阳区新址路88号",
            "contact_name": "", "contact_phone": "", "contact_email": "", "receiving": station.receiving,
            "am_hours": station.am_hours, "pm_hours": station.pm_hours, "rhythm": "", "notes": "",
            "version": station.version}
    response = coordinator.post(f"/org/stations/{station.id}/edit", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.get(Station, station.id).address == "北京市朝阳区新址路88号"

    for name, path in paths.items():
        old_response, old_events = before[name]
        response, events = _read(reader, path, old_response.headers["ETag"])
        assert response.status_code == 200, f"{name} feed answered 304 to its old ETag"
        assert response.headers["ETag"] != old_response.headers["ETag"]
        event, old = events[uid], old_events[uid]
        assert str(event["LOCATION"]) == "北京市朝阳区新址路88号"
        assert int(event["SEQUENCE"]) > int(old.get("SEQUENCE", 0))
        assert event.decoded("LAST-MODIFIED") > old.decoded("LAST-MODIFIED")
        again, _events = _read(reader, path, response.headers["ETag"])
        assert again.status_code == 304  # and unchanged feeds still answer 304


def test_firm_lawyer_and_person_names_reach_the_feeds(app, feeds):
    _coordinator, visit, paths, user = feeds
    reader = app.test_client()
    uid = f"visit-{visit.id}@trainer"
    response, events = _read(reader, paths["lawyer"])
    etag, sequence = response.headers["ETag"], int(events[uid].get("SEQUENCE", 0))

    lawyer, firm = visit.lawyer, visit.firm
    setup_ops.save_firm(firm, district_id=firm.district_id, name="新名称律师事务所", contact_name=firm.contact_name,
                        contact_phone=firm.contact_phone)
    setup_ops.save_lawyer(lawyer, firm=firm, name="王新名", phone=lawyer.phone, user_id=user.id)
    db.session.commit()
    response, events = _read(reader, paths["lawyer"], etag)
    assert response.status_code == 200
    event = events[uid]
    assert "王新名" in str(event["SUMMARY"]) and "新名称律师事务所" in str(event["DESCRIPTION"])
    assert int(event["SEQUENCE"]) > sequence

    # The person's own name is the calendar's name.
    etag = response.headers["ETag"]
    user.display_name = "王新名律师"
    db.session.commit()
    response, _events = _read(reader, paths["lawyer"], etag)
    assert response.status_code == 200 and "王新名律师" in response.get_data(as_text=True)


def test_stored_event_blocks_never_outlive_a_change(app, feeds):
    """The events' written blocks are stored (trainer/calendars/blocks.py); another worker, with nothing in its
    memory, finds them in the table — and never the block of an event before its change."""
    _coordinator, visit, paths, _user = feeds
    reader = app.test_client()
    uid = f"visit-{visit.id}@trainer"
    _read(reader, paths["lawyer"])
    visit.station.address = "北京市朝阳区又一新址9号"
    db.session.commit()
    for fresh_worker in (False, True):
        if fresh_worker:
            serving.memory.clear()
            blocks.memory.clear()
            lookups.reset()
        _response, events = _read(reader, paths["lawyer"])
        assert str(events[uid]["LOCATION"]) == "北京市朝阳区又一新址9号"
    old_day = visit.day
    visit.day = old_day + timedelta(days=1)
    visit.touch()
    db.session.commit()
    serving.memory.clear()
    blocks.memory.clear()
    _response, events = _read(reader, paths["lawyer"])
    assert events[uid].decoded("DTSTART").date() == old_day + timedelta(days=1)
