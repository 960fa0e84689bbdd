"""Coordinators say who is the same person: the mentor's lawyer on the mentor form, in the API and in the programme
file; a lawyer's login in the API; an instructor's login may be a lawyer's. Each link joins the agendas."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.agenda.conftest import TODAY, api_headers, visits_of
from tests.conftest import SOLVER_TIME_S
from trainer.agenda import person_of
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.exchange.programme import export_programme, import_programme
from trainer.instructors.engagements.operations import save_engagement, save_session
from trainer.instructors.hierarchy.operations import save_instructor
from trainer.instructors.meetings.operations import create_meeting, move_meeting
from trainer.rotation.models import Mentor
from trainer.visits.plan import planner
from trainer.workdays import next_working_day


def test_the_mentor_form_links_a_lawyer(world, login_as):
    world.mentor.lawyer_id = None
    db.session.commit()
    coordinator = login_as("coordinator", "chaoyang")
    url = f"/rotation/years/{world.py.id}/mentors/{world.mentor.id}"
    page = coordinator.get(url).get_data(as_text=True)
    assert "同一人（律师）" in page and f">{world.lawyer.name} (" in page
    response = coordinator.post(url, data={"name": "王律师", "phone": "", "user_id": 0,
                                           "lawyer_id": world.lawyer.id, "duty_weekdays": [0, 1, 2, 3, 4],
                                           "on_makeup_days": "y", "version": world.mentor.version})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Mentor, world.mentor.id).lawyer_id == world.lawyer.id
    assert person_of("mentor", world.mentor.id).lawyer_ids == {world.lawyer.id}


def test_the_api_links_mentor_and_lawyer_and_refuses_a_foreign_lawyer(world, client, make_user, districts):
    headers = api_headers(make_user("coordinator", "chaoyang"))
    response = client.get(f"/api/v1/rotation/mentors/{world.mentor.id}", headers=headers)
    assert response.status_code == 200 and response.json["lawyer_id"] == world.lawyer.id
    etag = response.headers["ETag"]
    unlinked = client.put(f"/api/v1/rotation/mentors/{world.mentor.id}", headers=headers | {"If-Match": etag},
                          json={"name": "王律师", "lawyer_id": None})
    assert unlinked.status_code == 200 and unlinked.json["lawyer_id"] is None
    assert person_of("mentor", world.mentor.id).lawyer_ids == frozenset()
    created = client.post("/api/v1/rotation/mentors", headers=headers,
                          json={"name": "新带教律师", "lawyer_id": world.lawyer.id})
    assert created.status_code == 201 and created.json["lawyer_id"] == world.lawyer.id
    other = client.post("/api/v1/rotation/mentors", headers=headers, json={"name": "又一位", "lawyer_id": 999999})
    assert other.status_code == 422 and other.json["error"]["fields"]["lawyer_id"] == "请选择本区的律师。"
    listing = client.get("/api/v1/rotation/mentors", headers=headers)
    assert {m["name"] for m in listing.json} == {"王律师", "新带教律师"}


def test_the_lawyer_api_sets_the_login(world, client, make_user):
    headers = api_headers(make_user("coordinator", "chaoyang"))
    other = world.lawyer.firm.lawyers[1]
    login = make_user("lawyer", "chaoyang", username="lawyer.two")
    response = client.get(f"/api/v1/lawyers/{other.id}", headers=headers)
    body = {k: response.json[k] for k in ("firm_id", "name", "phone", "specialities", "office_area", "station_ids",
                                          "active")}
    response = client.put(f"/api/v1/lawyers/{other.id}", headers=headers | {"If-Match": response.headers["ETag"]},
                          json=body | {"user_id": login.id})
    assert response.status_code == 200 and response.json["user_id"] == login.id
    assert person_of("user", login.id).lawyer_ids == {other.id}


def test_the_programme_file_carries_the_links(world, make_user, districts):
    login = make_user("lawyer", "chaoyang", username="mentor.login")
    world.mentor.user_id = None
    db.session.commit()
    data = export_programme(districts["chaoyang"], include_timestamp=False)
    [mentor] = [m for m in data["rotation"]["mentors"] if m["name"] == "王律师"]
    assert mentor["lawyer"] and mentor["username"] is None
    # A mentor whose login is another account than the lawyer's is refused (two logins, one person)...
    mentor["username"] = login.username
    with pytest.raises(InvalidInput) as refused:
        import_programme(data)
    db.session.rollback()
    [(where, message)] = [(k, v) for k, v in refused.value.fields.items() if "mentors" in k]
    assert where.endswith("mentors[0].user_id") and "另一个账号" in message
    # ...the lawyer's own login links both.
    mentor["username"] = world.user.username
    import_programme(data)
    db.session.commit()
    row = db.session.scalar(select(Mentor).where(Mentor.name == "王律师"))
    assert row.user_id == world.user.id and row.lawyer_id == world.lawyer.id


def test_a_lawyer_who_instructs_uses_the_lawyers_login(world, app):
    city = save_instructor(None, tier="city_full", district_id=None, name="市总指导员", background="expert")
    person = save_instructor(None, tier="district_full", district_id=world.district.id, name=world.lawyer.name,
                             background="lawyer", guide=city, user_id=world.user.id)
    db.session.commit()
    found = person_of("instructor", person.id)
    assert found.lawyer_ids == {world.lawyer.id} and found.mentor_ids == {world.mentor.id}
    # A bargaining session at the time of one of the lawyer's station visits is refused, both named.
    planner.plan_range(world.district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    engagement = save_engagement(None, district_id=world.district.id, enterprise="北京某科技有限公司",
                                 union_name="北京某科技有限公司工会", industry=None, street=None, stage="preparation",
                                 request_sent_on=date(2026, 11, 2), instructors=[person])
    db.session.commit()
    visit = visits_of(world.lawyer)[0]
    start, end = visit.station.hours_of(visit.half)
    with app.test_request_context("/"), pytest.raises(InvalidInput) as refused:
        save_session(None, engagement=engagement, day=visit.day, start_time=start, end_time=end, location="企业会议室")
    db.session.rollback()
    message = refused.value.fields["day"]
    assert "集体协商：北京某科技有限公司" in message and f"{visit.station.name}驻站" in message
    # Moving a guidance meeting onto that visit is refused the same way.
    with app.test_request_context("/"):
        meeting = create_meeting(organiser=person, district_id=world.district.id, title="联系组例会",
                                 day=next_working_day(visit.day), start_time="19:00", end_time="20:00")
        db.session.commit()
        with pytest.raises(InvalidInput) as refused:
            move_meeting(meeting, day=visit.day, start_time=start, end_time=end, location="区总工会",
                         version=meeting.version)
    db.session.rollback()
    assert "指导例会：联系组例会" in refused.value.fields["day"] and f"{visit.station.name}驻站" in refused.value.fields["day"]
