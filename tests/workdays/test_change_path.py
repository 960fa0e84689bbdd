"""One change path: leave entered by the form, the API or an Excel file answers the same broken items and the same
proposals (none inside the minimum notice); a conflict leaves the list by itself when its item moves or is
cancelled; a kept item stays kept, with who and why, while it stays where it is; a station's receiving
half-days and an assignment answer what they break; the district's minimum notice."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import SOLVER_TIME_S, xlsx_file
from tests.visits.conftest import make_programme
from trainer.auth.operations import create_api_token
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.months import month_of, shift_month
from trainer.visits.duty import operations as duty_ops
from trainer.visits.models import LawyerLeave, Visit
from trainer.visits.plan import operations as plan_ops
from trainer.visits.plan import planner
from trainer.visits.setup.leave import record_leave
from trainer.workdays import nth_working_day_after, working_days_between
from trainer.workdays.models import KeptConflict
from trainer.workdays.notice_period import first_open_day


def _token(user) -> dict:
    _row, secret = create_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _rows_of_page(html: str) -> list[tuple[str, str | None]]:
    """(item, proposal place) of every broken item a page lists."""
    tokens = re.findall(r'<tr data-item="([^"]+)"', html)
    return sorted((t, (re.search(rf'name="place_{re.escape(t)}" value="([^"]+)"', html) or [None, None])[1])
                  for t in tokens)


@pytest.fixture
def planned_now(districts):
    """A small Chaoyang programme planned as if a week ago (so visits sit inside today's minimum notice too), to
    the end of the month after next (so every lawyer has visits ahead on any day of the month), and a telephone
    duty period in which the first lawyer has a shift."""
    district = districts["chaoyang"]
    made = make_programme(district)
    today = today_local()
    last = shift_month(month_of(today), 2)
    planner.plan_range(district, month_of(today - timedelta(days=7)), last, allow_provisional=True,
                       today=today - timedelta(days=7), time_limit_s=SOLVER_TIME_S)
    soonest = db.session.scalar(select(Visit).where(Visit.status == "planned", Visit.day >= today)
                                .order_by(Visit.day, Visit.half))
    lawyer = soonest.lawyer  # the lawyer of the first visit from today on
    # The minimum notice reaches just that visit's day.
    district.notice_working_days = len(working_days_between(today + timedelta(days=1), soonest.day,
                                                            allow_provisional=True))
    period = duty_ops.save_period(None, district_id=district.id, title="疫情防控特别时期电话值班", first_day=today,
                                  last_day=soonest.day + timedelta(days=20),
                                  lawyer_ids=[lw.id for lw in made["lawyers"]])
    busy = set(db.session.scalars(select(Visit.day).where(Visit.lawyer_id == lawyer.id)))
    shift_day = next(d for n in range(2, 9) if (d := nth_working_day_after(soonest.day, n, allow_provisional=True))
                     not in busy)
    duty_ops.change_shift(period, day=shift_day, shift_code=period.shift_codes()[1], remove_lawyer_id=None,
                          lawyer_id=lawyer.id)
    db.session.commit()
    yield made, lawyer, soonest
    district.notice_working_days = 2  # districts outlive a test
    db.session.commit()


def test_leave_by_form_api_and_excel_answers_the_same(client, login_as, make_user, districts, planned_now):
    made, lawyer, soonest = planned_now
    today = today_local()
    start, end = today, soonest.day + timedelta(days=16)
    open_day = first_open_day(districts["chaoyang"].id)
    coordinator = login_as("coordinator", "chaoyang")

    def forget_leave():
        for row in db.session.scalars(select(LawyerLeave)):
            db.session.delete(row)
        db.session.commit()

    form_page = coordinator.post(f"/visits/lawyers/{lawyer.id}/leave", data={
        "start": start.isoformat(), "end": end.isoformat(), "reason": "住院"}).get_data(as_text=True)
    by_form = _rows_of_page(form_page)
    forget_leave()

    answer = client.post(f"/api/v1/lawyers/{lawyer.id}/leave", headers=_token(make_user("coordinator", "chaoyang")),
                         json={"start": start.isoformat(), "end": end.isoformat(), "reason": "住院"})
    assert answer.status_code == 201, answer.json
    by_api = sorted((b["item"], b["proposal"]["place"] or None) for b in answer.json["broken"])
    forget_leave()

    sheet = xlsx_file(["律师", "律所", "开始日期", "结束日期", "事由"],
                  [[lawyer.name, lawyer.firm.name, start.isoformat(), end.isoformat(), "住院"]])
    excel_page = coordinator.post("/visits/import/leave", data={"file": (sheet, "leave.xlsx")},
                                  content_type="multipart/form-data").get_data(as_text=True)
    by_excel = _rows_of_page(excel_page)

    assert by_form == by_api == by_excel
    kinds = {token.split(":")[0] for token, _place in by_form}
    assert kinds == {"visit", "duty_shift"}  # every programme item the leave touches
    assert "住院" in form_page and "住院" in excel_page and "这次导入影响的安排" in excel_page
    # Nothing is proposed inside the minimum notice; what sits inside it says so instead.
    places = [place for _token, place in by_form if place]
    assert places and all(date.fromisoformat(p.split("|")[0]) >= open_day for p in places)
    held = [b for b in answer.json["broken"] if b["proposal"]["notice"]]
    assert [b["item"] for b in held] == [f"visit:{soonest.id}"]  # inside the notice: not moved, and told so
    assert held[0]["proposal"]["place"] == "" and "最短提前通知期" in held[0]["proposal"]["message"]
    assert "因最短提前通知期未能调整" in form_page and "因最短提前通知期未能调整" in excel_page
    # The duty shift gets another lawyer of the pool on the same shift.
    shift = next(b for b in answer.json["broken"] if b["kind"] == "duty_shift")
    assert shift["proposal"]["kind"] == "other_person" and shift["proposal"]["day"] == shift["day"]
    assert shift["proposal"]["people"][0]["id"] != lawyer.id


def test_a_conflict_clears_itself_and_a_kept_item_stays_kept(client, make_user, districts, planned_now):
    made, lawyer, _soonest = planned_now
    district = districts["chaoyang"]
    open_day = first_open_day(district.id)
    visits = list(db.session.scalars(select(Visit).where(Visit.lawyer_id == lawyer.id, Visit.status == "planned",
                                                         Visit.day >= open_day).order_by(Visit.day)))
    first, second, third = visits[:3]
    headers = _token(make_user("coordinator", "chaoyang"))
    for visit in (first, second, third):
        client.post(f"/api/v1/lawyers/{lawyer.id}/leave", headers=headers,
                    json={"start": visit.day.isoformat(), "end": visit.day.isoformat(), "half": visit.half})
    listed = {c["item"]: c for c in client.get("/api/v1/workdays/conflicts", headers=headers).json["conflicts"]}
    assert {f"visit:{v.id}" for v in (first, second, third)} <= set(listed)
    assert listed[f"visit:{first.id}"]["day"] == first.day.isoformat()
    # A page at a time on request: every conflict counted, the pages together are the whole list.
    pages = [client.get(f"/api/v1/workdays/conflicts?page={n}&page_size=2", headers=headers) for n in (1, 2, 9)]
    assert [len(p.json["conflicts"]) for p in pages] == [2, len(listed) - 2, 0]
    assert {p.headers["X-Total-Count"] for p in pages} == {str(len(listed))} == {str(p.json["count"]) for p in pages}
    assert {c["item"] for p in pages for c in p.json["conflicts"]} == set(listed)
    assert client.get("/api/v1/workdays/conflicts?page_size=0", headers=headers).status_code == 422

    # Moved by hand: its conflict is gone, nothing marked. Cancelled: gone too.
    target = listed[f"visit:{first.id}"]["proposal"]
    moved = plan_ops.move_visit(db.session.get(Visit, first.id), day=date.fromisoformat(target["day"]),
                                half=target["half"], lawyer_id=target["people"][0]["id"])
    plan_ops.cancel_visit(db.session.get(Visit, second.id))
    db.session.commit()
    listed = {c["item"] for c in client.get("/api/v1/workdays/conflicts", headers=headers).json["conflicts"]}
    assert f"visit:{moved.id}" not in listed and f"visit:{second.id}" not in listed
    assert f"visit:{third.id}" in listed

    # Kept where it is, with a reason: listed as kept, with who and why, not as a conflict.
    kept = client.post("/api/v1/workdays/conflicts/keep", headers=headers,
                       json={"item": f"visit:{third.id}", "reason": "律师本人确认可以到岗"})
    assert kept.status_code == 201, kept.json
    assert kept.json["kept"]["reason"] == "律师本人确认可以到岗" and kept.json["kept"]["by"]
    answer = client.get("/api/v1/workdays/conflicts", headers=headers).json
    assert f"visit:{third.id}" not in {c["item"] for c in answer["conflicts"]}
    assert [c["item"] for c in answer["kept"]] == [f"visit:{third.id}"]
    row = db.session.scalar(select(KeptConflict))
    assert (row.kind, row.item_id, row.reason, row.day) == ("visit", third.id, "律师本人确认可以到岗", third.day)
    missing = client.post("/api/v1/workdays/conflicts/keep", headers=headers,
                          json={"item": f"visit:{first.id}", "reason": "x"})
    assert missing.status_code == 422  # it breaks nothing now: nothing to keep
    assert client.delete(f"/api/v1/workdays/conflicts/kept/{row.id}", headers=headers).status_code == 204
    answer = client.get("/api/v1/workdays/conflicts", headers=headers).json
    assert f"visit:{third.id}" in {c["item"] for c in answer["conflicts"]}


def test_receiving_days_and_assignments_answer_what_they_break(client, make_user, districts, planned_now):
    made, _lawyer, _soonest = planned_now
    open_day = first_open_day(districts["chaoyang"].id)
    headers = _token(make_user("coordinator", "chaoyang"))
    station = made["stations"][0]
    visits = [v for v in db.session.scalars(select(Visit).where(Visit.station_id == station.id,
                                                                 Visit.status == "planned", Visit.day >= open_day))]
    assert visits
    # The station now receives on Monday mornings only.
    current = client.get(f"/api/v1/stations/{station.id}", headers=headers)
    body = {k: current.json[k] for k in ("name", "address", "union_id", "am_hours", "pm_hours")}
    answer = client.put(f"/api/v1/stations/{station.id}", headers={**headers, "If-Match": current.headers["ETag"]},
                        json={**body, "receiving": ["0:am"]})
    assert answer.status_code == 200, answer.json
    broken = {b["item"]: b for b in answer.json["broken"]}
    outside = [v for v in visits if (v.day.weekday(), v.half) != (0, "am")]
    assert {f"visit:{v.id}" for v in outside} <= set(broken)
    for visit in outside:
        proposal = broken[f"visit:{visit.id}"]["proposal"]
        assert "不接待" in broken[f"visit:{visit.id}"]["reasons"][0]["message"]
        if proposal["place"]:
            assert date.fromisoformat(proposal["day"]).weekday() == 0 and proposal["half"] == "am"

    # Another firm's lawyers take over a station: its visits by the old lawyers are broken, the new lead proposed.
    other_station = made["stations"][1]
    other_firm = next(f for f in made["firms"] if f.id != made["assignments"][1].firm_id)
    lead, backup = [lw for lw in made["lawyers"] if lw.firm_id == other_firm.id][:2]
    answer = client.post("/api/v1/assignments", headers=headers, json={
        "station_id": other_station.id, "firm_id": other_firm.id, "lead_lawyer_id": lead.id,
        "backup_lawyer_id": backup.id})
    assert answer.status_code == 201, answer.json
    reassigned = [b for b in answer.json["broken"] if b["kind"] == "visit"]
    assert reassigned and all(any(r["rule"] == "not_assigned" for r in b["reasons"]) for b in reassigned)
    assert all(b["proposal"]["people"][0]["id"] in (lead.id, backup.id) for b in reassigned if b["proposal"]["place"])


def test_the_minimum_notice_is_a_district_setting(client, login_as, make_user, districts):
    make_programme(districts["chaoyang"])
    headers = _token(make_user("coordinator", "chaoyang"))
    today = today_local()
    answer = client.get("/api/v1/workdays/notice-period", headers=headers)
    assert answer.json["working_days"] == 2
    assert answer.json["until"] == nth_working_day_after(today, 2, allow_provisional=True).isoformat()
    answer = client.put("/api/v1/workdays/notice-period", headers=headers, json={"working_days": 5})
    assert answer.status_code == 200 and answer.json["working_days"] == 5
    assert client.put("/api/v1/workdays/notice-period", headers=headers, json={"working_days": 99}).status_code == 422
    # The planner places nothing new inside it.
    outcome = planner.plan_range(districts["chaoyang"], month_of(today), shift_month(month_of(today), 1),
                                 allow_provisional=True, time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    until = nth_working_day_after(today, 5, allow_provisional=True)
    assert outcome.created and all(v.day > until for v in outcome.created)
    page = login_as("coordinator", "chaoyang").get("/workdays/conflicts").get_data(as_text=True)
    assert "最短提前通知期（工作日）" in page and 'value="5"' in page
    districts["chaoyang"].notice_working_days = 2
    db.session.commit()


def test_replan_the_affected_months_clears_the_list(client, make_user, districts):
    district = districts["chaoyang"]
    make_programme(district)
    planner.plan_range(district, "2027-02", "2027-02", allow_provisional=True, time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    admin = _token(make_user("admin", None))
    notice = {"year": 2027, "holidays": [{"name": "春节", "start": "2027-02-06", "end": "2027-02-19"}],
              "makeup_workdays": ["2027-02-20"], "confirm": True}
    answer = client.post("/api/v1/workdays/notices", json=notice, headers=admin)
    assert answer.status_code == 201 and answer.json["broken"]
    assert all(b["reasons"][0]["rule"] == "not_working_day" for b in answer.json["broken"])
    coordinator = _token(make_user("coordinator", "chaoyang"))
    before = client.get("/api/v1/workdays/conflicts", headers=coordinator).json["count"]
    assert before == len(answer.json["broken"])
    replanned = client.post("/api/v1/workdays/conflicts/replan", headers=coordinator, json={})
    assert replanned.status_code == 200, replanned.json
    assert replanned.json["moved"] >= before and replanned.json["conflicts"] == 0 and replanned.json["runs"]
    visits = db.session.scalars(select(Visit).where(Visit.status == "planned")).all()
    assert not [v for v in visits if date(2027, 2, 6) <= v.day <= date(2027, 2, 19)]


def test_a_replan_leaves_the_notice_days_alone_and_says_so(login_as, districts, planned_now):
    made, lawyer, soonest = planned_now
    district = districts["chaoyang"]
    record_leave(lawyer, soonest.day, soonest.day, "临时出庭")
    db.session.commit()
    was = (soonest.lawyer_id, soonest.day, soonest.half)
    outcome = planner.plan_range(district, month_of(soonest.day), month_of(soonest.day), mode="replan",
                                 allow_provisional=True, time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    db.session.refresh(soonest)
    assert (soonest.lawyer_id, soonest.day, soonest.half) == was  # inside the notice: not moved
    held = [p for p in outcome.problems if p["rule"] == "within_notice"]
    assert held and held[0]["details"]["visit_ids"] == [soonest.id]
    page = login_as("coordinator", "chaoyang").get(f"/visits/plan?run={outcome.run.id}").get_data(as_text=True)
    assert "因最短提前通知期未调整" in page and soonest.station.name in page


def test_a_place_sent_back_is_checked_again(client, make_user, districts, planned_now):
    made, lawyer, _soonest = planned_now
    open_day = first_open_day(districts["chaoyang"].id)
    visit = db.session.scalar(select(Visit).where(Visit.lawyer_id == lawyer.id, Visit.day >= open_day,
                                                  Visit.status == "planned").order_by(Visit.day))
    headers = _token(make_user("coordinator", "chaoyang"))
    client.post(f"/api/v1/lawyers/{lawyer.id}/leave", headers=headers,
                json={"start": visit.day.isoformat(), "end": visit.day.isoformat()})
    [listed] = [c for c in client.get("/api/v1/workdays/conflicts", headers=headers).json["conflicts"]
                if c["item"] == f"visit:{visit.id}"]
    place = listed["proposal"]["place"].split("|")
    next_month = shift_month(month_of(visit.day), 1)
    elsewhere = "|".join([date(*next_month, 15).isoformat(), *place[1:]])
    far = "|".join(["2100-12-31", *place[1:]])
    on_leave = "|".join([visit.day.isoformat(), visit.half, listed["start"], listed["end"], f"lawyer:{lawyer.id}"])
    answer = client.post("/api/v1/workdays/conflicts/apply", headers=headers, json={"items": [
        {"item": f"visit:{visit.id}", "place": elsewhere, "version": listed["version"]}]}).json
    assert answer["applied"] == [] and "走访不能跨月调整" in answer["refused"][0]
    for bad in (far, on_leave, "garbage"):
        answer = client.post("/api/v1/workdays/conflicts/apply", headers=headers, json={"items": [
            {"item": f"visit:{visit.id}", "place": bad, "version": listed["version"]}]}).json
        assert answer["applied"] == [] and answer["refused"], bad
    answer = client.post("/api/v1/workdays/conflicts/apply", headers=headers, json={"items": [
        {"item": f"visit:{visit.id}", "place": listed["proposal"]["place"], "version": listed["version"] + 1}]}).json
    assert answer["applied"] == [] and "其间已被他人修改" in answer["refused"][0]
    answer = client.post("/api/v1/workdays/conflicts/apply", headers=headers, json={"items": [
        {"item": f"visit:{visit.id}", "place": listed["proposal"]["place"], "version": listed["version"]}]}).json
    assert answer["applied"] == [f"visit:{visit.id}"] and answer["refused"] == []
