"""The OpenAPI document tells the truth: If-Match declared where an update needs it, nullable fields nullable,
booleans strict, dates answered as dates in lists and records alike, and no API answer kept by a cache."""

from __future__ import annotations

import inspect

import pytest
from marshmallow import Schema, fields

from trainer.api.conventions import IF_MATCH_ATTR
from trainer.api.helpers import QueryBool, StrictBool, UtcDateTime
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.instructors.hierarchy.operations import save_instructor
from trainer.org.models import Station, Union
from trainer.rotation.years.operations import save_programme_year
from trainer.visits.setup import operations as setup


def _headers(user):
    _row, secret = create_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def coordinator(make_user):
    return _headers(make_user("coordinator", "chaoyang"))


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").json


def _api_views(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint.split(".")[0].endswith("_api"):
            yield rule, app.view_functions[rule.endpoint]


def test_every_update_that_needs_if_match_says_so_in_the_document(app, spec):
    checks, declares = set(), set()
    for rule, view in _api_views(app):
        method = next(iter(rule.methods - {"HEAD", "OPTIONS"}))
        key = (method, rule.rule)
        if "require_if_match(" in inspect.getsource(inspect.unwrap(view)):
            checks.add(key)
        if getattr(view, IF_MATCH_ATTR, False):
            declares.add(key)
    assert checks == declares  # every view that checks the ETag is marked, and only those
    assert len(checks) == 22
    needing = {}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            header = [p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "If-Match"]
            if header:
                needing[(method.upper(), path)] = header[0]["required"]
                assert {"412", "428"} <= set(operation["responses"]), (method, path)
    assert len(needing) == 22
    assert needing[("PUT", "/api/v1/firms/{firm_id}")] is True
    assert needing[("POST", "/api/v1/meetings/{meeting_id}/cancel")] is True
    # A first evaluation has no version to name; changing one does.
    assert needing[("PUT", "/api/v1/rotation/trainees/{trainee_id}/evaluation")] is False
    assert needing[("PUT", "/api/v1/instructors/{instructor_id}/assessments/{year}")] is False
    unmarked = sorted((m.upper(), p) for p, ops in spec["paths"].items() for m in ops
                      if m in ("put", "patch") and (m.upper(), p) not in needing)
    # Setting a value, not changing a versioned record: a district's minimum notice.
    assert unmarked == [("PUT", "/api/v1/workdays/notice-period")]


def test_the_answer_that_carries_an_etag_links_to_the_change_that_needs_it(spec):
    created = spec["paths"]["/api/v1/firms"]["post"]["responses"]["201"]
    link = created["links"]["update_firm_put"]
    assert link["operationRef"] == "#/paths/~1api~1v1~1firms~1{firm_id}/put"
    assert link["parameters"] == {"path.firm_id": "$response.body#/id", "header.If-Match": "$response.header.ETag"}
    assert link["requestBody"]["name"] == "$response.body#/name"
    assert "ETag" in created["headers"]
    read = spec["paths"]["/api/v1/firms/{firm_id}"]["get"]["responses"]["200"]["links"]["update_firm_put"]
    assert read["parameters"]["path.firm_id"] == "$request.path.firm_id"
    # A PATCH changes only what it is sent: its link carries the id and the ETag, no body.
    patch = spec["paths"]["/api/v1/visits/{visit_id}"]["get"]["responses"]["200"]["links"]["change_visit_patch"]
    assert "requestBody" not in patch


def test_following_the_link_with_the_etag_saves_the_change(client, coordinator, districts):
    firm = client.post("/api/v1/firms", headers=coordinator, json={"name": "北京市京和律师事务所"})
    assert firm.status_code == 201
    changed = client.put(f"/api/v1/firms/{firm.json['id']}", headers={**coordinator, "If-Match": firm.headers["ETag"]},
                         json={"name": "北京市京和律师事务所（朝阳分所）"})
    assert changed.status_code == 200 and changed.json["name"] == "北京市京和律师事务所（朝阳分所）"
    without = client.put(f"/api/v1/firms/{firm.json['id']}", headers=coordinator, json={"name": "无版本"})
    assert without.status_code == 428
    assert "If-Match" in without.json["error"]["message"]


def test_a_trainee_without_login_answers_user_id_null_as_documented(client, coordinator, districts, spec):
    union = Union(district=districts["chaoyang"], name="八里庄街道总工会", kind="street", street="八里庄街道")
    db.session.add(union)
    py = save_programme_year(None, district_id=districts["chaoyang"].id, year=2026, centre_name="调解中心")
    db.session.commit()
    created = client.post(f"/api/v1/rotation/years/{py.id}/trainees", headers=coordinator, json={
        "union_id": union.id, "name": "李晓红", "unavailable": ["2026-12-25", "2026-12-24"]})
    assert created.status_code == 201, created.json
    assert created.json["user_id"] is None
    assert created.json["unavailable"] == ["2026-12-24", "2026-12-25"]
    listed = client.get(f"/api/v1/rotation/years/{py.id}/trainees", headers=coordinator)
    assert listed.status_code == 200
    assert listed.json[0]["unavailable"] == ["2026-12-24", "2026-12-25"]
    one = client.get(f"/api/v1/rotation/trainees/{created.json['id']}", headers=coordinator)
    assert one.json["unavailable"] == ["2026-12-24", "2026-12-25"]
    documented = spec["components"]["schemas"]["RotationTrainee"]["properties"]["user_id"]
    assert documented.get("nullable") is True


def test_lists_answer_their_dates_as_dates(client, coordinator, districts):
    """Lists that add fields to each record (a period's lawyers, an instructor's district) answered 500."""
    firm = setup.save_firm(None, district_id=districts["chaoyang"].id, name="北京市京和律师事务所")
    lawyers = [setup.save_lawyer(None, firm=firm, name=name) for name in ("王建华", "李静怡")]
    db.session.commit()
    period = client.post("/api/v1/duty-periods", headers=coordinator, json={
        "title": "春节24小时值班", "first_day": "2027-02-10", "last_day": "2027-02-16",
        "lawyer_ids": [lw.id for lw in lawyers]})
    assert period.status_code == 201, period.json
    listed = client.get("/api/v1/duty-periods", headers=coordinator)
    assert listed.status_code == 200
    assert (listed.json[0]["first_day"], listed.json[0]["last_day"]) == ("2027-02-10", "2027-02-16")
    guide = save_instructor(None, tier="city_full", district_id=None, name="孙立平", background="expert")
    db.session.commit()
    instructor = client.post("/api/v1/instructors", headers=coordinator, json={
        "tier": "district_full", "name": "赵建国", "background": "manager", "term_from": "2026-01-01",
        "guide_id": guide.id})
    assert instructor.status_code == 201, instructor.json
    listed = client.get("/api/v1/instructors", headers=coordinator)
    assert listed.status_code == 200
    assert [(i["name"], i["term_from"], i["district"]) for i in listed.json] == [
        ("孙立平", None, None), ("赵建国", "2026-01-01", "chaoyang")]
    engagement = client.post("/api/v1/engagements", headers=coordinator, json={
        "enterprise": "北京望京智联科技有限公司", "union_name": "北京望京智联科技有限公司工会", "stage": "request_sent",
        "request_sent_on": "2027-03-01", "industry": None, "street": None})
    assert engagement.status_code == 201, engagement.json
    listed = client.get("/api/v1/engagements", headers=coordinator)
    assert listed.status_code == 200
    assert listed.json[0]["request_sent_on"] == "2027-03-01"
    assert listed.json[0]["reply_due"] == "2027-03-22"  # 20 days, and the Sunday it falls on moves to Monday


@pytest.mark.parametrize("value", [0, 1, "true", "yes", None])
def test_a_boolean_is_only_true_or_false(client, coordinator, value):
    response = client.post("/api/v1/visits/plan", headers=coordinator,
                           json={"from": "2027-01", "to": "2027-01", "provisional": value})
    assert response.status_code == 422
    assert "provisional" in response.json["error"]["fields"]


def test_a_boolean_in_a_query_string_is_true_or_false(client, coordinator):
    assert client.get("/api/v1/workdays/check?date=2026-10-08&provisional=true", headers=coordinator).status_code == 200
    refused = client.get("/api/v1/workdays/check?date=2026-10-08&provisional=1", headers=coordinator)
    assert refused.status_code == 422
    assert "provisional" in refused.json["error"]["fields"]


def test_no_api_schema_takes_a_lenient_boolean_or_answers_a_moment_without_offset(app):
    loose = []
    for cls in _schema_classes(Schema):
        for name, field in cls._declared_fields.items():
            if (isinstance(field, fields.Boolean) and not isinstance(field, StrictBool | QueryBool)
                    or isinstance(field, fields.DateTime) and not isinstance(field, UtcDateTime)):
                loose.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert loose == []


def _schema_classes(base):
    for cls in base.__subclasses__():
        if cls.__module__.startswith("trainer."):
            yield cls
        yield from _schema_classes(cls)


def test_no_api_answer_may_be_kept_by_a_cache(client, coordinator, app, districts):
    union = Union(district=districts["chaoyang"], name="八里庄街道总工会", kind="street")
    db.session.add_all([union, Station(district=districts["chaoyang"], union=union, name="八里庄街道工会服务站",
                                       address="北京市朝阳区八里庄路1号", contact_name="刘芳",
                                       contact_phone="13800138000", receiving=["1:am"])])
    db.session.commit()
    stations = client.get("/api/v1/stations", headers=coordinator)
    assert stations.json[0]["contact_phone"] == "13800138000"  # a worker's phone: personal data
    assert stations.headers["Cache-Control"] == "no-store"
    for response in (client.get("/api/v1/stations"),  # 401
                     client.get("/api/v1/stations/999999", headers=coordinator),  # 404
                     client.get("/api/v1/openapi.json")):
        assert response.headers["Cache-Control"] == "no-store", response.status_code
