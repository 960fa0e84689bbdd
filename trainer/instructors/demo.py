"""Demo data of the instructor system: two city full-time instructors; Chaoyang with 3 district full-time and
8 part-time instructors (赵建国 is the demo login instructor.zhao); Xicheng with 1 + 3; duties leaving a gap and an
overlap; two meeting series placed through 2026 (2027 is not announced); three engagements at different stages."""

from __future__ import annotations

from datetime import date, timedelta

from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.instructors.duties.operations import add_responsibility
from trainer.instructors.engagements.operations import save_engagement, save_session
from trainer.instructors.hierarchy.operations import save_instructor
from trainer.instructors.meetings.operations import create_meeting, expand_series, save_series
from trainer.instructors.training.operations import add_training, save_assessment
from trainer.workdays import is_working_day

CHAOYANG_FULL = [  # name, background, specialities, guided part-time: (name, background, streets, industries)
    ("赵建国", "lawyer", ["信息技术服务业", "金融业"], [
        ("钱晓梅", "lawyer", ["望京街道", "酒仙桥街道", "将台地区"], ["信息技术服务业"]),
        ("孙志强", "manager", ["望京街道", "来广营地区", "东湖街道"], []),  # 望京 twice: the overlap
        ("李娜", "social_worker", ["大屯街道", "亚运村街道", "奥运村街道", "安贞街道"], ["教育"]),
    ]),
    ("钱卫东", "expert", ["建筑业", "制造业"], [
        ("周海涛", "teacher", ["朝外街道", "建外街道", "呼家楼街道", "团结湖街道"], ["建筑业"]),
        ("吴丽华", "lawyer", ["劲松街道", "双井街道", "潘家园街道", "垡头街道"], ["制造业"]),
        ("郑凯", "manager", ["三里屯街道", "左家庄街道", "麦子店街道", "香河园街道", "八里庄街道"], ["批发和零售业"]),
    ]),
    ("李秀英", "social_worker", ["商业服务业", "住宿和餐饮业"], [
        ("王建军", "social_worker", ["小关街道", "和平街街道", "六里屯街道", "首都机场街道", "南磨房地区"],
         ["商业服务业", "住宿和餐饮业"]),
        ("冯静", "teacher", ["高碑店地区", "太阳宫地区", "小红门地区", "十八里店地区", "平房地区", "东风地区"],
         ["卫生健康"]),
    ]),
]
# Left uncovered on purpose (the duties page shows them as gaps): 常营、三间房、管庄、金盏、孙河、崔各庄、东坝、
# 黑庄户、豆各庄、王四营 and the industries 交通运输业, 金融业 (only a speciality, not an area).
XICHENG_FULL = ("王海燕", "lawyer", ["金融业"], [
    ("陈晨", "lawyer", ["金融街街道", "月坛街道", "西长安街街道", "新街口街道", "展览路街道"], ["金融业"]),
    ("刘洋", "teacher", ["德胜街道", "什刹海街道", "大栅栏街道", "天桥街道", "椿树街道"], ["教育"]),
    ("黄蕾", "social_worker", ["陶然亭街道", "广安门内街道", "牛街街道", "白纸坊街道", "广安门外街道"], ["商业服务业"]),
])


def _phone(n: int) -> str:
    return f"1391234{n:04d}"


def load(ctx) -> None:
    chaoyang, xicheng = ctx.districts["chaoyang"], ctx.districts["xicheng"]
    term = {"term_from": date(2025, 1, 1), "term_to": date(2027, 12, 31)}
    number = iter(range(1, 100))
    sun = save_instructor(None, tier="city_full", district_id=None, name="孙立平", background="expert",
                          specialities=["制造业", "建筑业"], phone=_phone(next(number)), **term)
    zhou = save_instructor(None, tier="city_full", district_id=None, name="周敏", background="lawyer",
                           specialities=["金融业", "信息技术服务业"], phone=_phone(next(number)), **term)
    people = {}
    zhao_user = ctx.users.get("instructor.zhao")
    for name, background, specialities, part_timers in CHAOYANG_FULL:
        full = save_instructor(None, tier="district_full", district_id=chaoyang.id, name=name,
                               background=background, specialities=specialities, guide=sun,
                               phone=_phone(next(number)), user_id=zhao_user.id if name == "赵建国" and zhao_user
                               else None, **term)
        people[name] = full
        for p_name, p_background, streets, industries in part_timers:
            part = save_instructor(None, tier="district_part", district_id=chaoyang.id, name=p_name,
                                   background=p_background, specialities=industries, guide=full,
                                   phone=_phone(next(number)), **term)
            people[p_name] = part
            for street in streets:
                add_responsibility(part, "street", street)
            for industry in industries:
                add_responsibility(part, "industry", industry)
    add_responsibility(people["赵建国"], "enterprise", "北京望京智联科技有限公司")
    add_responsibility(people["钱卫东"], "industry", "建筑业")
    name, background, specialities, part_timers = XICHENG_FULL
    wang = save_instructor(None, tier="district_full", district_id=xicheng.id, name=name, background=background,
                           specialities=specialities, guide=zhou, phone=_phone(next(number)), **term)
    for p_name, p_background, streets, industries in part_timers:
        part = save_instructor(None, tier="district_part", district_id=xicheng.id, name=p_name,
                               background=p_background, specialities=industries, guide=wang,
                               phone=_phone(next(number)), **term)
        for street in streets:
            add_responsibility(part, "street", street)
        for industry in industries:
            add_responsibility(part, "industry", industry)

    # Meetings: through 2026 (the last announced year); the job keeps them rolling once 2027 is announced.
    horizon = max(date(2026, 12, 31), today_local() + timedelta(days=120))
    monthly = save_series(None, organiser=sun, pair="city_district", district_id=chaoyang.id,
                          title="市级指导员月度指导会（朝阳）", rrule="FREQ=MONTHLY;BYMONTHDAY=1",
                          starts_on=date(2026, 1, 1), until=None, start_time="09:30", end_time="11:30",
                          location="北京市总工会 3楼会议室")
    expand_series(monthly, horizon)
    fortnightly = save_series(None, organiser=people["赵建国"], pair="district_part", district_id=chaoyang.id,
                              title="赵建国联系组双周例会", rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
                              starts_on=date(2026, 1, 7), until=None, start_time="14:00", end_time="15:30",
                              location="朝阳区总工会 权益部会议室")
    expand_series(fortnightly, horizon)
    xicheng_series = save_series(None, organiser=zhou, pair="city_district", district_id=xicheng.id,
                                 title="市级指导员月度指导会（西城）", rrule="FREQ=MONTHLY;BYDAY=2TU",
                                 starts_on=date(2026, 1, 1), until=None, start_time="09:30", end_time="11:00",
                                 location="西城区总工会 2楼会议室")
    expand_series(xicheng_series, horizon)
    # Past meetings of the fortnightly series get attendance and minutes.
    for meeting in fortnightly.meetings:
        if meeting.day < today_local() - timedelta(days=60) or meeting.day >= today_local():
            continue
        for row in meeting.attendance:
            row.present = row.instructor.name != "孙志强" or meeting.day.day % 2 == 0
        meeting.minutes = "通报各街道集体协商进展；布置下一阶段要约发出工作；孙志强、钱晓梅协调望京街道分工。"

    # Engagements at three stages.
    e1 = save_engagement(None, district_id=chaoyang.id, enterprise="北京望京智联科技有限公司",
                         union_name="北京望京智联科技有限公司工会", industry="信息技术服务业", street="望京街道",
                         stage="awaiting_reply", request_sent_on=date(2026, 11, 16),
                         instructors=[people["赵建国"], people["钱晓梅"]],
                         notes="工资专项集体协商：年度工资调整幅度、加班工资计算基数。")
    e2 = save_engagement(None, district_id=chaoyang.id, enterprise="北京朝外商业管理有限公司",
                         union_name="北京朝外商业管理有限公司工会", industry="商业服务业", street="朝外街道",
                         stage="sessions", request_sent_on=date(2026, 9, 1), reply_received_on=date(2026, 9, 15),
                         instructors=[people["李秀英"], people["周海涛"]])
    for day in (date(2026, 10, 14), date(2026, 10, 28), date(2026, 11, 11)):
        save_session(None, engagement=e2, day=day, start_time="14:00", end_time="16:30",
                     location="朝外商业管理公司 会议室")
    save_engagement(e2, district_id=chaoyang.id, enterprise=e2.enterprise, union_name=e2.union_name,
                    industry=e2.industry, street=e2.street, stage="signed", request_sent_on=e2.request_sent_on,
                    reply_received_on=e2.reply_received_on, agreement_signed_on=date(2026, 11, 18),
                    instructors=list(e2.instructors))
    e3 = save_engagement(None, district_id=chaoyang.id, enterprise="北京建工第五建筑有限公司",
                         union_name="北京建工第五建筑有限公司工会", industry="建筑业", street="劲松街道",
                         stage="preparation", request_sent_on=date(2026, 10, 9),
                         reply_received_on=date(2026, 10, 20),
                         instructors=[people["钱卫东"], people["吴丽华"], people["赵建国"]])
    for day in (date(2026, 11, 26), date(2026, 12, 10), date(2026, 12, 24)):
        save_session(None, engagement=e3, day=day, start_time="09:30", end_time="11:30",
                     location="北京建工第五建筑有限公司 职工之家")
    del e1
    # A one-off meeting: 赵建国 and the part-time instructors he guides are invited (see the meeting page), on the
    # first working day from three days ahead when none of them is elsewhere (a session, a series meeting).
    for day in (today_local() + timedelta(days=n) for n in range(3, 40)):
        if not is_working_day(day, allow_provisional=True):
            continue
        try:
            create_meeting(organiser=people["赵建国"], district_id=chaoyang.id, title="望京街道集体协商专题协调会",
                           day=day, start_time="10:00", end_time="11:30", location="望京街道总工会 会议室")
        except InvalidInput:
            continue
        break

    # Training and assessment 2026.
    courses = [("集体协商政策法规专题培训", 16), ("工资集体协商实务", 8), ("劳动争议调解与协商技巧", 6)]
    results = ["excellent", "competent", "competent", "basic"]
    everyone = [sun, zhou, wang] + list(people.values())
    for index, person in enumerate(everyone):
        for c_index, (course, hours) in enumerate(courses[: 1 + index % 3]):
            add_training(person, year=2026, course=course, hours=hours, day=date(2026, 3 + c_index * 3, 12))
        result = results[index % len(results)]
        # A score that fits the result (优秀 90+, 称职 75-89, 基本称职 60-74), as the year's assessment sheet has it.
        score = {"excellent": 94, "competent": 85, "basic": 70}[result] - (index % 4)
        save_assessment(person, year=2026, result=result, score=score)
    db.session.flush()
