"""The API's conventions on the stations endpoints: tokens only, district scope, ETag/If-Match, JSON errors."""

from __future__ import annotations

from trainer.auth.operations import create_api_token, revoke_api_token
from trainer.core.extensions import db
from trainer.org.models import Station, Union


def _token(user):
    _row, secret = create_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _station(district, name):
    union = Union(district=district, name=name + "工会", kind="street")
    station = Station(district=district, union=union, name=name, address="地址", receiving=["1:am"])
    db.session.add_all([union, station])
    db.session.commit()
    return station


def test_token_reads_own_district_only(client, make_user, districts):
    mine = _station(districts["chaoyang"], "八里庄街道工会服务站")
    theirs = _station(districts["xicheng"], "牛街街道工会服务站")
    headers = _token(make_user("coordinator", "chaoyang"))
    response = client.get("/api/v1/stations", headers=headers)
    assert [s["name"] for s in response.json] == ["八里庄街道工会服务站"]
    assert response.headers["X-Total-Count"] == "1"
    assert client.get(f"/api/v1/stations/{mine.id}", headers=headers).status_code == 200
    response = client.get(f"/api/v1/stations/{theirs.id}", headers=headers)
    assert response.status_code == 403
    assert response.json["error"]["code"] == "forbidden"
    response = client.put(f"/api/v1/stations/{theirs.id}", headers=headers, json={})
    assert response.status_code in (403, 422)


def test_revoked_token_gets_401_at_once(client, make_user):
    user = make_user("coordinator", "chaoyang")
    row, secret = create_api_token(user, "x")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/districts", headers=headers).status_code == 200
    revoke_api_token(row)
    db.session.commit()
    response = client.get("/api/v1/districts", headers=headers)
    assert response.status_code == 401
    assert set(response.json["error"]) == {"code", "message", "fields"}


def test_session_cookie_does_not_open_the_api_and_token_does_not_open_pages(login_as, make_user, app):
    client = login_as("coordinator", "chaoyang")
    assert client.get("/org/stations").status_code == 200
    assert client.get("/api/v1/stations").status_code == 401
    headers = _token(make_user("coordinator", "chaoyang"))
    assert app.test_client().get("/org/stations", headers=headers).status_code == 302


def test_update_needs_if_match_and_refuses_stale(client, make_user, districts):
    station = _station(districts["chaoyang"], "八里庄街道工会服务站")
    headers = _token(make_user("coordinator", "chaoyang"))
    first = client.get(f"/api/v1/stations/{station.id}", headers=headers)
    etag = first.headers["ETag"]
    body = {"union_id": station.union_id, "name": station.name, "address": "新地址1号", "receiving": ["2:pm"]}
    response = client.put(f"/api/v1/stations/{station.id}", headers=headers, json=body)
    assert response.status_code == 428
    response = client.put(f"/api/v1/stations/{station.id}", headers={**headers, "If-Match": etag}, json=body)
    assert response.status_code == 200 and response.json["address"] == "新地址1号"
    assert response.headers["ETag"] != etag
    # A second client still holding the old ETag loses nothing and is told why.
    response = client.put(f"/api/v1/stations/{station.id}", headers={**headers, "If-Match": etag},
                          json={**body, "address": "旧客户端的地址"})
    assert response.status_code == 412
    assert response.json["error"]["code"] == "precondition_failed"
    db.session.refresh(station)
    assert station.address == "新地址1号"


def test_bad_input_is_422_with_fields(client, make_user, districts):
    headers = _token(make_user("coordinator", "chaoyang"))
    response = client.post("/api/v1/stations", headers=headers, json={"name": "", "receiving": ["9:xx"]})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert "union_id" in fields and "receiving" in fields
    response = client.post("/api/v1/stations", headers=headers, data="not json",
                           content_type="application/json")
    assert response.status_code in (400, 422)
    assert "error" in response.json


def test_openapi_document_describes_errors_and_security(client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert "bearerAuth" in spec["components"]["securitySchemes"]
    put = spec["paths"]["/api/v1/stations/{station_id}"]["put"]
    assert {"412", "422", "428"} <= set(put["responses"])
