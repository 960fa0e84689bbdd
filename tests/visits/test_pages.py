"""The pages a coordinator and a lawyer use, in Chinese, with the district scope checked on the server."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from tests.conftest import SOLVER_TIME_S
from tests.visits.conftest import TODAY, gap_sum_and_patterns, make_programme
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.visits.models import Assignment, Firm, Lawyer, LawyerLeave, Visit
from trainer.visits.plan import operations as plan_ops
from trainer.visits.plan import planner
from trainer.visits.setup import operations as setup_ops
from trainer.workdays.notice_period import first_open_day


def test_coordinator_plans_december_in_the_browser(login_as, programme):
    client = login_as("coordinator", "chaoyang")
    page = client.get("/visits/plan")
    assert page.status_code == 200 and "排定朝阳区律师走访计划" in page.get_data(as_text=True)
    # The page says how far the plan keeps the stations' rhythm and why a month may leave it.
    assert "固定节奏（如每月第二、第四个周二）至少在 87% 的“站·月”中保持" in page.get_data(as_text=True)
    response = client.post("/visits/plan", data={"first_month": "2026-12", "last_month": "2026-12",
                                                 "mode": "full"})
    assert response.status_code == 302 and "run=" in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "全部排定" in html and "新增 8 次走访" in html and "没有违反任何规则" in html
    # How the months stand now: the rhythm, the gaps between a station's visits (each station's two December
    # visits: |gap - 14| averaged), the load per lead lawyer — from the visits as they are stored.
    visits = db.session.scalars(select(Visit).order_by(Visit.day)).all()
    loads = sorted(Counter(v.lawyer_id for v in visits).values())
    text = re.sub(r"\s+", " ", html)
    assert "这几个月的计划现状" in text and "共8次走访；100%的站·月保持服务站的固定节奏。" in text
    assert f"同一服务站相邻两次走访的间隔：平均与两周相差{gap_sum_and_patterns()[0] / 4:.1f}天。" in text  # 4 gaps
    assert f"每位主律师走访{loads[0]}至{loads[-1]}次；备岗律师代为走访0次。" in text
    # A visit moved by hand afterwards: the run's page shows the plan as it stands, not as the run left it.
    before = gap_sum_and_patterns()[0]
    for visit in visits:
        try:
            plan_ops.move_visit(visit, day=visit.day + timedelta(days=7), half=visit.half)
        except InvalidInput:
            db.session.rollback()
            continue
        break
    db.session.commit()
    after = gap_sum_and_patterns()[0]
    assert after != before
    text = re.sub(r"\s+", " ", client.get(response.headers["Location"]).get_data(as_text=True))
    assert f"同一服务站相邻两次走访的间隔：平均与两周相差{after / 4:.1f}天。" in text
    calendar = client.get("/visits/?month=2026-12").get_data(as_text=True)
    assert "朝阳区2026年12月律师走访" in calendar and "8 次走访" in calendar
    visit = db.session.scalar(select(Visit).order_by(Visit.day))
    assert visit.station.name.replace("工会服务站", "") in calendar
    station_page = client.get(f"/visits/stations/{visit.station_id}").get_data(as_text=True)
    assert visit.lawyer.name in station_page and "2026年12月" in station_page
    printed = client.get(f"/visits/stations/{visit.station_id}/print?month=2026-12").get_data(as_text=True)
    assert "2026年12月驻站律师值班表" in printed and visit.lawyer.name in printed


def test_plan_page_explains_an_unannounced_year(login_as, programme):
    client = login_as("coordinator", "chaoyang")
    html = client.post("/visits/plan", data={"first_month": "2027-01", "last_month": "2027-01",
                                             "mode": "full"}).get_data(as_text=True)
    assert "2027" in html and "按临时日历排期" in html
    response = client.post("/visits/plan", data={"first_month": "2027-01", "last_month": "2027-01",
                                                 "mode": "full", "provisional": "y"})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "临时" in html
    assert all(v.provisional for v in db.session.scalars(select(Visit)))


def test_plan_form_shows_errors_beside_fields(login_as, programme):
    client = login_as("coordinator", "chaoyang")
    html = client.post("/visits/plan", data={"first_month": "2026-13", "last_month": "2026-12",
                                             "mode": "full"}).get_data(as_text=True)
    assert "月份请写成 2027-01" in html and 'value="2026-13"' in html


def test_firm_lawyer_and_contract_forms(login_as, districts):
    client = login_as("coordinator", "chaoyang")
    response = client.post("/visits/firms/new", data={"name": "北京朝信律师事务所", "contact_name": "刘振华",
                                                      "contact_phone": "13901012233", "active": "y"})
    assert response.status_code == 302
    firm = db.session.scalar(select(Firm))
    html = client.post(f"/visits/firms/{firm.id}/contracts/new", data={
        "start": "2027-01-01", "end": "2026-12-31", "stations_covered": "7", "visits_per_station_month": "2",
        "hours_per_visit": "3"}).get_data(as_text=True)
    assert "合同结束日期必须晚于开始日期" in html
    assert client.post(f"/visits/firms/{firm.id}/contracts/new", data={
        "start": "2026-01-01", "end": "2027-12-31", "stations_covered": "7", "visits_per_station_month": "2",
        "hours_per_visit": "3"}).status_code == 302
    html = client.post("/visits/lawyers/new", data={"name": "王建华", "firm_id": firm.id, "phone": "12345",
                                                    "active": "y"}).get_data(as_text=True)
    assert "请输入11位手机号码" in html and 'value="王建华"' in html
    assert client.post("/visits/lawyers/new", data={"name": "王建华", "firm_id": firm.id, "phone": "13911110001",
                                                    "specialities": "劳动争议、工伤赔偿", "active": "y"}).status_code == 302
    lawyer = db.session.scalar(select(Lawyer))
    assert lawyer.specialities == ["劳动争议", "工伤赔偿"]
    # A stale form (someone saved in between) is refused with a message, not overwritten: the form shows what
    # is saved now.
    setup_ops.save_lawyer(lawyer, firm=firm, name="王建华", phone="13911110009")
    db.session.commit()
    response = client.post(f"/visits/lawyers/{lawyer.id}", data={"name": "王建华", "firm_id": firm.id,
                                                                  "phone": "13911110001", "version": "1",
                                                                  "active": "y"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "保存了这条记录" in html and 'value="13911110009"' in html
    db.session.refresh(lawyer)
    assert lawyer.phone == "13911110009"


def test_suggested_assignment_accepted_in_part(login_as, districts):
    made = make_programme(districts["chaoyang"], stations=4)
    for assignment in made["assignments"]:
        setup_ops.end_assignment(assignment)
    db.session.commit()
    client = login_as("coordinator", "chaoyang")
    html = client.get("/visits/assignments?suggest=1").get_data(as_text=True)
    assert "采纳勾选的建议" in html and "未指派的服务站（4 个）" in html
    chosen = made["stations"][:2]
    form = {"accept": [s.id for s in chosen]}
    from trainer.visits.setup.suggestion import suggest

    for item in suggest(districts["chaoyang"]):
        form[f"firm_{item.station.id}"] = item.firm.id
        form[f"lead_{item.station.id}"] = item.lead.id
        form[f"backup_{item.station.id}"] = item.backup.id if item.backup else ""
    response = client.post("/visits/assignments/accept", data=form, follow_redirects=True)
    assert "已指派 2 个服务站" in response.get_data(as_text=True)
    active = db.session.scalars(select(Assignment).where(Assignment.active)).all()
    assert {a.station_id for a in active} == {s.id for s in chosen}
    # continuity: each went back to the firm that served it before
    before = {a.station_id: a.firm_id for a in made["assignments"]}
    assert all(a.firm_id == before[a.station_id] for a in active)


def test_leave_page_lists_broken_visits_and_applies_a_replacement(login_as, districts, programme):
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    open_day = first_open_day(districts["chaoyang"].id)
    visit = db.session.scalar(select(Visit).where(Visit.day >= open_day).order_by(Visit.day))
    lawyer = visit.lawyer
    was = (visit.lawyer_id, visit.day, visit.half)
    client = login_as("coordinator", "chaoyang")
    html = client.post(f"/visits/lawyers/{lawyer.id}/leave", data={
        "start": visit.day.isoformat(), "end": visit.day.isoformat(), "reason": "开庭"}).get_data(as_text=True)
    assert "这次请假影响 1 次已排定的走访" in html and visit.station.name in html and "开庭" in html
    token = f"visit:{visit.id}"
    place = re.search(rf'name="place_{token}" value="([^"]+)"', html).group(1)
    response = client.post("/workdays/conflicts/apply", data={
        "apply": token, f"place_{token}": place, f"version_{token}": visit.version,
        "next": f"/visits/lawyers/{lawyer.id}"}, follow_redirects=True)
    assert "已采纳 1 条建议" in response.get_data(as_text=True)
    db.session.expire_all()
    moved = db.session.get(Visit, visit.id)
    assert (moved.lawyer_id, moved.day, moved.half) != was
    assert place.startswith(moved.day.isoformat()) and place.endswith(f"lawyer:{moved.lawyer_id}")
    leave_row = db.session.scalar(select(LawyerLeave))
    assert leave_row.reason == "开庭"
    # The leave's page later: nothing broken any more.
    again = client.get(f"/visits/lawyers/{lawyer.id}/leave/{leave_row.id}/proposals").get_data(as_text=True)
    assert "这段请假期间没有已排定的走访" in again


def test_visit_page_refuses_a_stale_move_and_explains_a_bad_one(login_as, districts, programme):
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    visit = db.session.scalar(select(Visit).order_by(Visit.day))
    client = login_as("coordinator", "chaoyang")
    assert "调整" in client.get(f"/visits/v/{visit.id}").get_data(as_text=True)
    html = client.post(f"/visits/v/{visit.id}", data={
        "action": "move", "move-day": "2026-12-26", "move-half": "am", "move-lawyer_id": visit.lawyer_id,
        "move-version": visit.version}).get_data(as_text=True)
    assert "不是法定工作日" in html
    # Another coordinator pins it meanwhile; the first one's move on the old version is refused.
    seen = visit.version
    plan_ops.set_pinned(visit, True)
    db.session.commit()
    response = client.post(f"/visits/v/{visit.id}", data={
        "action": "move", "move-day": "2026-12-28", "move-half": "am", "move-lawyer_id": visit.lawyer_id,
        "move-version": seen}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "保存了这条记录" in html and "已锁定" in html
    db.session.refresh(visit)
    assert visit.day != date(2026, 12, 28) and visit.pinned


def test_district_scope(login_as, districts, programme):
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    visit = db.session.scalar(select(Visit))
    xicheng = login_as("coordinator", "xicheng")
    assert xicheng.get(f"/visits/v/{visit.id}").status_code == 403
    assert xicheng.get(f"/visits/stations/{visit.station_id}").status_code == 403
    assert xicheng.get(f"/visits/lawyers/{visit.lawyer_id}").status_code == 403
    assert xicheng.get(f"/visits/firms/{visit.firm_id}").status_code == 403
    assert visit.station.name not in xicheng.get("/visits/?month=2026-12").get_data(as_text=True)
    assert xicheng.post(f"/visits/v/{visit.id}", data={"action": "pin", "version": visit.version}).status_code == 403
    trainee = login_as("trainee", "chaoyang")
    assert trainee.get("/visits/").status_code == 403


def test_lawyer_sees_only_own_visits(app, login_as, make_user, districts, programme):
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    user = make_user("lawyer", "chaoyang")
    me, other = programme["lawyers"][0], programme["lawyers"][-1]
    setup_ops.save_lawyer(me, firm=me.firm, name=me.name, phone=me.phone, user_id=user.id)
    db.session.commit()
    client = login_as(user=user)
    assert client.get("/").headers["Location"].endswith("/visits/mine")
    html = client.get("/visits/mine").get_data(as_text=True)
    mine = db.session.scalars(select(Visit).where(Visit.lawyer_id == me.id)).all()
    theirs = db.session.scalars(select(Visit).where(Visit.lawyer_id == other.id)).all()
    assert mine and "我负责的服务站" in html
    for v in mine:
        assert v.station.name in html
    own_station = mine[0].station_id
    assert client.get(f"/visits/stations/{own_station}").status_code == 200
    foreign = {v.station_id for v in theirs} - {v.station_id for v in mine}
    if foreign:
        assert client.get(f"/visits/stations/{foreign.pop()}").status_code == 403
    assert client.get("/visits/").status_code == 403
    assert client.get(f"/visits/v/{mine[0].id}").status_code == 403


def test_unlinked_lawyer_is_told_so(login_as):
    html = login_as("lawyer", "chaoyang").get("/visits/mine").get_data(as_text=True)
    assert "尚未关联律师档案" in html


def test_english_interface(login_as, programme):
    client = login_as("coordinator", "chaoyang")
    client.post("/lang/en")
    html = client.get("/visits/plan").get_data(as_text=True)
    assert "Plan the visits of" in html and "Chaoyang" in html
