"""Recording that fits the work (issue 15A): check-in from 30 minutes before the slot to its end; "in progress"
until check-out; a forgotten visit recorded afterwards with the reason it is late; hours from the real times, a
visit without check-out flagged and never credited the contract's hours; the coordinator corrects with a reason
kept in the audit log."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.visits.conftest import TODAY, add_visit, lawyer_client, lawyer_headers
from trainer.audit.models import AuditEntry
from trainer.auth.operations import create_api_token
from trainer.core.clock import local_datetime, to_local
from trainer.core.extensions import db
from trainer.visits.models import Visit
from trainer.visits.records import accounts, rules

YESTERDAY = TODAY - timedelta(days=1)  # 2026-11-23, a Monday


def _later(clock, login_as, client, hhmm: str, day: date | None = None):
    """The clock moves to ``hhmm`` (on ``day``) and the user opens the app again, signed in anew: a session lasts
    8 hours and is never taken from a moment ahead of the clock, as when the tests step back to an earlier time."""
    clock.set(hhmm, day)
    return login_as(user=client.user)





def _fresh(visit: Visit) -> Visit:
    db.session.expire_all()
    return db.session.get(Visit, visit.id)


def _errors(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)]


def test_check_in_only_from_half_an_hour_before_the_slot_to_its_end(login_as, make_user, programme, clock):
    me = programme["lawyers"][0]
    visit = add_visit(programme, 0, me, TODAY)  # 09:00–12:00
    lawyer = lawyer_client(login_as, make_user, me)

    lawyer = _later(clock, login_as, lawyer, "00:08")  # the case: a check-in at 00:08 for a 09:00 visit
    page = lawyer.get("/visits/mine").get_data(as_text=True)
    assert "08:30起可以签到。" in page and f'/visits/mine/v/{visit.id}/check-in"' not in page
    refused = lawyer.post(f"/visits/mine/v/{visit.id}/check-in", follow_redirects=True).get_data(as_text=True)
    assert "08:30起才能签到（走访开始前30分钟）。" in refused
    assert _fresh(visit).checked_in_at is None

    lawyer = _later(clock, login_as, lawyer, "12:01")
    refused = lawyer.post(f"/visits/mine/v/{visit.id}/check-in", follow_redirects=True).get_data(as_text=True)
    assert "本次走访已于12:00结束：请事后补记并说明原因。" in refused
    assert _fresh(visit).checked_in_at is None

    lawyer = _later(clock, login_as, lawyer, "08:40")
    assert f'/visits/mine/v/{visit.id}/check-in"' in lawyer.get("/visits/mine").get_data(as_text=True)
    lawyer.post(f"/visits/mine/v/{visit.id}/check-in")
    visit = _fresh(visit)
    assert to_local(visit.checked_in_at).strftime("%H:%M") == "08:40"
    # In progress until check-out: never "delivered" (已完成) before it.
    page = lawyer.get("/visits/mine").get_data(as_text=True)
    assert "进行中" in page and "记录一次咨询" in page and "签退" in page
    assert rules.state(visit) == rules.IN_PROGRESS
    coordinator = login_as("coordinator", "chaoyang")
    assert "进行中" in coordinator.get(f"/visits/v/{visit.id}/record").get_data(as_text=True)
    month = coordinator.get("/visits/?month=2026-11").get_data(as_text=True)
    assert '<span class="badge info">进行中</span>' in month and '<span class="badge ok">已完成</span>' not in month
    assert accounts.firm_account(me.firm, (2026, 11)).in_progress == 1

    lawyer = _later(clock, login_as, lawyer, "11:55")
    lawyer.post(f"/visits/mine/v/{visit.id}/check-out")
    record = lawyer.get(f"/visits/mine/v/{visit.id}").get_data(as_text=True)
    assert "已完成" in record and "进行中" not in record and "3小时15分" in record


def test_the_lawyer_records_yesterdays_visit_with_a_reason(login_as, make_user, programme, clock):
    me = programme["lawyers"][0]
    visit = add_visit(programme, 0, me, YESTERDAY)
    lawyer = lawyer_client(login_as, make_user, me)
    lawyer = _later(clock, login_as, lawyer, "08:15", TODAY)

    mine = lawyer.get("/visits/mine").get_data(as_text=True)
    assert "待补记的走访" in mine and f"/visits/mine/v/{visit.id}#late" in mine and "待补记" in mine
    record = lawyer.get(f"/visits/mine/v/{visit.id}").get_data(as_text=True)
    assert "事后补记本次走访" in record and "可补记至2026年12月4日" in record

    # No reason: nothing kept, the message beside the field, the times typed kept.
    response = lawyer.post(f"/visits/mine/v/{visit.id}/late", data={
        "checked_in": "09:05", "checked_out": "11:40", "late_reason": "", "version": visit.version})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "请说明为什么事后补记。" in _errors(html) and 'value="09:05"' in html
    # Times outside the check-in window or in the wrong order are refused, each beside its field.
    html = lawyer.post(f"/visits/mine/v/{visit.id}/late", data={
        "checked_in": "07:00", "checked_out": "06:00", "late_reason": "手机没电", "version": visit.version,
    }).get_data(as_text=True)
    assert "到达时间应在08:30至12:00之间（走访开始前30分钟起可签到）。" in _errors(html)
    assert _fresh(visit).status == "planned"

    response = lawyer.post(f"/visits/mine/v/{visit.id}/late", data={
        "checked_in": "09:05", "checked_out": "11:40", "late_reason": "手机没电，未能当场签到",
        "version": visit.version}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "已补记11月23日 周一的走访：09:05–11:40。" in html and "手机没电，未能当场签到" in html
    visit = _fresh(visit)
    assert visit.status == "delivered" and visit.late_reason == "手机没电，未能当场签到"
    assert to_local(visit.checked_in_at) == local_datetime(YESTERDAY, "09:05")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "Visit",
                                                       AuditEntry.entity_id == str(visit.id),
                                                       AuditEntry.note.is_not(None)))
    assert entry.note == "手机没电，未能当场签到"

    # The coordinator sees the reason on the record, in the list to check and in the firm's account.
    coordinator = login_as("coordinator", "chaoyang")
    record = coordinator.get(f"/visits/v/{visit.id}/record").get_data(as_text=True)
    assert "事后补记，原因" in record and "手机没电，未能当场签到" in record and "更正与补记记录" in record
    review = coordinator.get("/visits/records?month=2026-11").get_data(as_text=True)
    assert "律师事后补记" in review and "手机没电，未能当场签到" in review
    account = accounts.firm_account(me.firm, (2026, 11))
    assert [v.id for v in account.late] == [visit.id] and account.hours == pytest.approx(2 + 35 / 60, abs=0.01)
    assert "事后补记" in coordinator.get(f"/visits/accounts/{me.firm_id}?month=2026-11").get_data(as_text=True)


def test_late_records_only_within_the_months_account_period(login_as, make_user, programme, clock, app):
    me = programme["lawyers"][0]
    visit = add_visit(programme, 0, me, date(2026, 11, 30))
    lawyer = lawyer_client(login_as, make_user, me)
    data = {"checked_in": "09:00", "checked_out": "11:30", "late_reason": "外出开庭后忘记签到"}

    lawyer = _later(clock, login_as, lawyer, "10:00", date(2026, 12, 5))  # November closes on the 5th (ACCOUNTS_CLOSE_DAY)
    html = lawyer.post(f"/visits/mine/v/{visit.id}/late", data=data).get_data(as_text=True)
    assert "走访只能补记到2026年12月4日 周五；请联系协调员更正记录。" in html and _fresh(visit).status == "planned"

    app.config["RECORD_LATE_DAYS"] = 7  # a configured number of days instead
    try:
        lawyer = _later(clock, login_as, lawyer, "10:00", date(2026, 12, 8))
        html = lawyer.post(f"/visits/mine/v/{visit.id}/late", data=data).get_data(as_text=True)
        assert "走访只能补记到2026年12月7日 周一" in html
        lawyer = _later(clock, login_as, lawyer, "10:00", date(2026, 12, 7))
        # Once the month's account is stored (closed), even within the days: the coordinator corrects it.
        accounts.store_month((2026, 11))
        db.session.commit()
        html = lawyer.post(f"/visits/mine/v/{visit.id}/late", data=data).get_data(as_text=True)
        assert "本月台账已结账：请联系协调员更正记录。" in html and _fresh(visit).status == "planned"
    finally:
        app.config["RECORD_LATE_DAYS"] = None


def test_a_visit_without_check_out_is_flagged_and_credited_no_hours(login_as, make_user, programme, clock):
    me = programme["lawyers"][0]
    forgot = add_visit(programme, 0, me, YESTERDAY)
    short = add_visit(programme, 1, me, YESTERDAY, half="pm")
    lawyer = lawyer_client(login_as, make_user, me)
    lawyer = _later(clock, login_as, lawyer, "09:10", YESTERDAY)
    lawyer.post(f"/visits/mine/v/{forgot.id}/check-in")
    lawyer = _later(clock, login_as, lawyer, "14:00", YESTERDAY)
    lawyer.post(f"/visits/mine/v/{short.id}/check-in")
    lawyer = _later(clock, login_as, lawyer, "14:01", YESTERDAY)
    lawyer.post(f"/visits/mine/v/{short.id}/check-out")  # a one-minute visit

    lawyer = _later(clock, login_as, lawyer, "08:00", TODAY)
    assert rules.state(_fresh(forgot)) == rules.NO_CHECKOUT
    # The check-out button belongs to the day of the visit; afterwards it is a late record with its reason.
    refused = lawyer.post(f"/visits/mine/v/{forgot.id}/check-out", follow_redirects=True).get_data(as_text=True)
    assert "走访当天已过：请事后补记签退时间并说明原因。" in refused

    account = accounts.firm_account(me.firm, (2026, 11))
    assert account.delivered == 2 and [v.id for v in account.no_checkout] == [forgot.id]
    assert [v.id for v in account.short] == [short.id]
    assert account.hours == 0.02  # one minute, rounded; never 3 hours for the visit without check-out
    coordinator = login_as("coordinator", "chaoyang")
    page = coordinator.get(f"/visits/accounts/{me.firm_id}?month=2026-11").get_data(as_text=True)
    assert "本台账的计算方法" in page and "服务时长只按实际签到至签退的时间计算" in page
    assert "1次走访未签退：计为已完成，但在协调员补录签退时间前不计服务时长。" in page
    assert "未签退，未计时长" in page and "时长过短" in page and "1分钟" in page
    review = coordinator.get("/visits/records?month=2026-11").get_data(as_text=True)
    assert "已签到、未签退：不计服务时长" in review and "时长过短的走访" in review
    overview = coordinator.get("/visits/accounts?month=2026-11").get_data(as_text=True)
    assert 'data-k="no_checkout"><a class="badge warn"' in overview

    # The lawyer adds the check-out time afterwards, with a reason; the check-in stays.
    visit = _fresh(forgot)
    html = lawyer.post(f"/visits/mine/v/{forgot.id}/late", data={
        "checked_out": "11:45", "late_reason": "离开时手机没电", "version": visit.version},
        follow_redirects=True).get_data(as_text=True)
    assert "已补记" in html
    visit = _fresh(forgot)
    assert to_local(visit.checked_in_at).strftime("%H:%M") == "09:10"
    assert to_local(visit.checked_out_at).strftime("%H:%M") == "11:45"
    assert accounts.firm_account(me.firm, (2026, 11)).no_checkout == []


def test_the_coordinator_corrects_times_and_status_with_a_reason_in_the_audit_log(login_as, programme, clock):
    me = programme["lawyers"][0]
    visit = add_visit(programme, 0, me, YESTERDAY)
    missed = add_visit(programme, 1, me, YESTERDAY, half="pm")
    coordinator = login_as("coordinator", "chaoyang")
    clock.set("10:00", TODAY)

    html = coordinator.post(f"/visits/v/{visit.id}/times", data={
        "checked_in": "09:00", "checked_out": "11:30", "reason": "", "version": visit.version}).get_data(as_text=True)
    assert "请说明更正时间的原因。" in _errors(html) and _fresh(visit).status == "planned"
    # The message sits beside the times form's own reason field, which its label and the message point at,
    # though the page has other forms with a reason too.
    assert re.search(r'<label for="times-reason">[^<]*原因', html)
    field = re.search(r'<input [^>]*id="times-reason"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="times-reason-error times-reason-help"' in field
    assert re.search(r'<p class="error" id="times-reason-error" role="alert">请说明更正时间的原因。</p>', html)
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    coordinator.post(f"/visits/v/{visit.id}/times", data={
        "checked_in": "09:00", "checked_out": "11:30", "reason": "服务站签到表显示律师9点到岗",
        "version": visit.version})
    visit = _fresh(visit)
    assert visit.status == "delivered" and visit.late_reason is None
    notes = db.session.scalars(select(AuditEntry.note).where(AuditEntry.entity_id == str(visit.id),
                                                             AuditEntry.entity_type == "Visit")).all()
    assert "服务站签到表显示律师9点到岗" in notes
    page = coordinator.get(f"/visits/v/{visit.id}/record").get_data(as_text=True)
    assert "更正与补记记录" in page and "服务站签到表显示律师9点到岗" in page
    assert "服务站签到表显示律师9点到岗" in coordinator.get("/audit/").get_data(as_text=True)

    # Undo the check-in (a wrong visit), with a reason; and a no-show undone, with a reason.
    html = coordinator.post(f"/visits/v/{visit.id}/undo-check-in", data={"reason": "", "version": visit.version}
                            ).get_data(as_text=True)
    assert "请说明更正原因。" in _errors(html)
    coordinator.post(f"/visits/v/{visit.id}/undo-check-in", data={"reason": "律师签错了服务站",
                                                                  "version": visit.version})
    visit = _fresh(visit)
    assert visit.status == "planned" and visit.checked_in_at is None
    coordinator.post(f"/visits/v/{missed.id}/missed", data={"reason": "lawyer_ill", "version": missed.version})
    missed = _fresh(missed)
    coordinator.post(f"/visits/v/{missed.id}/reopen", data={"reason": "律师实际到岗，误记", "version": missed.version})
    assert _fresh(missed).status == "planned"
    assert "律师实际到岗，误记" in db.session.scalars(select(AuditEntry.note).where(
        AuditEntry.entity_id == str(missed.id), AuditEntry.entity_type == "Visit")).all()


def test_api_late_record_and_the_accounts_counting(client, make_user, programme, clock):
    me = programme["lawyers"][0]
    visit = add_visit(programme, 0, me, YESTERDAY)
    headers = lawyer_headers(make_user, me)
    coordinator = {"Authorization": f"Bearer {create_api_token(make_user('coordinator', 'chaoyang'), 'c')[1]}"}
    db.session.commit()
    clock.set("09:00", TODAY)
    record = client.get(f"/api/v1/visits/{visit.id}/record", headers=headers)
    assert record.json["state"] == "unrecorded"
    body = {"checked_in_at": "2026-11-23T09:02:00+08:00", "checked_out_at": "2026-11-23T11:50:00+08:00",
            "reason": "手机没电"}
    assert client.post(f"/api/v1/visits/{visit.id}/late-record", headers=headers, json=body).status_code == 428
    done = client.post(f"/api/v1/visits/{visit.id}/late-record", json=body,
                       headers={**headers, "If-Match": record.headers["ETag"]})
    assert done.status_code == 200, done.json
    assert done.json["state"] == "delivered" and done.json["late_reason"] == "手机没电"
    account = client.get(f"/api/v1/firms/{me.firm_id}/account?month=2026-11", headers=coordinator).json
    assert account["hours"] == pytest.approx(2.8) and account["late_visits"][0]["late_reason"] == "手机没电"
    assert account["counting"][0].startswith("服务时长只按实际签到至签退的时间计算")
    assert "hours_estimated" not in account
