"""The JSON API (token, ETag/If-Match, 412/409/422) and the CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta
from unittest import mock

import pytest
from sqlalchemy import select

from tests.conftest import SOLVER_TIME_S
from tests.visits.conftest import TODAY, gap_sum_and_patterns
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.visits.models import Visit
from trainer.visits.plan import operations as plan_ops
from trainer.visits.plan import planner
from trainer.visits.setup import operations as setup_ops


def _token(make_user, role="coordinator", district="chaoyang", user=None):
    user = user or make_user(role, district)
    _row, secret = create_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_plan_list_get_and_patch_with_if_match(client, make_user, programme):
    headers = _token(make_user)
    response = client.post("/api/v1/visits/plan", json={"from": "2026-12", "to": "2026-12", "mode": "full"},
                           headers=headers)
    assert response.status_code == 200, response.json
    assert response.json["created"] == 8 and response.json["problems"] == []
    listing = client.get("/api/v1/visits?from=2026-12-01&to=2026-12-31", headers=headers)
    assert listing.status_code == 200 and len(listing.json) == 8
    assert listing.headers["X-Total-Count"] == "8"
    first = listing.json[0]
    one = client.get(f"/api/v1/visits/{first['id']}", headers=headers)
    etag = one.headers["ETag"]
    assert one.json["station_name"] == first["station_name"]
    # Without If-Match: 428. With it: pinned. With the old one again: 412, nothing lost.
    assert client.patch(f"/api/v1/visits/{first['id']}", json={"pinned": True}, headers=headers).status_code == 428
    pinned = client.patch(f"/api/v1/visits/{first['id']}", json={"pinned": True},
                          headers={**headers, "If-Match": etag})
    assert pinned.status_code == 200 and pinned.json["pinned"] is True
    stale = client.patch(f"/api/v1/visits/{first['id']}", json={"pinned": False},
                         headers={**headers, "If-Match": etag})
    assert stale.status_code == 412 and stale.json["error"]["code"] == "precondition_failed"
    # A move onto a Saturday: 422 with the reason in words.
    bad = client.patch(f"/api/v1/visits/{first['id']}", json={"day": "2026-12-26", "half": "am"},
                       headers={**headers, "If-Match": pinned.headers["ETag"]})
    assert bad.status_code == 422 and "不是法定工作日" in bad.json["error"]["message"]


def test_api_double_booking_race_answers_409(client, make_user, districts, programme):
    headers = _token(make_user)
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    visit = db.session.scalar(select(Visit).order_by(Visit.id))
    other = db.session.scalar(select(Visit).where(Visit.lawyer_id != visit.lawyer_id,
                                                  Visit.station_id != visit.station_id))
    etag = client.get(f"/api/v1/visits/{other.id}", headers=headers).headers["ETag"]
    # The checks pass (as in a race where the other booking lands just after them); the database refuses.
    with mock.patch("trainer.visits.plan.operations.visit_conflicts", return_value=[]):
        response = client.patch(f"/api/v1/visits/{other.id}",
                                json={"day": visit.day.isoformat(), "half": visit.half,
                                      "lawyer_id": visit.lawyer_id}, headers={**headers, "If-Match": etag})
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    assert "已有安排" in response.json["error"]["message"]


def test_api_scope_and_lawyer_view(client, make_user, districts, programme):
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    visit = db.session.scalar(select(Visit))
    xicheng = _token(make_user, district="xicheng")
    assert client.get(f"/api/v1/visits/{visit.id}", headers=xicheng).status_code == 403
    assert client.get("/api/v1/visits", headers=xicheng).json == []
    user = make_user("lawyer", "chaoyang")
    me = programme["lawyers"][0]
    setup_ops.save_lawyer(me, firm=me.firm, name=me.name, user_id=user.id)
    db.session.commit()
    mine = client.get("/api/v1/visits", headers=_token(make_user, user=user)).json
    assert mine and {v["lawyer_id"] for v in mine} == {me.id}


def test_api_firms_lawyers_leave_assignments(client, make_user, programme):
    headers = _token(make_user)
    firm = client.post("/api/v1/firms", json={"name": "北京明理律师事务所", "contact_phone": "13911112222"},
                       headers=headers)
    assert firm.status_code == 201
    lawyer = client.post("/api/v1/lawyers", json={"firm_id": firm.json["id"], "name": "何晓东",
                                                  "phone": "13911110019", "specialities": ["劳动争议"]},
                         headers=headers)
    assert lawyer.status_code == 201, lawyer.json
    bad = client.post("/api/v1/lawyers", json={"firm_id": firm.json["id"], "name": "何晓东"}, headers=headers)
    assert bad.status_code == 422 and "name" in bad.json["error"]["fields"]
    leave = client.post(f"/api/v1/lawyers/{lawyer.json['id']}/leave",
                        json={"start": "2026-12-10", "end": "2026-12-11", "reason": "年假"}, headers=headers)
    assert leave.status_code == 201 and leave.json["broken"] == []
    station = programme["stations"][0]
    assigned = client.post("/api/v1/assignments", json={"station_id": station.id, "firm_id": firm.json["id"],
                                                        "lead_lawyer_id": lawyer.json["id"]}, headers=headers)
    assert assigned.status_code == 201
    other_firm_lawyer = programme["lawyers"][0].id
    wrong = client.post("/api/v1/assignments", json={"station_id": station.id, "firm_id": firm.json["id"],
                                                     "lead_lawyer_id": lawyer.json["id"],
                                                     "backup_lawyer_id": other_firm_lawyer}, headers=headers)
    assert wrong.status_code == 422 and "backup_lawyer_id" in wrong.json["error"]["fields"]
    assert len(client.get("/api/v1/assignments", headers=headers).json) == 4


def test_cli_plan_list_check(app, districts, programme):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["visits", "plan", "--district", "chaoyang", "--from", "2026-12", "--to", "2026-12",
                                 "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    assert "8 new" in result.output
    listed = runner.invoke(args=["visits", "list", "--district", "chaoyang", "--from", "2026-12"])
    assert "8 visits" in listed.output and "2026-12-" in listed.output
    checked = runner.invoke(args=["visits", "check", "--district", "chaoyang", "--from", "2026-12"])
    assert checked.exit_code == 0 and "0 hard-rule violations" in checked.output
    # Break a rule behind the planner's back: the check names it and fails.
    visit = db.session.scalar(select(Visit).order_by(Visit.day))
    visit.half = "pm" if visit.half == "am" else "am"
    visit.day = visit.day.replace(day=26)  # a Saturday
    db.session.commit()
    checked = runner.invoke(args=["visits", "check", "--district", "chaoyang", "--from", "2026-12"])
    assert checked.exit_code == 1 and "不在法定工作日" in checked.output
    unannounced = runner.invoke(args=["visits", "plan", "--district", "chaoyang", "--from", "2027-01",
                                      "--to", "2027-01"])
    assert unannounced.exit_code != 0 and "2027" in unannounced.output and "--provisional" in unannounced.output



def test_cli_quality_measures_the_stored_plan(app, districts, programme, make_user):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["visits", "plan", "--district", "chaoyang", "--from", "2026-12", "--to", "2027-01",
                               "--provisional", "--time-limit", str(SOLVER_TIME_S)]).exit_code == 0
    expected, patterns = gap_sum_and_patterns()
    shown = runner.invoke(args=["visits", "quality", "--district", "chaoyang", "--from", "2026-12", "--to", "2027-01"])
    assert shown.exit_code == 0, shown.output
    assert "chaoyang 2026-12..2027-01: 16 visits" in shown.output
    assert f"Σ|gap − 14| over each station's consecutive visits: {expected}" in shown.output
    assert "hard-rule violations: 0" in shown.output and "visits by the backup lawyer: 0" in shown.output
    before = json.loads(runner.invoke(args=["visits", "quality", "--district", "chaoyang", "--from", "2026-12",
                                            "--to", "2027-01", "--json"]).output)
    assert before["gap_sum"] == expected and before["visits"] == 16 and before["violations"] == 0

    # One station's January visit moved a week by hand (a station that kept December's pattern in January): the
    # figures follow the stored plan — the gaps change and that station-month leaves the rhythm.
    kept = [station for (station, month) in patterns if month == 12
            and sorted(patterns[(station, 12)]) == sorted(patterns[(station, 1)])]
    assert kept, "the planner keeps a station's rhythm from December into January"
    moved = None
    for station in kept:
        for visit in db.session.scalars(select(Visit).where(Visit.station_id == station, Visit.day >= date(2027, 1, 1),
                                                            Visit.status == "planned").order_by(Visit.day)):
            for shift in (7, -7):
                day = visit.day + timedelta(days=shift)
                if day.month != 1:
                    continue
                try:
                    moved = plan_ops.move_visit(visit, day=day, half=visit.half)
                except InvalidInput:
                    db.session.rollback()
                    continue
                break
            if moved:
                break
        if moved:
            break
    assert moved is not None
    db.session.commit()
    after = json.loads(runner.invoke(args=["visits", "quality", "--district", "chaoyang", "--from", "2026-12",
                                           "--to", "2027-01", "--json"]).output)
    assert after["gap_sum"] == gap_sum_and_patterns()[0] != before["gap_sum"]
    assert after["rhythm_month_share"] == pytest.approx(before["rhythm_month_share"] - 1 / 8)
    assert after["violations"] == 0 and after["visits"] == 16

    # The same figures through the API, for staff of the district; a lawyer may not ask, a reversed range is 422.
    api = app.test_client()
    headers = _token(make_user)
    answer = api.get("/api/v1/visits/plan/quality?from=2026-12&to=2027-01", headers=headers)
    assert answer.status_code == 200 and answer.json == after
    reversed_range = api.get("/api/v1/visits/plan/quality?from=2027-01&to=2026-12", headers=headers)
    assert reversed_range.status_code == 422 and "不能早于" in reversed_range.json["error"]["fields"]["to"]
    assert api.get("/api/v1/visits/plan/quality?from=2026-12&to=2027-01",
                   headers=_token(make_user, role="lawyer")).status_code == 403
    shown = runner.invoke(args=["visits", "quality", "--district", "chaoyang", "--from", "2027-01", "--to", "2026-12"])
    assert shown.exit_code != 0 and "不能早于" in shown.output
