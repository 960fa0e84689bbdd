"""The city-tier rule, through each channel: city full-time instructors belong to the city federation; a district
coordinator sees them but cannot create or change them, the city admin can."""

from __future__ import annotations

from tests.instructors.conftest import settle
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.instructors.models import Instructor


def _city_form(tree, **overrides) -> dict:
    data = {"name": "孙立平", "tier": "city_full", "district_id": 0, "guide_id": 0, "background": "expert",
            "status": "active", "user_id": 0, "version": tree.city.version}
    data.update(overrides)
    return data


def _notes(instructor_id: int) -> str | None:
    db.session.expire_all()
    return db.session.get(Instructor, instructor_id).notes


def _phone(instructor_id: int) -> str | None:
    db.session.expire_all()
    return db.session.get(Instructor, instructor_id).phone


def test_page_coordinator_cannot_edit_a_city_instructor_and_the_admin_can(tree, login_as):
    coordinator = login_as("coordinator", "chaoyang")
    assert coordinator.get(f"/instructors/{tree.city.id}").status_code == 200  # seen
    assert "/edit" not in coordinator.get(f"/instructors/{tree.city.id}").get_data(as_text=True)
    assert coordinator.get(f"/instructors/{tree.city.id}/edit").status_code == 403
    response = coordinator.post(f"/instructors/{tree.city.id}/edit", data=_city_form(tree, notes="区里改的"))
    assert response.status_code == 403 and _notes(tree.city.id) is None
    # nor may a coordinator turn one of their own instructors into a city instructor
    response = coordinator.post(f"/instructors/{tree.li.id}/edit", data=_city_form(
        tree, name="李秀英", background="teacher", version=tree.li.version))
    assert response.status_code == 422 and db.session.get(Instructor, tree.li.id).tier == "district_full"

    admin = login_as("admin", None)
    assert admin.get(f"/instructors/{tree.city.id}/edit").status_code == 200
    response = admin.post(f"/instructors/{tree.city.id}/edit", data=_city_form(tree, notes="市总改的"))
    assert response.status_code == 302 and _notes(tree.city.id) == "市总改的"


def _token_client(app, user):
    with app.test_request_context("/"):
        _token, secret = create_api_token(user, "test")
        settle()
    return app.test_client(), {"Authorization": f"Bearer {secret}"}


def test_api_coordinator_cannot_edit_a_city_instructor_and_the_admin_can(tree, app, make_user):
    body = {"tier": "city_full", "name": "孙立平", "background": "expert"}
    client, coordinator = _token_client(app, make_user("coordinator", "chaoyang"))
    response = client.get(f"/api/v1/instructors/{tree.city.id}", headers=coordinator)
    assert response.status_code == 200  # seen
    etag = response.headers["ETag"]
    response = client.put(f"/api/v1/instructors/{tree.city.id}", headers={**coordinator, "If-Match": etag},
                          json={**body, "phone": "13800138001"})
    assert response.status_code == 403 and _phone(tree.city.id) is None
    response = client.post("/api/v1/instructors", headers=coordinator, json={**body, "name": "新市级"})
    assert response.status_code == 403
    assert db.session.query(Instructor).filter_by(name="新市级").count() == 0

    client, admin = _token_client(app, make_user("admin", None))
    response = client.put(f"/api/v1/instructors/{tree.city.id}", headers={**admin, "If-Match": etag},
                          json={**body, "phone": "13800138002"})
    assert response.status_code == 200 and _phone(tree.city.id) == "13800138002"
    response = client.post("/api/v1/instructors", headers=admin, json={**body, "name": "新市级"})
    assert response.status_code == 201 and response.json["district"] is None
