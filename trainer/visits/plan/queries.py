"""What the plan's pages, endpoints and commands read: a month's visits, the calendar's working days, a visit's
neighbours and swap partners, a station's schedule, the plan runs; and whether a lawyer is free in a slot."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.api.helpers import district_filter
from trainer.api.schemas import paginate
from trainer.core.extensions import db
from trainer.core.i18n import lang
from trainer.core.months import month_bounds, month_of
from trainer.org.models import Station
from trainer.visits.facts import VisitFacts, visit_facts
from trainer.visits.models import Assignment, Lawyer, LawyerLeave, PlanRun, Visit
from trainer.workdays import day_info, is_provisional_range, working_days_set

NEIGHBOUR_DAYS = 40


# ------------------------------------------------------------------------------------------ is a lawyer free

def on_leave(lawyer_id: int, day: date, half: str) -> LawyerLeave | None:
    rows = db.session.scalars(select(LawyerLeave).where(
        LawyerLeave.lawyer_id == lawyer_id, LawyerLeave.start <= day, LawyerLeave.end >= day))
    for leave in rows:
        if leave.covers(day, half):
            return leave
    return None


def busy(lawyer_id: int, day: date, half: str, ignore: set[int]) -> Visit | None:
    return db.session.scalar(select(Visit).where(
        Visit.lawyer_id == lawyer_id, Visit.day == day, Visit.half == half, Visit.status != "cancelled",
        Visit.id.not_in(ignore or {0})).limit(1))


# ------------------------------------------------------------------------------------------------ the month

def month_visits(district_id: int, first: date, last: date, *, firm: int | None = None, lawyer: int | None = None,
                 station: int | None = None) -> list[VisitFacts]:
    """The calendar: the district's visits of the days (cancelled ones left out), optionally of one firm,
    lawyer or station — light views with their station and lawyer, in one query (trainer.visits.facts)."""
    where = [Visit.district_id == district_id, Visit.day >= first, Visit.day <= last, Visit.status != "cancelled"]
    if firm:
        where.append(Visit.firm_id == firm)
    if lawyer:
        where.append(Visit.lawyer_id == lawyer)
    if station:
        where.append(Visit.station_id == station)
    return visit_facts(*where)


def calendar_days(first: date, last: date) -> tuple[dict[date, bool], bool]:
    """Working or not, per day (from the provisional calendar where a year is not announced), and whether any
    year of the range is provisional."""
    days = working_days_set(first, last, allow_provisional=True)
    out, current = {}, first
    while current <= last:
        out[current] = current in days
        current += timedelta(days=1)
    return out, is_provisional_range(first, last)


def holiday_names(first: date, last: date) -> dict[date, tuple[str, bool]]:
    """The holidays between first and last: day -> (name in the page's language, estimated: a computed festival
    day of a year not announced yet)."""
    out, current = {}, first
    while current <= last:
        info = day_info(current, allow_provisional=True)
        if info.kind == "holiday":
            out[current] = (info.name_in(lang()) or "", info.estimated)
        current += timedelta(days=1)
    return out


def recent_runs(district_id: int, limit: int = 8) -> list[PlanRun]:
    return list(db.session.scalars(select(PlanRun).where(PlanRun.district_id == district_id)
                                   .order_by(PlanRun.id.desc()).limit(limit)))


# ------------------------------------------------------------------------------------------------ one visit

def swap_partners(visit: Visit, today: date) -> list[Visit]:
    """The planned visits of the same month that share the visit's lawyer, station or firm, in another slot
    (a swap in one slot changes nothing), neither visit put on a day that has passed."""
    if visit.day < today:
        return []
    first, last = month_bounds(month_of(visit.day))
    return list(db.session.scalars(select(Visit).where(
        Visit.district_id == visit.district_id, Visit.day >= max(first, today), Visit.day <= last,
        Visit.status == "planned", Visit.id != visit.id, (Visit.day != visit.day) | (Visit.half != visit.half),
        (Visit.lawyer_id == visit.lawyer_id) | (Visit.station_id == visit.station_id)
        | (Visit.firm_id == visit.firm_id)).options(selectinload(Visit.station), selectinload(Visit.lawyer))
        .order_by(Visit.day, Visit.half)))


def neighbours(visit: Visit) -> list[Visit]:
    """The station's other visits around this one."""
    return list(db.session.scalars(select(Visit).where(
        Visit.station_id == visit.station_id, Visit.id != visit.id, Visit.status != "cancelled",
        Visit.day >= visit.day - timedelta(days=NEIGHBOUR_DAYS), Visit.day <= visit.day + timedelta(days=NEIGHBOUR_DAYS))
        .options(selectinload(Visit.lawyer)).order_by(Visit.day)))


# ---------------------------------------------------------------------------------------------- one station

def station_upcoming(station: Station, today: date, limit: int = 12) -> list[Visit]:
    return list(db.session.scalars(select(Visit).where(Visit.station_id == station.id, Visit.day >= today)
                                   .options(selectinload(Visit.lawyer), selectinload(Visit.consultations))
                                   .order_by(Visit.day, Visit.half).limit(limit)))


def station_history(station: Station, today: date, limit: int = 24) -> list[Visit]:
    return list(db.session.scalars(select(Visit).where(Visit.station_id == station.id, Visit.day < today)
                                   .options(selectinload(Visit.lawyer), selectinload(Visit.consultations))
                                   .order_by(Visit.day.desc()).limit(limit)))


def past_assignments(station: Station) -> list[Assignment]:
    return list(db.session.scalars(select(Assignment).where(
        Assignment.station_id == station.id, Assignment.active.is_(False)).options(
        selectinload(Assignment.firm), selectinload(Assignment.lead)).order_by(Assignment.start.desc())))


def station_month(station: Station, first: date, last: date) -> list[Visit]:
    """The printed door schedule: the station's visits of the days, cancelled ones left out."""
    return list(db.session.scalars(select(Visit).where(
        Visit.station_id == station.id, Visit.day >= first, Visit.day <= last, Visit.status != "cancelled")
        .options(selectinload(Visit.lawyer), selectinload(Visit.firm)).order_by(Visit.day, Visit.half)))


# ------------------------------------------------------------------------------------------------- listings

def visit_page(args: dict, *, own_lawyer: Lawyer | None, as_lawyer: bool):
    """The API's list: one page of a lawyer's own visits, or of the caller's district's; filtered by the query's
    days, station, lawyer, firm and status."""
    stmt = select(Visit).options(selectinload(Visit.station), selectinload(Visit.lawyer)).order_by(
        Visit.day, Visit.half, Visit.id)
    if as_lawyer:
        stmt = stmt.where(Visit.lawyer_id == (own_lawyer.id if own_lawyer else -1))
    else:
        stmt = district_filter(stmt, Visit.district_id, args.get("district"))
    if args.get("from_"):
        stmt = stmt.where(Visit.day >= args["from_"])
    if args.get("to"):
        stmt = stmt.where(Visit.day <= args["to"])
    for key, column in (("station", Visit.station_id), ("lawyer", Visit.lawyer_id), ("firm", Visit.firm_id),
                        ("status", Visit.status)):
        if args.get(key) is not None:
            stmt = stmt.where(column == args[key])
    return paginate(stmt, args)


def listed_visits(district_id: int, first: date, last: date, *, lawyer: str | None = None,
                  station: str | None = None, show_all: bool = False) -> list[Visit]:
    """``flask visits list``: the district's visits of the days, optionally of one lawyer or station (by name)."""
    stmt = (select(Visit).where(Visit.district_id == district_id, Visit.day >= first, Visit.day <= last)
            .options(selectinload(Visit.station), selectinload(Visit.lawyer)).order_by(Visit.day, Visit.half))
    if not show_all:
        stmt = stmt.where(Visit.status != "cancelled")
    if lawyer:
        stmt = stmt.join(Lawyer, Visit.lawyer_id == Lawyer.id).where(Lawyer.name == lawyer)
    if station:
        stmt = stmt.join(Station, Visit.station_id == Station.id).where(Station.name == station)
    return list(db.session.scalars(stmt))
