"""The demo programme: Beijing's 16 districts, Chaoyang as the article describes it, a few other districts,
and one login per role. Each area adds its part through ``trainer/<area>/demo.py:load(ctx)``."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from trainer.auth.models import Role, User
from trainer.core.areas import area_modules
from trainer.core.extensions import db
from trainer.org.models import District, Station, Union

DEMO_PASSWORD = "trainer-demo-2026"

# (role, user name, password): printed by `make run` and listed in the README.
DEMO_LOGINS = [
    ("admin", "admin", DEMO_PASSWORD),
    ("coordinator", "chaoyang", DEMO_PASSWORD),
    ("coordinator", "xicheng", DEMO_PASSWORD),
    ("lawyer", "lawyer.wang", DEMO_PASSWORD),
    ("trainee", "trainee.li", DEMO_PASSWORD),
    ("instructor", "instructor.zhao", DEMO_PASSWORD),
]

DISTRICTS = [
    ("dongcheng", "东城区", "Dongcheng"), ("xicheng", "西城区", "Xicheng"), ("chaoyang", "朝阳区", "Chaoyang"),
    ("haidian", "海淀区", "Haidian"), ("fengtai", "丰台区", "Fengtai"), ("shijingshan", "石景山区", "Shijingshan"),
    ("mentougou", "门头沟区", "Mentougou"), ("fangshan", "房山区", "Fangshan"), ("tongzhou", "通州区", "Tongzhou"),
    ("shunyi", "顺义区", "Shunyi"), ("changping", "昌平区", "Changping"), ("daxing", "大兴区", "Daxing"),
    ("huairou", "怀柔区", "Huairou"), ("pinggu", "平谷区", "Pinggu"), ("miyun", "密云区", "Miyun"),
    ("yanqing", "延庆区", "Yanqing"),
]

CHAOYANG_STREETS = [
    "朝外街道", "劲松街道", "建外街道", "呼家楼街道", "八里庄街道", "三里屯街道", "团结湖街道", "双井街道",
    "垡头街道", "左家庄街道", "小关街道", "和平街街道", "酒仙桥街道", "首都机场街道", "潘家园街道", "六里屯街道",
    "麦子店街道", "香河园街道", "亚运村街道", "望京街道", "安贞街道", "大屯街道", "奥运村街道", "东湖街道",
    "南磨房地区", "高碑店地区", "将台地区", "太阳宫地区", "小红门地区", "十八里店地区", "平房地区", "东风地区",
    "来广营地区", "常营地区", "三间房地区", "管庄地区", "金盏地区", "孙河地区", "崔各庄地区", "东坝地区",
    "黑庄户地区", "豆各庄地区", "王四营地区",
]
CHAOYANG_INDUSTRIES = ["建筑业工会", "商业服务业工会", "教育工会", "卫生健康工会", "金融工会"]
CHAOYANG_ZONES = ["CBD功能区工会", "望京功能区工会", "奥林匹克功能区工会", "电子城功能区工会"]
XICHENG_STREETS = [
    "西长安街街道", "新街口街道", "月坛街道", "展览路街道", "德胜街道", "金融街街道", "什刹海街道", "大栅栏街道",
    "天桥街道", "椿树街道", "陶然亭街道", "广安门内街道", "牛街街道", "白纸坊街道", "广安门外街道",
]
HAIDIAN_STREETS = ["中关村街道", "学院路街道", "海淀街道", "北下关街道", "万寿路街道", "清河街道"]

# The receiving half-days of a station: most receive on weekday mornings and afternoons; some only on
# certain days (a realistic mix makes the planner's job visible).
RECEIVING_PATTERNS = [
    [f"{d}:{h}" for d in range(5) for h in ("am", "pm")],
    [f"{d}:{h}" for d in (1, 3) for h in ("am", "pm")],
    [f"{d}:am" for d in range(5)],
    [f"{d}:{h}" for d in (0, 2, 4) for h in ("am", "pm")],
]


@dataclass
class DemoContext:
    """What the area loaders build on."""

    districts: dict[str, District]
    users: dict[str, User]
    unions: dict[str, list[Union]] = field(default_factory=dict)
    stations: dict[str, list[Station]] = field(default_factory=dict)


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count()).select_from(User)) == 0


def ensure_districts() -> dict[str, District]:
    """All 16 districts of Beijing (idempotent; also run by the first migration's data step)."""
    existing = {d.code: d for d in db.session.scalars(select(District))}
    for order, (code, name, name_en) in enumerate(DISTRICTS):
        if code not in existing:
            existing[code] = District(code=code, name=name, name_en=name_en, sort_order=order)
            db.session.add(existing[code])
    db.session.flush()
    return existing


def _add_unions(district: District, streets, industries=(), zones=()) -> tuple[list[Union], list[Station]]:
    unions, stations = [], []
    number = 1
    for kind, names in (("street", streets), ("industry", industries), ("zone", zones)):
        for name in names:
            short = name.removesuffix("工会")
            union_name = name if name.endswith("工会") else f"{name}总工会"
            union = Union(district=district, name=union_name, kind=kind,
                          street=name if kind == "street" else None)
            station = Station(
                district=district, union=union, name=f"{short}工会服务站",
                address=f"北京市{district.name}{short}服务中心{number}号",
                contact_name=_CONTACTS[number % len(_CONTACTS)],
                contact_phone=f"1390110{number:04d}",
                receiving=RECEIVING_PATTERNS[number % len(RECEIVING_PATTERNS)],
                rhythm=[[2, 1], [4, 1]] if number % 5 == 0 else [],
            )
            db.session.add_all([union, station])
            unions.append(union)
            stations.append(station)
            number += 1
    db.session.flush()
    return unions, stations


_CONTACTS = ["刘芳", "陈静", "杨洋", "赵磊", "黄敏", "周杰", "吴霞", "徐强", "孙丽", "马超", "朱红", "胡斌"]

_USERS = [
    # username, name, role, district
    ("admin", "市总工会管理员", Role.ADMIN, None),
    ("chaoyang", "朝阳区权益部 李明", Role.COORDINATOR, "chaoyang"),
    ("xicheng", "西城区权益部 王芳", Role.COORDINATOR, "xicheng"),
    ("haidian", "海淀区权益部 张强", Role.COORDINATOR, "haidian"),
    ("lawyer.wang", "王律师", Role.LAWYER, "chaoyang"),
    ("trainee.li", "李晓红", Role.TRAINEE, "chaoyang"),
    ("instructor.zhao", "赵建国", Role.INSTRUCTOR, "chaoyang"),
]


def load_demo() -> DemoContext:
    districts = ensure_districts()
    users = {}
    for username, name, role, district in _USERS:
        user = User(username=username, display_name=name, role=role,
                    district_id=districts[district].id if district else None)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users[username] = user
    ctx = DemoContext(districts=districts, users=users)
    for code, streets, industries, zones in (
        ("chaoyang", CHAOYANG_STREETS, CHAOYANG_INDUSTRIES, CHAOYANG_ZONES),
        ("xicheng", XICHENG_STREETS, (), ()),
        ("haidian", HAIDIAN_STREETS, (), ()),
    ):
        ctx.unions[code], ctx.stations[code] = _add_unions(districts[code], streets, industries, zones)
    db.session.flush()
    for module in area_modules("demo", ("workdays", "visits", "rotation", "instructors", "calendars", "jobs")):
        module.load(ctx)
        db.session.flush()
    return ctx
