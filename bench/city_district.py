"""A district with a month of recorded visits, of any size, for the page benchmark and the query-count test.

``populate(district, stations=520, firms=80, lawyers=200, month=(2026, 11))`` is the city at ten times a district
(bench/gen.py's proportions): unions of four stations, firms with their contracts, lawyers, every station
visited twice in the month on working days (mornings and afternoons), and the visits recorded as the work goes —
most delivered with check-in/out times and one to three consultations, some missed with a reason, some past and
unrecorded, a few without check-out. Rows are written with the app's models directly (no planner run): what
matters here is the size and the shape of what the pages read. Seeded: the same arguments give the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from trainer.auth.models import Role, User
from trainer.core.clock import LOCAL_TZ
from trainer.core.extensions import db
from trainer.core.months import month_bounds
from trainer.org.models import District, Station, Union
from trainer.visits.models import CATEGORIES, Assignment, Consultation, Contract, Firm, Lawyer, Visit
from trainer.workdays.service import working_days_set

PASSWORD = "bench-pages-123"
STREETS = ["朝外", "劲松", "建外", "呼家楼", "八里庄", "三里屯", "团结湖", "六里屯", "麦子店", "左家庄", "香河园",
           "和平街", "安贞", "亚运村", "小关", "望京"]


@dataclass
class Populated:
    coordinator: User
    busiest_firm: Firm
    firms: int
    visits: int
    consultations: int


def _moment(day: date, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(UTC)


def populate(district: District, *, stations: int = 520, firms: int = 80, lawyers: int = 200,
             month: tuple[int, int] = (2026, 11), seed: int = 16, coordinator: str = "coord.city",
             assign: bool = False) -> Populated:
    """Write the district's programme and month (flushes; the caller commits). ``assign``: every station also
    gets its firm's lead and backup lawyer (一站一家一律师) from the month's start, so the district can be planned."""
    rng = random.Random(seed)
    first, last = month_bounds(month)
    working = sorted(working_days_set(first, last, allow_provisional=True))
    user = User(username=coordinator, display_name="刘洋", role=Role.COORDINATOR, district_id=district.id)
    user.set_password(PASSWORD)
    db.session.add(user)

    unions = [Union(district_id=district.id, name=f"{district.name}第{n + 1}街道总工会", kind="street",
                    street=f"{STREETS[n % len(STREETS)]}街道") for n in range((stations + 3) // 4)]
    db.session.add_all(unions)
    db.session.flush()
    station_rows = [Station(district_id=district.id, union_id=unions[n // 4].id,
                            name=f"{STREETS[n % len(STREETS)]}第{n + 1}工会服务站",
                            address=f"北京市{district.name}{STREETS[n % len(STREETS)]}路{n + 1}号，二层",
                            contact_name="联系人", contact_phone=f"139{n:08d}", receiving=["1:am", "3:pm"])
                    for n in range(stations)]
    firm_rows = [Firm(district_id=district.id, name=f"北京市第{n + 1}测试律师事务所", contact_name="主任",
                      contact_phone=f"010-{n:08d}") for n in range(firms)]
    db.session.add_all(station_rows + firm_rows)
    db.session.flush()
    per_firm = [[] for _ in firm_rows]
    for n in range(stations):
        per_firm[n % firms].append(station_rows[n])
    db.session.add_all(Contract(firm_id=firm.id, district_id=district.id, start=date(first.year, 1, 1),
                                end=date(first.year + 1, 12, 31), stations_covered=len(per_firm[n]),
                                visits_per_station_month=2, hours_per_visit=3, reference=f"HT-{n + 1:04d}")
                       for n, firm in enumerate(firm_rows))
    lawyer_rows = [Lawyer(firm_id=firm_rows[n % firms].id, district_id=district.id, name=f"律师{n + 1:03d}",
                          phone=f"137{n:08d}") for n in range(lawyers)]
    db.session.add_all(lawyer_rows)
    db.session.flush()
    firm_lawyers = [[lw for lw in lawyer_rows if lw.firm_id == firm.id] for firm in firm_rows]

    if assign:
        db.session.add_all(Assignment(district_id=district.id, station_id=station.id, firm_id=firm.id,
                                      lead_lawyer_id=firm_lawyers[n][k % len(firm_lawyers[n])].id,
                                      backup_lawyer_id=(firm_lawyers[n][(k + 1) % len(firm_lawyers[n])].id
                                                        if len(firm_lawyers[n]) > 1 else None), start=first)
                           for n, firm in enumerate(firm_rows) for k, station in enumerate(per_firm[n]))

    visits = []
    for n, firm in enumerate(firm_rows):
        for station in per_firm[n]:
            for visit_no in range(2):
                day = working[min(len(working) - 1, (station.id * 3 + visit_no * 10) % len(working))]
                half = "am" if visit_no == 0 else "pm"
                lawyer = firm_lawyers[n][(station.id + visit_no) % len(firm_lawyers[n])]
                visits.append(Visit(district_id=district.id, station_id=station.id, lawyer_id=lawyer.id,
                                    firm_id=firm.id, day=day, half=half, status="planned"))
    db.session.add_all(visits)
    db.session.flush()

    consultations = 0
    for visit in visits:
        roll = rng.random()
        start, end = ("09:00", "12:00") if visit.half == "am" else ("14:00", "17:00")
        if roll < 0.78:
            visit.status = "delivered"
            visit.checked_in_at = _moment(visit.day, start) + timedelta(minutes=rng.randint(-10, 15))
            if roll > 0.03:
                visit.checked_out_at = _moment(visit.day, end) + timedelta(minutes=rng.randint(-40, 20))
            visit.recorded_at = visit.checked_in_at
            for _ in range(rng.randint(1, 3)):
                consultations += 1
                db.session.add(Consultation(
                    visit_id=visit.id, district_id=district.id, asker_type=rng.choice(("enterprise", "worker")),
                    people_count=rng.randint(1, 4), channel="on_site", category=rng.choice(CATEGORIES),
                    question="咨询加班费和调休的计算方法。", advice="建议保留考勤记录，先与单位协商。",
                    referral=rng.choice(("none", "none", "none", "mediation", "arbitration")),
                    follow_up=rng.random() < 0.2))
        elif roll < 0.88:
            visit.status = "missed"
            visit.missed_reason = rng.choice(("lawyer_ill", "station_closed", "emergency"))
    db.session.flush()
    counts: dict[int, int] = {}
    for visit in visits:
        counts[visit.firm_id] = counts.get(visit.firm_id, 0) + 1
    busiest = max(firm_rows, key=lambda firm: (counts.get(firm.id, 0), -firm.id))
    return Populated(user, busiest, len(firm_rows), len(visits), consultations)
