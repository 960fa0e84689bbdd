"""The API holds every argument and body to the one input rule (trainer.core.inputs): what a client sees is a
422 naming the field (a 400 for a body that is no usable JSON, a 404 for an id beyond 32 bits, a 413 for a body
over the upload limit), and nothing is stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.visits.conftest import make_programme
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.instructors.models import Engagement
from trainer.visits.models import Firm, LawyerLeave

OUTSIDE = "超出系统接受的日期范围（2000-01-01 至 2100-12-31）"


@pytest.fixture
def api(client, make_user):
    _row, secret = create_api_token(make_user("coordinator", "chaoyang"), "bounded inputs")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}

    def call(method: str, url: str, body: str | dict | None = None):
        data = body if isinstance(body, str) or body is None else json.dumps(body)
        response = client.open(url, method=method, headers=headers, data=data,
                               content_type="application/json" if body is not None else None)
        return response.status_code, response.get_json()

    return call


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_query_dates_outside_the_span_are_422_naming_the_argument(api):
    status, body = api("GET", "/api/v1/workdays/check?date=9999-12-31")
    assert status == 422
    assert body["error"]["fields"] == {"date": [f"9999-12-31 {OUTSIDE}。"]}
    status, body = api("GET", "/api/v1/workdays/range?from=9999-12-01&to=9999-12-31")
    assert status == 422
    assert set(body["error"]["fields"]) == {"from", "to"} and OUTSIDE in body["error"]["fields"]["from"][0]
    status, body = api("GET", "/api/v1/workdays/range?from=0001-01-01&to=2027-01-31")
    assert status == 422 and "0001-01-01" in body["error"]["fields"]["from"][0]


def test_body_dates_outside_the_span_are_refused_and_nothing_is_stored(api, districts):
    lawyer = make_programme(districts["chaoyang"], stations=1, firms=1)["lawyers"][0]
    db.session.commit()
    status, body = api("POST", f"/api/v1/lawyers/{lawyer.id}/leave", {"start": "0001-01-01", "end": "2027-01-08"})
    assert status == 422
    assert body["error"]["fields"] == {"start": [f"0001-01-01 {OUTSIDE}。"]}
    assert _count(LawyerLeave) == 0


def test_control_characters_and_lone_surrogates_are_refused_naming_the_field(api):
    status, body = api("POST", "/api/v1/firms", '{"name": "\\udc80"}')
    assert status == 422
    assert body["error"]["fields"] == {"name": ["含有无效字符（U+DC80），请删除。"]}
    status, body = api("POST", "/api/v1/firms", {"name": "北京\x00律所"})
    assert status == 422 and body["error"]["fields"] == {"name": ["含有控制字符（U+0000），请删除。"]}
    status, body = api("POST", "/api/v1/firms", {"name": "北京\n律所"})
    assert status == 422 and body["error"]["fields"] == {"name": ["含有换行符或制表符；此项只能填写一行。"]}
    assert _count(Firm) == 0
    # A key is text too.
    status, body = api("POST", "/api/v1/firms", '{"name": "北京律所", "\\ud800": 1}')
    assert status == 422 and list(body["error"]["fields"]) == ["\\ud800"]
    assert _count(Firm) == 0


ENGAGEMENT = {"enterprise": "北京某公司", "union_name": "北京某公司工会", "stage": "request_sent", "request_sent_on": "2027-03-01"}


def test_a_multi_line_field_takes_line_breaks_but_no_other_control_character(api):
    status, body = api("POST", "/api/v1/engagements", {**ENGAGEMENT, "notes": "响铃\x07"})
    assert status == 422 and body["error"]["fields"] == {"notes": ["含有控制字符（U+0007），请删除。"]}
    assert _count(Engagement) == 0
    status, body = api("POST", "/api/v1/engagements", {**ENGAGEMENT, "notes": "第一行\n第二行\t备注"})
    assert status == 201, body
    assert body["notes"] == "第一行\n第二行\t备注"


def test_whole_numbers_beyond_32_bits_are_422_in_bodies_and_404_in_paths(api):
    status, body = api("POST", "/api/v1/engagements",
                       json.dumps(ENGAGEMENT)[:-1] + ', "instructor_ids": [99999999999999999999]}')
    assert status == 422
    assert body["error"]["fields"] == {"instructor_ids": {"0": [
        "99999999999999999999 超出范围（整数须在 -2147483648 至 2147483647 之间）。"]}}
    assert _count(Engagement) == 0
    assert api("GET", "/api/v1/firms/99999999999")[0] == 404
    status, body = api("GET", "/api/v1/lawyers?page=1&page_size=99999999999")
    assert status == 422 and list(body["error"]["fields"]) == ["page_size"]


def test_deeply_nested_json_is_a_400_with_a_message(api):
    status, body = api("POST", "/api/v1/firms", '{"a":' * 100_000)
    assert status == 400
    assert body["error"]["message"] == "JSON 嵌套超过 32 层，无法读取。"
    status, body = api("POST", "/api/v1/firms", "[" * 40 + "]" * 40)
    assert status == 400 and body["error"]["message"] == "JSON 嵌套超过 32 层，无法读取。"
    status, body = api("POST", "/api/v1/firms", '{"name": NaN}')
    assert status == 400 and "NaN" in body["error"]["message"]
    assert _count(Firm) == 0


def test_a_body_over_the_upload_limit_is_413_with_a_message(api, app):
    status, body = api("POST", "/api/v1/firms", json.dumps({"name": "x" * (6 * 1024 * 1024)}))
    assert status == 413
    assert body["error"] == {"code": "too_large", "message": "上传的内容超过 5 MB，未保存任何内容。", "fields": {}}
    assert _count(Firm) == 0
