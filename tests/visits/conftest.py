"""Fixtures for the visits tests: a working-day calendar that knows 2026, and a small district programme."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.clock import TODAY  # noqa: F401 - the visits tests import it from here
from trainer.core.extensions import db
from trainer.org.models import Station, Union
from trainer.visits.models import Visit
from trainer.visits.setup import operations as setup_ops

ALL_WEEK = [f"{d}:{h}" for d in range(5) for h in ("am", "pm")]


def add_visit(programme, station_index: int, lawyer, day: date, half: str = "am", **extra):
    """A pinned planned visit of ``lawyer`` at the programme's station on ``day``."""
    station = programme["stations"][station_index]
    visit = Visit(district_id=station.district_id, station_id=station.id, lawyer_id=lawyer.id,
                  firm_id=lawyer.firm_id, day=day, half=half, status="planned", pinned=True, **extra)
    db.session.add(visit)
    db.session.commit()
    return visit


def lawyer_client(login_as, make_user, lawyer):
    """A test client logged in as the lawyer (a new login linked to the lawyer)."""
    user = make_user("lawyer", "chaoyang")
    setup_ops.save_lawyer(lawyer, firm=lawyer.firm, name=lawyer.name, phone=lawyer.phone, user_id=user.id)
    db.session.commit()
    return login_as(user=user)


def lawyer_headers(make_user, lawyer) -> dict:
    """API headers of a new login linked to the lawyer (a personal API token)."""
    from trainer.auth.operations import create_api_token

    user = make_user("lawyer", "chaoyang")
    setup_ops.save_lawyer(lawyer, firm=lawyer.firm, name=lawyer.name, phone=lawyer.phone, user_id=user.id)
    _row, secret = create_api_token(user, "t")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def gap_sum_and_patterns():
    """Σ|gap − 14| of the stored planned visits and each station's (week of month, weekday) pattern per month."""
    by_station: dict[int, list[date]] = {}
    for visit in db.session.scalars(select(Visit).where(Visit.status == "planned").order_by(Visit.day)):
        by_station.setdefault(visit.station_id, []).append(visit.day)
    total = sum(abs((b - a).days - 14) for days in by_station.values() for a, b in zip(days, days[1:], strict=False))
    patterns = {(station, day.month): [] for station, days in by_station.items() for day in days}
    for station, days in by_station.items():
        for day in days:
            patterns[(station, day.month)].append(((day.day - 1) // 7, day.weekday()))
    return total, patterns


def make_programme(district, *, stations=4, receiving=None, lawyers_per_firm=2, firms=2, prefix=""):
    """A small programme: ``firms`` firms with contracts, lawyers, stations and assignments (lead + backup)."""
    made = {"firms": [], "lawyers": [], "stations": [], "assignments": []}
    for f in range(firms):
        firm = setup_ops.save_firm(None, district_id=district.id, name=f"{prefix}测试律师事务所{f + 1}",
                                    contact_name="张主任", contact_phone="13800000000")
        setup_ops.save_contract(None, firm=firm, start=date(2026, 1, 1), end=date(2027, 12, 31),
                                 stations_covered=stations // firms or 1)
        made["firms"].append(firm)
        for n in range(lawyers_per_firm):
            made["lawyers"].append(setup_ops.save_lawyer(
                None, firm=firm, name=f"{prefix}律师{f + 1}{n + 1}", phone=f"1390000{f:02d}{n:02d}",
                specialities=["劳动争议"]))
    union = Union(district_id=district.id, name=f"{prefix}测试街道总工会", kind="street", street="测试街道")
    db.session.add(union)
    for s in range(stations):
        station = Station(district_id=district.id, union=union, name=f"{prefix}测试服务站{s + 1}",
                          address=f"北京市测试路{s + 1}号", receiving=receiving or ALL_WEEK)
        db.session.add(station)
        db.session.flush()
        made["stations"].append(station)
        firm_index = s % firms
        firm = made["firms"][firm_index]
        firm_lawyers = [lw for lw in made["lawyers"] if lw.firm_id == firm.id]
        lead = firm_lawyers[(s // firms) % len(firm_lawyers)]
        backup = next(lw for lw in firm_lawyers if lw is not lead) if len(firm_lawyers) > 1 else None
        made["assignments"].append(setup_ops.assign_station(station, firm=firm, lead=lead, backup=backup,
                                                             start=date(2026, 11, 1)))
    db.session.commit()
    return made


@pytest.fixture
def programme(districts):
    return make_programme(districts["chaoyang"])
