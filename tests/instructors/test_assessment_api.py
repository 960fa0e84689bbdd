"""A year's assessment through the API: set once without a version, read with its ETag, changed only with it
(a stale change is refused and loses nothing)."""

from __future__ import annotations

from tests.instructors.conftest import settle
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.instructors.models import Assessment


def _coordinator(app, make_user):
    with app.test_request_context("/"):
        _token, secret = create_api_token(make_user("coordinator", "chaoyang"), "test")
        settle()
    return app.test_client(), {"Authorization": f"Bearer {secret}"}


def test_an_assessment_is_set_then_changed_only_with_its_etag(tree, app, make_user):
    client, auth = _coordinator(app, make_user)
    url = f"/api/v1/instructors/{tree.li.id}/assessments/2026"
    assert client.get(url, headers=auth).status_code == 404  # not assessed yet

    first = client.put(url, json={"result": "competent", "score": 82}, headers=auth)  # a first one: no version
    assert first.status_code == 200 and first.json["result"] == "competent" and first.json["score"] == 82
    etag = first.headers["ETag"]
    read = client.get(url, headers=auth)
    assert read.json["result"] == "competent" and read.headers["ETag"] == etag

    unnamed = client.put(url, json={"result": "excellent", "score": 95}, headers=auth)
    assert unnamed.status_code == 428 and "If-Match" in unnamed.json["error"]["message"]
    changed = client.put(url, json={"result": "excellent", "score": 95}, headers={**auth, "If-Match": etag})
    assert changed.status_code == 200 and changed.json["result"] == "excellent"
    assert changed.headers["ETag"] != etag

    stale = client.put(url, json={"result": "basic", "score": 60}, headers={**auth, "If-Match": etag})
    assert stale.status_code == 412 and "他人修改" in stale.json["error"]["message"]
    db.session.expire_all()
    kept = db.session.query(Assessment).filter_by(instructor_id=tree.li.id, year=2026).one()
    assert (kept.result, kept.score) == ("excellent", 95)


def test_another_districts_assessment_is_not_seen(tree, app, make_user):
    client, auth = _coordinator(app, make_user)
    assert client.get(f"/api/v1/instructors/{tree.wang.id}/assessments/2026", headers=auth).status_code == 403
    refused = client.put(f"/api/v1/instructors/{tree.wang.id}/assessments/2026", json={"result": "basic"},
                         headers=auth)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"
