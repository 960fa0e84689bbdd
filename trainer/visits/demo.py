"""Demo data for the visit programme: Chaoyang's 8 contracted firms (invented names), about 20 lawyers, leave,
an assignment for each of the 52 stations and a planned November and December 2026 (further when today is near
its end); a smaller programme for Xicheng. Part 2: the past visits (from November) are delivered with
consultations (one missed, with its reason), a two-week telephone duty period is planned, and 王建华 (login
lawyer.wang) has a visit today so check-in can be tried.

The demo may be loaded on any day: what it places around today (王建华's visit today, the one of yesterday he
forgot to record, his court week ahead) keeps every rule, so the demo opens without a conflict."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.clock import local_datetime, today_local
from trainer.core.extensions import db
from trainer.core.months import Month, month_bounds, month_of
from trainer.core.validation import InvalidInput
from trainer.visits.duty import operations as duty
from trainer.visits.models import Assignment, Lawyer, Visit
from trainer.visits.plan.operations import move_visit, official_working_day, visit_conflicts
from trainer.visits.plan.planner import plan_range
from trainer.visits.records import operations as records
from trainer.visits.setup import operations, suggestion
from trainer.visits.setup.leave import add_leave
from trainer.workdays import is_working_day

CONTRACT = (date(2026, 1, 1), date(2027, 12, 31))

CHAOYANG_FIRMS = [
    # name, contact, phone, address, stations covered
    ("北京朝信律师事务所", "刘振华", "13901012233", "北京市朝阳区朝外大街22号泛利大厦12层", 7),
    ("北京京朝律师事务所", "陈晓梅", "13910203344", "北京市朝阳区建国路88号SOHO现代城B座8层", 7),
    ("北京衡正律师事务所", "孙立群", "13801125566", "北京市朝阳区东三环中路7号财富中心A座20层", 7),
    ("北京德维律师事务所", "郭婷", "13701237788", "北京市朝阳区望京街10号望京SOHO T2-1505", 7),
    ("北京安和律师事务所", "高宏伟", "13601348899", "北京市朝阳区亚运村安立路60号润枫德尚3层", 6),
    ("北京中勤律师事务所", "何静", "13501451122", "北京市朝阳区酒仙桥路14号兆维大厦5层", 6),
    ("北京汇诚律师事务所", "罗建军", "18601562233", "北京市朝阳区双井广渠路36号首城国际C座9层", 6),
    ("北京明理律师事务所", "梁晓燕", "18911673344", "北京市朝阳区劲松南路1号中国纺织大厦11层", 6),
]

# firm index, name, phone, specialities, office area
CHAOYANG_LAWYERS = [
    (0, "王建华", "13911110001", ["劳动争议", "劳动合同"], "朝外街道"),
    (0, "李静怡", "13911110002", ["工伤赔偿", "社会保险"], "呼家楼街道"),
    (0, "张浩然", "13911110003", ["劳动争议", "集体协商"], "建外街道"),
    (1, "赵敏", "13911110004", ["劳动合同", "商业服务"], "双井街道"),
    (1, "周子昂", "13911110005", ["工伤赔偿"], "劲松街道"),
    (1, "吴雅琴", "13911110006", ["劳动争议", "金融"], "CBD"),
    (2, "郑凯", "13911110007", ["建筑工程", "工伤赔偿"], "十八里店地区"),
    (2, "冯丽娜", "13911110008", ["劳动争议"], "潘家园街道"),
    (3, "陈思远", "13911110009", ["劳动合同", "电子"], "望京街道"),
    (3, "褚佳慧", "13911110010", ["社会保险", "劳动争议"], "望京"),
    (3, "卫东", "13911110011", ["劳动争议"], "来广营地区"),
    (4, "蒋文博", "13911110012", ["教育", "劳动合同"], "亚运村街道"),
    (4, "沈晓雪", "13911110013", ["劳动争议", "奥林匹克"], "奥运村街道"),
    (5, "韩立新", "13911110014", ["劳动争议", "电子"], "酒仙桥街道"),
    (5, "杨柳", "13911110015", ["卫生健康", "医疗纠纷"], "将台地区"),
    (6, "朱晓峰", "13911110016", ["劳动争议", "工伤赔偿"], "高碑店地区"),
    (6, "秦慧", "13911110017", ["劳动合同"], "王四营地区"),
    (6, "许国强", "13911110018", ["集体协商", "劳动争议"], "管庄地区"),
    (7, "何晓东", "13911110019", ["劳动争议", "金融"], "劲松街道"),
    (7, "吕芳", "13911110020", ["社会保险", "劳动合同"], "垡头街道"),
]

# lawyer name, start, end, reason (and 王建华's court week, from _chaoyang_leave)
CHAOYANG_LEAVE = [
    ("赵敏", date(2026, 12, 21), date(2026, 12, 31), "年假"),
    ("郑凯", date(2026, 12, 1), date(2026, 12, 4), "培训"),
]

XICHENG_FIRMS = [
    ("北京西城正平律师事务所", "马立", "13811220011", "北京市西城区金融大街27号投资广场B座10层", 5),
    ("北京金衡律师事务所", "丁红", "13811220022", "北京市西城区西直门南大街2号成铭大厦C座6层", 5),
    ("北京宣和律师事务所", "彭涛", "13811220033", "北京市西城区广安门内大街6号枫桦豪景A座7层", 5),
]
XICHENG_LAWYERS = [
    (0, "唐明", "13822330001", ["劳动争议", "金融"], "金融街街道"),
    (0, "宋佳", "13822330002", ["劳动合同"], "月坛街道"),
    (1, "邓超群", "13822330003", ["工伤赔偿"], "展览路街道"),
    (1, "曹雨", "13822330004", ["劳动争议"], "新街口街道"),
    (2, "袁志刚", "13822330005", ["社会保险"], "广安门内街道"),
    (2, "彭丽", "13822330006", ["劳动争议", "集体协商"], "牛街街道"),
]


DEMO_FEES = (600, 2000)  # 元 per delivered visit, 元 a month: the firm's account shows what the month costs


def _chaoyang_leave(today: date) -> list[tuple[str, date, date, str]]:
    """Chaoyang's leave: 王建华 is in court out of town the week after next (Monday to Friday), whatever day the demo
    is loaded, so his leave shows ahead and never covers today or yesterday, when the demo gives him visits."""
    monday = today + timedelta(days=14 - today.weekday())
    return [("王建华", monday, monday + timedelta(days=4), "外地开庭"), *CHAOYANG_LEAVE]


def _programme(district, firms_data, lawyers_data, leave_data=(), linked=None):
    firms = []
    for name, contact, phone, address, covered in firms_data:
        firm = operations.save_firm(None, district_id=district.id, name=name, contact_name=contact,
                                    contact_phone=phone, address=address)
        operations.save_contract(None, firm=firm, start=CONTRACT[0], end=CONTRACT[1], stations_covered=covered,
                                 visits_per_station_month=2, hours_per_visit=3, fee_per_visit=DEMO_FEES[0],
                                 fee_per_month=DEMO_FEES[1],
                                 reference=f"{district.code.upper()}-2026-{len(firms) + 1:02d}")
        firms.append(firm)
    lawyers = {}
    for firm_index, name, phone, specialities, area in lawyers_data:
        user_id = linked.id if linked is not None and name == "王建华" else None
        lawyers[name] = operations.save_lawyer(None, firm=firms[firm_index], name=name, phone=phone,
                                               specialities=specialities, office_area=area, user_id=user_id)
    for name, start, end, reason in leave_data:
        add_leave(lawyers[name], start, end, reason, propose=False)
    for item in suggestion.suggest(district, day=date(2026, 11, 1)):
        operations.assign_station(item.station, firm=item.firm, lead=item.lead, backup=item.backup,
                                  start=date(2026, 11, 1))
    db.session.flush()
    plan_range(district, "2026-12", _last_planned_month(today_local()), allow_past=True, allow_provisional=True,
               time_limit_s=2.0)


def _last_planned_month(today: date) -> Month:
    """The demo's plan runs to December 2026, or further when that would end less than two weeks after today (on
    the provisional calendar while a year is not announced), so the demo always has visits ahead."""
    return max((2026, 12), month_of(today + timedelta(days=14)))


# asker, people, channel, category, question, advice, referral, follow-up note, enterprise, worker name, phone
CONSULTATIONS = [
    ("worker", 1, "on_site", "pay", "在餐饮公司工作，老板拖欠两个月工资共一万二千元，多次催要未果。",
     "保留工资条、考勤记录和微信催要记录，可先向劳动保障监察大队投诉，也可申请劳动仲裁，仲裁时效一年。", "arbitration", "",
     None, "刘洋", "13700001111"),
    ("worker", 3, "on_site", "overtime", "快递分拣站长期晚上加班到十点，周末也上班，公司说工资已含加班费。",
     "工资含加班费须有明确约定且不低于法定标准；建议收集排班表、打卡记录，与公司协商，不成可申请调解。", "mediation",
     "两周后电话回访协商结果", None, "陈刚", "13600002222"),
    ("enterprise", 1, "phone", "termination", "员工试用期考核不合格，公司想解除劳动合同，需要注意什么？",
     "应有明确的录用条件和考核依据，在试用期内书面通知并说明理由，不需支付经济补偿。", "none", "",
     "北京某某科技有限公司", None, None),
    ("worker", 1, "on_site", "social_insurance", "入职半年公司一直没有缴纳社会保险，说转正后再交。",
     "用人单位应自用工之日起三十日内为职工办理社保登记；可向社保经办机构投诉要求补缴。", "none", "",
     None, "王芳", "13500003333"),
    ("worker", 1, "on_site", "injury", "在工地摔伤右腿，包工头只给了医药费，不给认定工伤。",
     "受伤一年内可本人申请工伤认定；先确认与总包单位的劳动关系或用工主体责任，保留病历和证人信息。", "legal_aid",
     "协助联系法律援助中心", None, "赵大勇", "13900004444"),
    ("worker", 2, "online", "employment_relation", "在平台送外卖两年，没有签合同，想确认劳动关系。",
     "综合考虑管理控制、报酬支付和工作内容判断；收集接单记录、考勤规则和收入流水，可申请仲裁确认。", "arbitration", "",
     None, None, None),
    ("worker", 1, "phone", "rest_leave", "工作满三年，公司说年假只有五天，而且不休就作废。",
     "累计工作满1年不满10年的年休假5天；单位安排不休的应按日工资的300%支付未休年假工资报酬。", "none", "",
     None, None, None),
    ("enterprise", 2, "on_site", "other", "企业准备开展集体协商，想了解工资专项集体合同的程序。",
     "由工会提出协商要约，双方确定代表、召开协商会议，草案经职工代表大会讨论通过后报送人社部门审查。", "none",
     "转介区总工会集体协商指导员", "北京某某物业服务有限公司", None, None),
]


def _deliver_past(district, today, wang_id, keep: set[int]) -> None:
    """The visits from November to yesterday took place (with consultations), except one that was missed and those
    in ``keep`` (left unrecorded)."""
    visits = db.session.scalars(select(Visit).where(
        Visit.district_id == district.id, Visit.day >= date(2026, 11, 1), Visit.day < today,
        Visit.status == "planned").options(selectinload(Visit.station)).order_by(Visit.day, Visit.id)).all()
    missed_done = False
    for index, visit in enumerate(visits):
        if visit.id in keep:
            continue
        if not missed_done and visit.lawyer_id != wang_id and index >= 5:
            records.mark_missed(visit, reason="lawyer_ill", note="律师发烧就医，未能到站，已电话告知服务站",
                                user=None, today=today)
            missed_done = True
            continue
        start, end = visit.station.hours_of(visit.half)
        visit.status = "delivered"
        visit.checked_in_at = (local_datetime(visit.day, start) + timedelta(minutes=index % 11)).astimezone(UTC)
        if index % 6 != 3:  # now and then the lawyer forgot to check out: flagged, no hours credited
            visit.checked_out_at = (local_datetime(visit.day, end) - timedelta(minutes=index % 17)).astimezone(UTC)
        visit.touch()
        for k in range(index % 4):
            item = CONSULTATIONS[(index + k) % len(CONSULTATIONS)]
            records.save_consultation(None, visit=visit, user=None, asker_type=item[0], people_count=item[1],
                                      channel=item[2], category=item[3], question=item[4], advice=item[5],
                                      referral=item[6], follow_up=bool(item[7]), follow_up_note=item[7],
                                      enterprise_name=item[8], worker_name=item[9], worker_phone=item[10])
    db.session.flush()


def _working_days(day: date, step: int, count: int) -> list[date]:
    """``count`` working days from ``day`` on (``step`` 1) or back (-1), ``day`` included when it is one."""
    days = []
    while len(days) < count:
        if is_working_day(day, allow_provisional=True):  # a year not announced: its provisional calendar
            days.append(day)
        day += timedelta(days=step)
    return days


def _visit_on(lawyer, day: date, note: str) -> Visit | None:
    """A visit of the lawyer on ``day`` that keeps every rule (receiving hours, leave, the gap between a station's
    visits, nobody in two places), checked as for a move by hand: the nearest of the lawyer's planned visits of that
    month moved there (so each station keeps its visits a month; not one the demo already placed, those are
    pinned), else a new visit at one of the lawyer's stations. None when no visit can be there."""
    first, last = month_bounds(month_of(day))
    planned = db.session.scalars(select(Visit).where(Visit.lawyer_id == lawyer.id, Visit.status == "planned",
                                                     Visit.pinned.is_(False), Visit.day >= first, Visit.day <= last,
                                                     Visit.day != day)).all()
    for visit in sorted(planned, key=lambda v: (abs((v.day - day).days), v.id)):
        for half in ("am", "pm"):
            try:
                moved = move_visit(visit, day=day, half=half, today=day)  # moved then, as the past has it
            except InvalidInput:  # refused with its reasons, nothing changed
                continue
            moved.note = note
            db.session.flush()
            return moved
    stations = db.session.scalars(select(Assignment).where(Assignment.lead_lawyer_id == lawyer.id,
                                                           Assignment.active)).all()
    for assignment in stations:
        for half in ("am", "pm"):
            taken = db.session.scalar(select(Visit.id).where(
                (Visit.station_id == assignment.station_id) | (Visit.lawyer_id == lawyer.id),
                Visit.day == day, Visit.half == half, Visit.status != "cancelled").limit(1))
            if taken is not None:
                continue
            visit = Visit(district_id=assignment.district_id, station_id=assignment.station_id,
                          lawyer_id=lawyer.id, firm_id=lawyer.firm_id, day=day, half=half, status="planned",
                          pinned=True, provisional=official_working_day(day) is None, note=note)
            db.session.add(visit)
            db.session.flush()
            if not visit_conflicts(visit, lawyer_id=lawyer.id, day=day, half=half):
                return visit
            db.session.delete(visit)
            db.session.flush()
    return None


def _unrecorded_yesterday(lawyer, today) -> set[int]:
    """The lawyer's visit on the last working day before today (or the one before, when no visit can be there) is
    left unrecorded (forgot to check in), to be recorded afterwards with a reason from /visits/mine."""
    for day in _working_days(today - timedelta(days=1), -1, 3):
        found = db.session.scalar(select(Visit).where(Visit.lawyer_id == lawyer.id, Visit.day == day,
                                                      Visit.status == "planned").limit(1))
        found = found or _visit_on(lawyer, day, "演示：律师忘记签到的走访，可在“我的走访”中补记并说明原因")
        if found is not None:
            return {found.id}
    return set()


def _visit_today_for(lawyer, today) -> None:
    """Make sure the lawyer has a visit today (or, when today is not a working day or no visit can be there, on
    one of the next working days), pinned, so check-in can be tried."""
    for day in _working_days(today, 1, 5):
        if db.session.scalar(select(Visit.id).where(Visit.lawyer_id == lawyer.id, Visit.day == day,
                                                    Visit.status != "cancelled").limit(1)):
            return
        if _visit_on(lawyer, day, "演示：今天的走访，可试用签到、记录咨询、签退") is not None:
            return


def _duty_period(district) -> None:
    pool = db.session.scalars(select(Lawyer).where(Lawyer.district_id == district.id).order_by(Lawyer.id)
                              .limit(12)).all()
    period = duty.save_period(None, district_id=district.id, title="疫情防控特别时期24小时法律咨询电话值班",
                              first_day=date(2026, 11, 2), last_day=date(2026, 11, 15),
                              shifts="00:00-08:00, 08:00-16:00, 16:00-24:00", per_shift=1,
                              lawyer_ids=[lw.id for lw in pool], phone="010-12351")
    duty.plan_period(period, time_limit_s=3.0)


def load(ctx) -> None:
    chaoyang = ctx.districts["chaoyang"]
    _programme(chaoyang, CHAOYANG_FIRMS, CHAOYANG_LAWYERS, _chaoyang_leave(today_local()),
               linked=ctx.users.get("lawyer.wang"))
    _programme(ctx.districts["xicheng"], XICHENG_FIRMS, XICHENG_LAWYERS)
    # Part 2: November and what else is past happened, a special period's hotline, and a visit for today.
    plan_range(chaoyang, "2026-11", "2026-11", allow_past=True, time_limit_s=2.0)
    today = today_local()
    wang = db.session.scalar(select(Lawyer).where(Lawyer.district_id == chaoyang.id, Lawyer.name == "王建华"))
    keep = _unrecorded_yesterday(wang, today) if wang is not None else set()
    _deliver_past(chaoyang, today, wang.id if wang else None, keep)
    _duty_period(chaoyang)
    if wang is not None:
        _visit_today_for(wang, today)
