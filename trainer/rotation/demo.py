"""Demo rotation: Chaoyang's 2026 programme year at the mediation centre, planned, with the autumn's first
placements done (logs, evaluations, three certified mediators), and a 2027 draft year."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import force_locale
from sqlalchemy import select

from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.rotation.logs.operations import confirm_completion, save_evaluation
from trainer.rotation.mentors.operations import add_unavailable, assign_mentor, save_mentor
from trainer.rotation.models import CATEGORIES, CaseLog, DayReflection, Trainee
from trainer.rotation.placements.operations import plan_year
from trainer.rotation.trainees.operations import save_trainee
from trainer.rotation.years.operations import add_blackout, save_programme_year, select_unions
from trainer.visits.models import Lawyer

CENTRE = "朝阳区劳动人事争议仲裁院工会劳动争议调解中心"
CENTRE_ADDRESS = "北京市朝阳区工人体育场东路20号（朝阳区劳动人事争议仲裁院一层）"
MENTORS = [  # name, phone, duty weekdays
    ("王律师", "13910010001", [0, 1, 2, 3, 4]),
    ("陈静律师", "13910010002", [0, 1, 2, 3, 4]),
    ("刘建国律师", "13910010003", [0, 2, 4]),
    ("孙丽律师", "13910010004", [1, 3]),
]
TRAINEES = ["李晓红", "张伟", "王芳", "刘洋", "陈磊", "杨静", "赵敏", "周涛"]
EXPERIENCE = ["街道调解委员会调解员，从事调解工作2年", "工会服务站工作人员，参与过劳动争议调解", "新任调解员",
              "社区人民调解员5年", "企业工会主席，兼职调解员", "街道工会干事", "新任调解员", "劳动保障协管员3年"]
REMARKS = ["能把握争议焦点，注意告知当事人调解期限。", "沟通耐心，协议书表述需更准确。", "独立主持调解，程序规范。"]


REFLECTIONS = (
    "今天跟随带教律师旁听了两起欠薪纠纷调解，体会到先厘清工资构成、再谈分期方案的重要性。明天想请教如何向企业说明拖欠工资的法律后果。",
    "协助起草了一份调解协议，发现履行期限和违约责任写得不够具体，带教律师逐条帮我修改。以后要先列要点再动笔。",
    "独立主持调解时双方情绪激动，我先分别单独沟通，效果比面对面好。还需要提高把握调解节奏的能力。",
    "学习了工伤认定与劳动能力鉴定的程序，整理了一张时限表，方便以后向职工解释。",
)


def load(ctx) -> None:
    district = ctx.districts["chaoyang"]
    streets = [u for u in ctx.unions.get("chaoyang", []) if u.kind == "street"]
    if len(streets) < 8:
        return
    coordinator = ctx.users.get("chaoyang")
    py = save_programme_year(
        None, district_id=district.id, year=2026, centre_name=CENTRE, centre_address=CENTRE_ADDRESS,
        trainee_target=8, capacity=2, placement_length=10, mentor_max_trainees=2, status="open",
        window_start=date(2026, 9, 1), window_end=date(2026, 12, 31))
    add_blackout(py, start=date(2026, 2, 14), end=date(2026, 2, 24), label="春节")
    add_blackout(py, start=date(2026, 10, 1), end=date(2026, 10, 8), label="国庆节")
    lawyer_user = ctx.users.get("lawyer.wang")
    for name, phone, weekdays in MENTORS:
        linked = lawyer_user if name == "王律师" and lawyer_user is not None else None
        mentor = save_mentor(None, district_id=district.id, name=name, phone=phone,
                                        user_id=linked.id if linked else None,
                                        lawyer_id=_lawyer_of(linked.id) if linked else None)
        assign_mentor(py, mentor, duty_weekdays=weekdays)
    add_unavailable(mentor, start=date(2026, 11, 16), end=date(2026, 11, 20), reason="出庭")
    chosen = streets[:8]
    select_unions(py, [u.id for u in chosen])
    stations = {s.union_id: s for s in ctx.stations.get("chaoyang", [])}
    trainees = []
    for number, (name, union) in enumerate(zip(TRAINEES, chosen, strict=True)):
        station = stations.get(union.id)
        trainees.append(save_trainee(
            None, py=py, union_id=union.id, name=name, phone=f"1371001{number:04d}",
            station_id=station.id if station else None, prior_experience=EXPERIENCE[number],
            unavailable=[date(2026, 12, 24), date(2026, 12, 25)] if number == 5 else []))
    with force_locale("zh"):
        plan_year(py, not_before=date(2026, 9, 1), time_limit_s=3)
    today = today_local()
    _link_trainee_login(ctx, trainees, today)
    _past_work(py, trainees, today, coordinator)
    save_programme_year(
        None, district_id=district.id, year=2027, centre_name=CENTRE, centre_address=CENTRE_ADDRESS,
        trainee_target=8, capacity=2, status="draft")
    db.session.flush()


def _lawyer_of(user_id: int) -> int | None:
    return db.session.scalar(select(Lawyer.id).where(Lawyer.user_id == user_id))


def _link_trainee_login(ctx, trainees: list[Trainee], today: date) -> None:
    """trainee.li is the trainee at the centre today (else the next to come, else the last one)."""
    user = ctx.users.get("trainee.li")
    if user is None:
        return

    def key(trainee: Trainee):
        days = [d.day for d in trainee.placement.active_days] if trainee.placement else []
        if not days:
            return (3, date.max)
        if days[0] <= today <= days[-1]:
            return (0, days[0])
        if days[0] > today:
            return (1, days[0])
        return (2, date.max - (days[-1] - date.min))

    chosen = min(trainees, key=key)
    chosen.user_id = user.id
    # The login's name is the trainee's: swap names with the trainee who had it.
    namesake = next((t for t in trainees if t.name == user.display_name and t is not chosen), None)
    if namesake is not None:
        namesake.name, chosen.name = chosen.name, user.display_name
    db.session.flush()


def _past_work(py, trainees: list[Trainee], today: date, coordinator) -> None:
    """Logs for the days already past; evaluations of finished placements; three certified mediators."""
    certified = 0
    for index, trainee in enumerate(sorted(trainees, key=lambda t: t.placement.start if t.placement else date.max)):
        days = trainee.placement.active_days if trainee.placement else []
        for number, day in enumerate(d for d in days if d.day <= today):
            roles = ["observed", "assisted"] if day.phase == "guided" else ["independent"]
            for k, role in enumerate(roles):
                outcome = None
                if day.day < today - timedelta(days=3) or role != "independent":
                    outcome = ("agreement", "agreement", "no_agreement", "agreement", "referred")[(index + number + k) % 5]
                db.session.add(CaseLog(
                    placement_day=day, district_id=day.district_id,
                    case_ref=f"朝调字〔2026〕{300 + index * 40 + number * 3 + k}号",
                    category=CATEGORIES[(index * 3 + number + k) % len(CATEGORIES)], role=role, outcome=outcome,
                    accepted_on=day.day - timedelta(days=(number + k) % 4),
                    summary="劳动者主张欠付工资及加班费，用人单位同意分期支付。" if role == "independent" else None,
                    mentor_remarks=REMARKS[(index + number) % len(REMARKS)] if (number + k) % 2 == 0 else None))
            if number % 3 != 2:  # most days have the trainee's reflection (每日心得)
                db.session.add(DayReflection(placement_day=day, district_id=day.district_id,
                                             text=REFLECTIONS[(index + number) % len(REFLECTIONS)]))
        if not days or days[-1].day >= today:
            continue
        mentor_id = days[-1].mentor_id
        save_evaluation(
            trainee, scores={"law_policy": 4, "procedure": 4 + (index % 2), "communication": 5, "drafting": 3 + (index % 3),
                             "independent_handling": 4},
            comments={"drafting": "协议条款表述需更具体。"}, passed=True, summary="能够独立主持劳动争议调解。",
            mentor_id=mentor_id, evaluated_on=days[-1].day)
        if certified < 3:
            confirm_completion(trainee, by=coordinator, on=days[-1].day + timedelta(days=1))
            certified += 1
    db.session.flush()
