"""A programme-year feed follows the names it shows: the union that sent a trainee (renamed on the union page) and
the mentor (renamed on the mentor form) reach the events at once, with a higher SEQUENCE."""

from __future__ import annotations

import re
from datetime import date

import icalendar

from tests.conftest import SOLVER_TIME_S
from trainer.core.extensions import db
from trainer.rotation.placements.operations import plan_year


def _events(client, path, etag=None):
    response = client.get(path, headers={"If-None-Match": etag} if etag else {})
    assert response.status_code == 200, "the feed answered 304 to its old ETag"
    return response.headers["ETag"], list(icalendar.Calendar.from_ical(response.data).walk("VEVENT"))


def test_union_and_mentor_names_reach_the_programme_year_feed(app, world, login_as):
    plan_year(world.py, not_before=date(2026, 12, 1), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    coordinator = login_as("coordinator", "chaoyang")
    page = coordinator.post(f"/calendars/subscribe/programme_year/{world.py.id}", follow_redirects=True)
    path = re.search(r'value="http://trainer\.test(/feeds/[^"]+\.ics)"', page.get_data(as_text=True)).group(1)
    reader = app.test_client()
    etag, events = _events(reader, path)
    assert events and all("选派单位：测试街道总工会" in str(e["DESCRIPTION"]) for e in events)
    sequences = {str(e["UID"]): int(e.get("SEQUENCE", 0)) for e in events}

    union = world.trainee.union
    response = coordinator.post(f"/org/unions/{union.id}", data={
        "name": "新测试街道总工会", "kind": "street", "street": "测试街道", "district_id": union.district_id,
        "version": union.version})
    assert response.status_code == 302, response.get_data(as_text=True)
    etag, events = _events(reader, path, etag)
    assert all("选派单位：新测试街道总工会" in str(e["DESCRIPTION"]) for e in events)
    assert all(int(e["SEQUENCE"]) > sequences[str(e["UID"])] for e in events)

    response = coordinator.post(f"/rotation/years/{world.py.id}/mentors/{world.mentor.id}", data={
        "name": "王大律师", "phone": "", "user_id": 0, "lawyer_id": world.lawyer.id,
        "duty_weekdays": [0, 1, 2, 3, 4], "on_makeup_days": "y", "version": world.mentor.version})
    assert response.status_code == 302, response.get_data(as_text=True)
    _etag, events = _events(reader, path, etag)
    assert all("带教律师：王大律师" in str(e["DESCRIPTION"]) for e in events)
