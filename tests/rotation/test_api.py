"""The rotation API with personal tokens."""

from __future__ import annotations

from trainer.auth.models import Role
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.rotation.mentors.operations import save_mentor


def _token(make_user, role=Role.COORDINATOR, district="chaoyang", **extra):
    user = make_user(role, district, **extra)
    _t, secret = create_api_token(user, "test")
    db.session.commit()
    return user, {"Authorization": f"Bearer {secret}"}


def test_api_years_trainees_plan_and_scope(client, planned, make_user):
    py, mentors, trainees, _ = planned
    _user, headers = _token(make_user)
    years = client.get("/api/v1/rotation/years", headers=headers).get_json()
    assert [y["year"] for y in years] == [2026]
    response = client.get(f"/api/v1/rotation/years/{py.id}", headers=headers)
    etag = response.headers["ETag"]
    body = {**{k: v for k, v in response.get_json().items() if k not in ("id", "district_id", "version", "blackouts")},
            "capacity": 3}
    assert client.put(f"/api/v1/rotation/years/{py.id}", json=body, headers=headers).status_code == 428
    ok = client.put(f"/api/v1/rotation/years/{py.id}", json=body, headers={**headers, "If-Match": etag})
    assert ok.status_code == 200 and ok.get_json()["capacity"] == 3
    stale = client.put(f"/api/v1/rotation/years/{py.id}", json=body, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    placements = client.get(f"/api/v1/rotation/years/{py.id}/placements", headers=headers).get_json()
    assert len(placements) == 8 and all(len(p["days"]) == 10 for p in placements)
    assert placements[0]["days"][0]["phase"] == "guided" and placements[0]["days"][9]["phase"] == "independent"
    bad = client.post(f"/api/v1/rotation/years/{py.id}/trainees", json={"name": "", "union_id": 999},
                      headers=headers)
    assert bad.status_code == 422 and "name" in bad.get_json()["error"]["fields"]
    _other, other_headers = _token(make_user, district="xicheng")
    assert client.get(f"/api/v1/rotation/years/{py.id}", headers=other_headers).status_code == 403
    assert client.get("/api/v1/rotation/years", headers=other_headers).get_json() == []


def test_api_trainee_sees_own_placement_not_others_evaluation(client, planned, make_user):
    py, mentors, trainees, _ = planned
    me, other = trainees[0], trainees[1]
    user, headers = _token(make_user, Role.TRAINEE)
    me.user_id = user.id
    db.session.commit()
    mine = client.get("/api/v1/rotation/mine", headers=headers).get_json()
    assert mine["trainee"] == me.name and len(mine["days"]) == 10
    assert client.get(f"/api/v1/rotation/trainees/{other.id}/evaluation", headers=headers).status_code == 404
    assert client.get(f"/api/v1/rotation/trainees/{other.id}", headers=headers).status_code == 404
    guided = me.placement.active_days[0]
    refused = client.post(f"/api/v1/rotation/days/{guided.id}/logs", headers=headers, json={
        "case_ref": "A-1", "category": "工伤", "role": "independent", "accepted_on": guided.day.isoformat()})
    assert refused.status_code == 422 and "role" in refused.get_json()["error"]["fields"]
    logged = client.post(f"/api/v1/rotation/days/{guided.id}/logs", headers=headers, json={
        "case_ref": "A-1", "category": "工伤", "role": "observed", "accepted_on": guided.day.isoformat()})
    assert logged.status_code == 201 and logged.get_json()["deadline"]
    coverage = client.get("/api/v1/rotation/coverage", headers=headers)
    assert coverage.status_code == 403


def test_api_day_mentor_must_be_a_mentor_of_the_year(client, planned, make_user):
    """A mentor id that is nobody, or a mentor of another district, is refused naming the field (it was a 500)."""
    py, mentors, trainees, _ = planned
    _user, headers = _token(make_user)
    day = trainees[0].placement.active_days[0]
    before = day.mentor_id
    elsewhere = save_mentor(None, district_id=make_user("coordinator", "xicheng").district_id, name="西城律师")
    db.session.commit()
    for mentor_id in (4000, elsewhere.id):
        response = client.post(f"/api/v1/rotation/days/{day.id}/mentor", json={"mentor_id": mentor_id}, headers=headers)
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"]["mentor_id"] == "该带教律师当天不值班或没有空。"
    db.session.refresh(day)
    assert day.mentor_id == before
