"""Part 2, as the issue will check it: a lawyer records today's visit from their own page; the coordinator sees it
in the month view and the firm's account; a worker's phone stays hidden from another firm's lawyer everywhere; a
no-show shows as missed with its reason, and the Excel account matches the screen."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.visits.conftest import TODAY, add_visit, lawyer_client, lawyer_headers
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.visits import feeds
from trainer.visits.models import Consultation, Visit
from trainer.visits.records import accounts
from trainer.visits.setup import operations as setup_ops

PHONE = "13812345678"





CONSULTATIONS = [
    {"asker_type": "worker", "people_count": "1", "channel": "on_site", "category": "pay",
     "question": "公司拖欠三个月工资，如何追讨？", "advice": "先书面催告，保留考勤和工资条，可向劳动监察投诉或申请仲裁。",
     "referral": "arbitration", "worker_name": "张伟", "worker_phone": PHONE},
    {"asker_type": "worker", "people_count": "3", "channel": "on_site", "category": "overtime",
     "question": "周末加班没有加班费", "advice": "休息日加班应安排补休或支付不低于200%的工资。", "referral": "mediation",
     "follow_up": "y", "follow_up_note": "下周电话回访"},
    {"asker_type": "enterprise", "people_count": "1", "channel": "phone", "category": "termination",
     "enterprise_name": "北京某某餐饮有限公司", "question": "员工试用期不合格如何解除合同",
     "advice": "需有录用条件和考核依据，并在试用期内书面通知。", "referral": "none"},
]


def test_lawyer_checks_in_records_three_consultations_and_checks_out(login_as, make_user, programme, clock):
    me = programme["lawyers"][0]
    visit = add_visit(programme, 0, me, TODAY)
    lawyer = lawyer_client(login_as, make_user, me)
    page = lawyer.get("/visits/mine").get_data(as_text=True)
    assert "今日走访" in page and visit.station.name in page and "签到" in page
    # Check-in is refused on another day (the same rule on the page and in the API).
    later = add_visit(programme, 1, me, date(2026, 11, 26))
    response = lawyer.post(f"/visits/mine/v/{later.id}/check-in", follow_redirects=True)
    assert "只能在走访当天签到" in response.get_data(as_text=True)
    assert db.session.get(Visit, later.id).checked_in_at is None

    response = lawyer.post(f"/visits/mine/v/{visit.id}/check-in", data={"next": "mine"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "已签到" in html and "记录一次咨询" in html
    db.session.expire_all()
    assert db.session.get(Visit, visit.id).status == "delivered"
    for data in CONSULTATIONS:
        response = lawyer.post(f"/visits/mine/v/{visit.id}/consultations", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    # A bad phone is shown beside the field, with what was typed kept.
    html = lawyer.post(f"/visits/mine/v/{visit.id}/consultations", data={**CONSULTATIONS[0], "worker_phone": "123"}
                       ).get_data(as_text=True)
    assert "13800138000" in html and 'value="123"' in html
    clock.set("11:50")
    response = lawyer.post(f"/visits/mine/v/{visit.id}/check-out", follow_redirects=True)
    assert "已签退" in response.get_data(as_text=True)
    db.session.expire_all()
    visit = db.session.get(Visit, visit.id)
    assert visit.checked_out_at is not None and visit.checked_out_at > visit.checked_in_at
    assert db.session.scalar(select(func.count()).select_from(Consultation)) == 3
    record = lawyer.get(f"/visits/mine/v/{visit.id}").get_data(as_text=True)
    assert "咨询（3）" in record and PHONE in record and "劳动报酬" in record and "转仲裁" in record

    # The coordinator sees it in the month view and in the firm's account.
    coordinator = login_as("coordinator", "chaoyang")
    month = coordinator.get("/visits/?month=2026-11").get_data(as_text=True)
    assert visit.station.name.replace("工会服务站", "") in month and "已完成" in month
    overview = coordinator.get("/visits/accounts?month=2026-11").get_data(as_text=True)
    assert me.firm.name in overview and "<svg" in overview
    account = coordinator.get(f"/visits/accounts/{me.firm_id}?month=2026-11").get_data(as_text=True)
    assert _cell(account, "delivered") == "1" and _cell(account, "consultations") == "3"
    assert _cell(account, "people") == "5"
    assert 'data-category="pay">1<' in account and 'data-category="overtime">1<' in account
    assert "劳动报酬" in account and "加班费" in account and "解除/终止劳动合同" in account
    assert PHONE in coordinator.get(f"/visits/v/{visit.id}/record").get_data(as_text=True)


def _cell(html: str, key: str) -> str:
    match = re.search(rf'data-k="{key}">([^<\s]+)', html)
    assert match, key
    return match.group(1)


def test_worker_phone_hidden_from_another_firms_lawyer(app, client, login_as, make_user, programme):
    mine, other = programme["lawyers"][0], programme["lawyers"][2]
    assert mine.firm_id != other.firm_id
    visit = add_visit(programme, 0, mine, TODAY)
    lawyer = lawyer_client(login_as, make_user, mine)
    lawyer.post(f"/visits/mine/v/{visit.id}/check-in")
    lawyer.post(f"/visits/mine/v/{visit.id}/consultations", data=CONSULTATIONS[0])
    consultation = db.session.scalar(select(Consultation))
    # The station passes to the other firm: its new lawyer sees the station's history, not the worker's data.
    station = programme["stations"][0]
    setup_ops.assign_station(station, firm=other.firm, lead=other, start=date(2026, 11, 25))
    db.session.commit()
    stranger = lawyer_client(login_as, make_user, other)
    station_page = stranger.get(f"/visits/stations/{station.id}")
    assert station_page.status_code == 200
    html = station_page.get_data(as_text=True)
    assert "公司拖欠三个月工资" in html and "已隐藏" in html
    seen = [html]
    for url in ("/visits/mine", f"/visits/stations/{station.id}/print?month=2026-11",
                "/visits/mine/records.xlsx?month=2026-11"):
        response = stranger.get(url)
        assert response.status_code == 200
        seen.append(_text_of(response))
    for url in (f"/visits/mine/v/{visit.id}", f"/visits/consultations/{consultation.id}"):
        assert stranger.get(url).status_code == 404
    assert stranger.get("/visits/export/records.xlsx").status_code == 403
    _row, secret = create_api_token(stranger.user, "t")
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    for url in (f"/api/v1/visits/{visit.id}/consultations", f"/api/v1/consultations/{consultation.id}",
                f"/api/v1/visits/{visit.id}/record"):
        assert client.get(url, headers=headers).status_code == 404
    seen.append(client.get("/api/v1/visits?from=2026-11-01&to=2026-11-30", headers=headers).get_data(as_text=True))
    events = feeds.user_events(stranger.user, date(2026, 11, 1), date(2026, 11, 30))
    seen.extend(f"{e.summary} {e.description} {e.location}" for e in events)
    assert not any(PHONE in text or "张伟" in text for text in seen)
    # Those allowed do see it: the visit's own lawyer and the district's coordinator (page, API, export).
    assert PHONE in lawyer.get(f"/visits/mine/v/{visit.id}").get_data(as_text=True)
    coordinator = login_as("coordinator", "chaoyang")
    assert PHONE in _text_of(coordinator.get("/visits/export/records.xlsx?from=2026-11-01&to=2026-11-30"))
    _row, secret = create_api_token(coordinator.user, "c")
    db.session.commit()
    body = client.get(f"/api/v1/visits/{visit.id}/consultations", headers={"Authorization": f"Bearer {secret}"}).json
    assert body[0]["worker_phone"] == PHONE
    # A Xicheng coordinator gets nothing at all.
    assert login_as("coordinator", "xicheng").get(f"/visits/v/{visit.id}/record").status_code == 403


def _text_of(response) -> str:
    if response.mimetype.endswith("spreadsheetml.sheet"):
        workbook = load_workbook(BytesIO(response.data))
        return " ".join(str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
                        for c in row if c is not None)
    return response.get_data(as_text=True)


def test_no_show_is_missed_with_its_reason_and_the_excel_account_matches_the_screen(login_as, make_user,
                                                                                     programme, clock):
    me = programme["lawyers"][0]
    delivered = add_visit(programme, 0, me, TODAY)
    missed = add_visit(programme, 1, me, date(2026, 11, 17))
    lawyer = lawyer_client(login_as, make_user, me)
    lawyer.post(f"/visits/mine/v/{delivered.id}/check-in")
    for data in CONSULTATIONS[:2]:
        lawyer.post(f"/visits/mine/v/{delivered.id}/consultations", data=data)
    clock.set("08:00", date(2026, 11, 25))  # the next morning: the visit was never checked out
    coordinator = login_as("coordinator", "chaoyang")
    html = coordinator.post(f"/visits/v/{missed.id}/missed", data={"reason": "other", "note": ""}).get_data(
        as_text=True)
    assert "请说明发生了什么" in html  # "other" needs words
    response = coordinator.post(f"/visits/v/{missed.id}/missed", data={
        "reason": "lawyer_ill", "note": "律师发烧就医", "version": missed.version}, follow_redirects=True)
    assert "未到" in response.get_data(as_text=True)
    page = coordinator.get(f"/visits/accounts/{me.firm_id}?month=2026-11").get_data(as_text=True)
    assert _cell(page, "missed") == "1" and "律师生病" in page and "律师发烧就医" in page
    account = accounts.firm_account(me.firm, (2026, 11))
    assert (account.delivered, account.missed, account.consultations) == (1, 1, 2)
    # A delivered visit without check-out is credited no hours (never the contract's), flagged, and the page says so.
    assert account.hours == 0 and [v.id for v in account.no_checkout] == [delivered.id]
    assert _cell(page, "no_checkout") == "1" and "未签退" in page and "1次走访未签退" in page
    workbook = load_workbook(BytesIO(coordinator.get(
        f"/visits/accounts/{me.firm_id}/account.xlsx?month=2026-11").data))
    summary = {row[0]: row[1] for row in workbook["汇总"].iter_rows(min_row=2, values_only=True)}
    keys = {"合同约定走访次数": "contracted", "已排走访次数": "planned", "已完成走访次数": "delivered",
            "未到次数": "missed", "待完成次数": "open", "服务时长（小时，按实际签到签退）": "hours",
            "未签退（未计时长）": "no_checkout", "咨询次数": "consultations", "咨询人数": "people"}
    for header, key in keys.items():
        assert float(summary[header]) == float(_cell(page, key)), header
        value = getattr(account, key)
        assert summary[header] == (len(value) if isinstance(value, list) else value)
    assert any("未签退" in str(row[1]) for row in workbook["汇总"].iter_rows(min_row=2, values_only=True)
               if row[0] in ("计算说明", None))
    categories = {row[0]: row[1] for row in workbook["咨询分类"].iter_rows(min_row=2, values_only=True)}
    assert categories["劳动报酬"] == 1 and categories["加班费"] == 1 and categories["工伤"] == 0
    missed_rows = list(workbook["未到走访"].iter_rows(min_row=2, values_only=True))
    assert len(missed_rows) == 1 and missed_rows[0][4] == "律师生病" and missed_rows[0][5] == "律师发烧就医"
    # The district overview and its file agree too.
    overview = coordinator.get("/visits/accounts?month=2026-11").get_data(as_text=True)
    book = load_workbook(BytesIO(coordinator.get("/visits/accounts.xlsx?month=2026-11").data))
    row = next(r for r in book.worksheets[0].iter_rows(min_row=2, values_only=True) if r[0] == me.firm.name)
    assert row[3:5] == (1, 1) and me.firm.name in overview


def test_api_record_and_consultations(client, make_user, programme, clock):
    me = programme["lawyers"][0]
    visit = add_visit(programme, 0, me, TODAY)
    headers = lawyer_headers(make_user, me)
    db.session.commit()
    early = client.post(f"/api/v1/visits/{visit.id}/consultations", headers=headers,
                        json={"asker_type": "worker", "category": "pay", "question": "欠薪"})
    assert early.status_code == 422 and "签到" in early.json["error"]["message"]
    checked = client.post(f"/api/v1/visits/{visit.id}/check-in", headers=headers)
    assert checked.status_code == 200 and checked.json["status"] == "delivered"
    assert client.post(f"/api/v1/visits/{visit.id}/check-in", headers=headers).status_code == 422
    made = client.post(f"/api/v1/visits/{visit.id}/consultations", headers=headers,
                       json={"asker_type": "worker", "category": "injury", "question": "工伤认定需要什么材料",
                             "worker_phone": PHONE})
    assert made.status_code == 201 and made.json["worker_phone"] == PHONE
    url = f"/api/v1/consultations/{made.json['id']}"
    body = {"asker_type": "worker", "category": "injury", "question": "工伤认定需要什么材料", "people_count": 2}
    assert client.put(url, headers=headers, json=body).status_code == 428
    changed = client.put(url, headers={**headers, "If-Match": made.headers["ETag"]}, json=body)
    assert changed.status_code == 200 and changed.json["people_count"] == 2
    assert client.put(url, headers={**headers, "If-Match": made.headers["ETag"]}, json=body).status_code == 412
    clock.set("11:40")
    out = client.post(f"/api/v1/visits/{visit.id}/check-out", headers=headers)
    assert out.status_code == 200 and out.json["checked_out_at"]
    coordinator = {"Authorization": f"Bearer {create_api_token(make_user('coordinator', 'chaoyang'), 'c')[1]}"}
    db.session.commit()
    account = client.get(f"/api/v1/firms/{me.firm_id}/account?month=2026-11", headers=coordinator)
    assert account.status_code == 200 and account.json["delivered"] == 1
    assert account.json["by_category"]["injury"] == 1 and account.json["people"] == 2


def test_english_record_and_account_pages(login_as, make_user, programme):
    me = programme["lawyers"][0]
    visit = add_visit(programme, 0, me, TODAY)
    lawyer = lawyer_client(login_as, make_user, me)
    lawyer.post("/lang/en")
    html = lawyer.get("/visits/mine").get_data(as_text=True)
    assert "Today's visit" in html and "Check in" in html
    lawyer.post(f"/visits/mine/v/{visit.id}/check-in")
    html = lawyer.get(f"/visits/mine/v/{visit.id}").get_data(as_text=True)
    assert "Record a consultation" in html and "Labour pay" in html
    coordinator = login_as("coordinator", "chaoyang")
    coordinator.post("/lang/en")
    html = coordinator.get(f"/visits/accounts/{me.firm_id}?month=2026-11").get_data(as_text=True)
    assert "Visits delivered" in html and "Consultations by category" in html
