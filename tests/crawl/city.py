"""A district of city size for the long crawl: bench/gen.py's city, a district at ten times its size (520
stations, 80 firms, 200 lawyers with their leave and court half-days, every station's lead and backup), put
into Tongzhou through the app's own operations, with a month planned by the app's planner, a telephone duty
period and a coordinator and a lawyer who log in there."""

from __future__ import annotations

from datetime import date, timedelta

from bench import gen
from trainer.auth.models import Role, User
from trainer.core.extensions import db
from trainer.org import operations as org
from trainer.org.demo import DEMO_PASSWORD
from trainer.org.models import District
from trainer.visits.duty import operations as duty
from trainer.visits.plan.planner import plan_range
from trainer.visits.setup import operations as setup
from trainer.visits.setup.leave import add_leave
from trainer.workdays.service import working_days_set

CODE = "tongzhou"
YEAR = 2026
PLANNED = "2026-12"
STATIONS_PER_UNION = 4
SCALE = 10  # the city: ten districts' worth in one


def _spells(days) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) spells."""
    spells: list[list[date]] = []
    for day in sorted(days):
        if spells and day - spells[-1][1] == timedelta(days=1):
            spells[-1][1] = day
        else:
            spells.append([day, day])
    return [(first, last) for first, last in spells]


def load_city(*, plan_time_limit_s: float = 20.0) -> dict[str, User]:
    """The generated programme in Tongzhou; answers its two logins, {"coordinator": ..., "lawyer": ...}."""
    district = District.by_code(CODE)
    working = working_days_set(date(YEAR, 1, 1), date(YEAR, 12, 31), allow_provisional=True)
    request = gen.district_visits(YEAR, working, scale=SCALE)
    unions, stations = {}, {}
    for number, spec in enumerate(request.stations):
        union_no = number // STATIONS_PER_UNION + 1
        if union_no not in unions:
            unions[union_no] = org.save_union(None, district_id=district.id, name=f"通州区第{union_no}街道总工会",
                                              kind="street", street=f"第{union_no}街道")
        stations[spec.id] = org.save_station(
            None, union=unions[union_no], name=f"第{union_no}街道第{number % STATIONS_PER_UNION + 1}工会服务站",
            address=f"北京市通州区第{union_no}街道{spec.id}号", receiving=[f"{d}:{h}" for d, h in sorted(spec.receiving)],
            rhythm=[list(pair) for pair in spec.rhythm], contact_name="联系人", contact_phone=f"139{spec.id:08d}")
    firms, lawyers = {}, {}
    for lawyer_spec in request.lawyers:
        if lawyer_spec.firm_id not in firms:
            firm = setup.save_firm(None, district_id=district.id, name=f"通州测试第{lawyer_spec.firm_id}律师事务所")
            covered = sum(1 for s in request.stations if s.firm_id == lawyer_spec.firm_id)
            setup.save_contract(None, firm=firm, start=date(YEAR, 1, 1), end=date(YEAR + 1, 12, 31),
                                stations_covered=covered)
            firms[lawyer_spec.firm_id] = firm
        lawyer = setup.save_lawyer(None, firm=firms[lawyer_spec.firm_id], name=f"律师{lawyer_spec.id:03d}",
                                   phone=f"137{lawyer_spec.id:08d}")
        lawyers[lawyer_spec.id] = lawyer
        for first, last in _spells(lawyer_spec.unavailable_days):
            add_leave(lawyer, first, last, "休假", propose=False)
        for slot in sorted(lawyer_spec.unavailable_slots, key=lambda s: (s.day, s.half)):
            if slot.day not in lawyer_spec.unavailable_days:
                add_leave(lawyer, slot.day, slot.day, "开庭", half=slot.half, propose=False)
    for spec in request.stations:
        setup.assign_station(stations[spec.id], firm=firms[spec.firm_id], lead=lawyers[spec.lead_lawyer_id],
                             backup=lawyers[spec.backup_lawyer_id] if spec.backup_lawyer_id else None, start=date(YEAR, 11, 1))
    db.session.flush()
    plan_range(district, PLANNED, PLANNED, allow_past=True, time_limit_s=plan_time_limit_s)
    period = duty.save_period(None, district_id=district.id, title="通州区24小时法律咨询电话值班",
                              first_day=date(YEAR, 12, 1), last_day=date(YEAR, 12, 28),
                              shifts="00:00-08:00, 08:00-16:00, 16:00-24:00", per_shift=2,
                              lawyer_ids=[lawyers[i].id for i in sorted(lawyers)[:24]], phone="010-12351")
    duty.plan_period(period, time_limit_s=10.0)
    users = {}
    for role, username, name in ((Role.COORDINATOR, "tongzhou", "通州区权益部 刘洋"),
                                 (Role.LAWYER, "lawyer.tongzhou", "律师001")):
        user = User(username=username, display_name=name, role=role, district_id=district.id)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        users[str(role)] = user
    db.session.flush()
    lawyers[min(lawyers)].user_id = users["lawyer"].id
    db.session.flush()
    return users
