"""What a walk through the demo as a coordinator and as a lawyer on a phone found, each checked as they would:
the page they open, the message beside the field, what the plan offers."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.conftest import errors_of, text_of
from tests.visits.conftest import TODAY, add_visit, lawyer_client
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.operations import save_station, save_union
from trainer.visits.duty import operations as duty
from trainer.visits.models import Visit
from trainer.visits.plan.operations import swap_visits
from trainer.visits.setup.leave import record_leave

YESTERDAY = TODAY - timedelta(days=1)  # Monday 23 November 2026
NEXT_WEEK = date(2026, 12, 1)  # Tuesday


def _fresh(visit: Visit) -> Visit:
    db.session.expire_all()
    return db.session.get(Visit, visit.id)


def test_a_lawyer_opens_the_duty_roster_his_calendar_links_to(login_as, make_user, programme):
    """Each duty shift in a lawyer's calendar links to its roster: the lawyer on it reads it (no changing), a
    lawyer not on it gets nothing."""
    on_duty, other_firm = programme["lawyers"][0], programme["lawyers"][2]
    period = duty.save_period(None, district_id=on_duty.district_id, title="元旦前后电话值班", first_day=date(2026, 12, 28),
                              last_day=date(2027, 1, 3), shifts="08:00-20:00, 20:00-08:00", per_shift=1,
                              lawyer_ids=[on_duty.id, programme["lawyers"][1].id], phone="010-12351")
    duty.plan_period(period, today=TODAY)
    db.session.commit()
    lawyer = lawyer_client(login_as, make_user, on_duty)
    page = lawyer.get(f"/visits/duty/{period.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "元旦前后电话值班" in html and on_duty.name in text_of(html)
    assert "/duty_change" not in html and f"/visits/duty/{period.id}/edit" not in html
    assert f"/visits/duty/{period.id}/plan" not in html
    assert lawyer.get(f"/visits/duty/{period.id}/edit").status_code == 403
    stranger = lawyer_client(login_as, make_user, other_firm)
    assert stranger.get(f"/visits/duty/{period.id}").status_code == 404


def test_a_corrected_arrival_stays_in_the_visits_slot(login_as, programme, clock):
    """The coordinator's correction keeps the same window as the lawyer's own late record: a morning visit is not
    "delivered 13:00–14:00"."""
    visit = add_visit(programme, 0, programme["lawyers"][0], YESTERDAY)
    coordinator = login_as("coordinator", "chaoyang")
    html = coordinator.post(f"/visits/v/{visit.id}/times", data={
        "checked_in": "13:00", "checked_out": "14:00", "reason": "签到表", "version": visit.version}
    ).get_data(as_text=True)
    assert errors_of(html) == ["到达时间应在08:30至12:00之间（走访开始前30分钟起可签到）。"]
    assert 'value="13:00"' in html and _fresh(visit).status == "planned"


def test_an_empty_late_record_asks_for_every_time(login_as, make_user, programme, clock):
    me = programme["lawyers"][0]
    visit = add_visit(programme, 0, me, YESTERDAY)
    lawyer = lawyer_client(login_as, make_user, me)
    html = lawyer.post(f"/visits/mine/v/{visit.id}/late", data={"version": visit.version}).get_data(as_text=True)
    assert errors_of(html) == ["请填写到达时间。", "请填写离开时间。", "请说明为什么事后补记。"]
    # A pinned visit is planning's business: the lawyer's page does not call it "locked"
    page = lawyer.get("/visits/mine").get_data(as_text=True)
    assert "已锁定" not in page and "已锁定" in login_as("coordinator", "chaoyang").get(
        f"/visits/v/{visit.id}").get_data(as_text=True)


def test_a_visit_without_consultations_says_so_without_a_numbered_row(login_as, programme):
    visit = add_visit(programme, 0, programme["lawyers"][0], YESTERDAY)
    html = login_as("coordinator", "chaoyang").get(f"/visits/v/{visit.id}/record").get_data(as_text=True)
    assert "尚无咨询记录。" in html and '<ol class="consultations">' not in html


def test_no_move_or_swap_puts_a_visit_on_a_day_gone_by(login_as, programme):
    lawyer = programme["lawyers"][0]
    coming = add_visit(programme, 0, lawyer, date(2026, 11, 26))  # Thursday this week
    passed = add_visit(programme, 1, lawyer, date(2026, 11, 17), half="pm")
    same_slot = add_visit(programme, 2, programme["lawyers"][1], date(2026, 11, 26))
    later = add_visit(programme, 3, programme["lawyers"][1], date(2026, 11, 27), half="pm")
    coordinator = login_as("coordinator", "chaoyang")
    html = coordinator.post(f"/visits/v/{coming.id}", data={
        "action": "move", "move-day": "2026-11-19", "move-half": "am", "move-lawyer_id": lawyer.id,
        "move-version": coming.version}
    ).get_data(as_text=True)
    assert "2026年11月19日 周四 已经过去，请选择今天或以后的日期。" in errors_of(html)
    assert _fresh(coming).day == date(2026, 11, 26)
    # The swap list offers neither the visit of a day gone by nor one in the same slot (nothing would change)
    page = coordinator.get(f"/visits/v/{coming.id}").get_data(as_text=True)
    offered = re.findall(r'<option value="(\d+)"', page.split('id="swap-other_id"')[1].split("</select>")[0])
    assert str(later.id) in offered and str(passed.id) not in offered and str(same_slot.id) not in offered
    html = coordinator.post(f"/visits/v/{coming.id}", data={
        "action": "swap", "swap-other_id": passed.id, "swap-version": coming.version}).get_data(as_text=True)
    assert errors_of(html) == ["不是有效的选择。"]
    # The operation behind the page and the API refuses it too, for any visit named
    try:
        swap_visits(_fresh(coming), _fresh(passed))
        raise AssertionError("swapped onto a day gone by")
    except InvalidInput as error:
        assert error.fields == {"other_id": "2026年11月17日 周二 已经过去，请选择今天或以后的日期。"}
    db.session.rollback()
    assert _fresh(coming).day == date(2026, 11, 26) and _fresh(passed).day == date(2026, 11, 17)


def test_a_visit_shows_what_it_breaks_now_and_why_it_was_cancelled(login_as, programme):
    """Leave recorded after the plan: the visit's own page says so (computed from the present, not stored); a
    cancelled visit shows the reason the coordinator gave."""
    lawyer = programme["lawyers"][0]
    visit = add_visit(programme, 0, lawyer, date(2026, 12, 7))
    coordinator = login_as("coordinator", "chaoyang")
    assert "现在违反了排期规则" not in coordinator.get(f"/visits/v/{visit.id}").get_data(as_text=True)
    record_leave(lawyer, date(2026, 12, 7), date(2026, 12, 8), reason="病假")
    db.session.commit()
    page = text_of(coordinator.get(f"/visits/v/{visit.id}").get_data(as_text=True))
    assert "这次走访现在违反了排期规则，请调整或取消：" in page
    assert f"{lawyer.name}在12月7日 周一至12月8日 周二请假。" in page
    coordinator.post(f"/visits/v/{visit.id}", data={"action": "cancel", "cancel-note": "服务站装修，暂停接待",
                                                    "cancel-version": _fresh(visit).version})
    assert _fresh(visit).status == "cancelled"
    page = text_of(coordinator.get(f"/visits/v/{visit.id}").get_data(as_text=True))
    assert "原因：服务站装修，暂停接待" in page and "现在违反了排期规则" not in page


def test_the_subscribe_page_lists_stations_in_pinyin_order(login_as, districts):
    union = save_union(None, district_id=districts["chaoyang"].id, name="朝阳区测试工会", kind="street", street=None)
    for name in ("三间房工会服务站", "东坝工会服务站", "CBD工会服务站", "安贞工会服务站"):
        save_station(None, union=union, name=name, address="北京市朝阳区", receiving=["0:am"])
    db.session.commit()
    html = login_as("coordinator", "chaoyang").get("/calendars/subscribe").get_data(as_text=True)
    names = ("三间房工会服务站", "东坝工会服务站", "CBD工会服务站", "安贞工会服务站")
    order = [n for n in dict.fromkeys(re.findall(r"[A-Z\u4e00-\u9fff]+工会服务站", html)) if n in names]
    assert order == ["安贞工会服务站", "CBD工会服务站", "东坝工会服务站", "三间房工会服务站"]
