"""What the setup's pages and endpoints read: a district's firms, lawyers and stations (for lists and choices),
what a lawyer does (stations, visits, leave), and the lists the API pages through."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.api.helpers import district_filter
from trainer.api.schemas import paginate
from trainer.auth.models import Role, User
from trainer.core.extensions import db
from trainer.core.names import name_matches, pinyin_order
from trainer.org.models import Station
from trainer.visits.models import Assignment, Firm, Lawyer, LawyerLeave, Visit

UPCOMING_VISITS = 40
PAST_VISITS = 20


# ------------------------------------------------------------------------------------ a district's records

def district_firms(district_id: int, *, active_only: bool = False) -> list[Firm]:
    stmt = select(Firm).where(Firm.district_id == district_id).order_by(*pinyin_order(Firm))
    if active_only:
        stmt = stmt.where(Firm.active)
    return list(db.session.scalars(stmt))


def district_lawyers(district_id: int) -> list[Lawyer]:
    return list(db.session.scalars(select(Lawyer).where(Lawyer.district_id == district_id).order_by(*pinyin_order(Lawyer))))


def active_lawyers(district_id: int) -> list[Lawyer]:
    """The district's active lawyers with their firm, firm by firm (for choosing one)."""
    return list(db.session.scalars(select(Lawyer).where(Lawyer.district_id == district_id, Lawyer.active)
                                   .options(selectinload(Lawyer.firm)).order_by(Lawyer.firm_id, *pinyin_order(Lawyer))))


def district_stations(district_id: int, *, active_only: bool = False) -> list[Station]:
    stmt = select(Station).where(Station.district_id == district_id).order_by(*pinyin_order(Station))
    if active_only:
        stmt = stmt.where(Station.active).options(selectinload(Station.union))
    return list(db.session.scalars(stmt))


def district_choices(district_id: int) -> dict[str, list]:
    """The ids and names of the district's firms, lawyers and stations, ordered as the lists above: the filters
    of the month calendar (a city-size district has 800 of them: rows, not ORM objects)."""
    def rows(model) -> list:
        return list(db.session.execute(select(model.id, model.name).where(model.district_id == district_id)
                                       .order_by(model.name)))

    return {"firms": rows(Firm), "lawyers": rows(Lawyer), "stations": rows(Station)}


def active_lawyer_counts(district_id: int) -> dict[int, int]:
    """Active lawyers per firm."""
    return dict(db.session.execute(select(Lawyer.firm_id, func.count()).where(
        Lawyer.district_id == district_id, Lawyer.active).group_by(Lawyer.firm_id)).all())


def current_assignments(district_id: int) -> dict[int, Assignment]:
    """The district's active assignments by station."""
    return {a.station_id: a for a in db.session.scalars(select(Assignment).where(
        Assignment.district_id == district_id, Assignment.active).options(
        selectinload(Assignment.firm), selectinload(Assignment.lead), selectinload(Assignment.backup)))}


# ---------------------------------------------------------------------------------------------------- lawyers

def lawyer_search(district_id: int, query: str):
    """The lawyers page: the district's lawyers, firm by firm, whose name or phone holds ``query``.
    A select() for ``db.paginate``."""
    stmt = (select(Lawyer).join(Lawyer.firm).where(Lawyer.district_id == district_id)
            .options(selectinload(Lawyer.firm))
            .order_by(*pinyin_order(Firm), *pinyin_order(Lawyer)))
    if query:
        stmt = stmt.where(name_matches(Lawyer, query) | Lawyer.phone.contains(query, autoescape=True))
    return stmt


@dataclass
class LawyerRoles:
    leads: Counter
    backups: Counter
    on_leave: set[int]


def lawyer_roles(lawyer_ids: list[int], today: date) -> LawyerRoles:
    """How many stations each lawyer leads and backs up, and who is on leave today."""
    if not lawyer_ids:
        return LawyerRoles(Counter(), Counter(), set())
    leads = Counter(db.session.scalars(select(Assignment.lead_lawyer_id).where(
        Assignment.active, Assignment.lead_lawyer_id.in_(lawyer_ids))))
    backups = Counter(db.session.scalars(select(Assignment.backup_lawyer_id).where(
        Assignment.active, Assignment.backup_lawyer_id.in_(lawyer_ids))))
    on_leave = set(db.session.scalars(select(LawyerLeave.lawyer_id).where(
        LawyerLeave.lawyer_id.in_(lawyer_ids), LawyerLeave.start <= today, LawyerLeave.end >= today)))
    return LawyerRoles(leads, backups, on_leave)


def free_lawyer_accounts(lawyer: Lawyer | None) -> list[User]:
    """Active login accounts with the lawyer role that no other lawyer record uses yet."""
    linked = set(db.session.scalars(select(Lawyer.user_id).where(Lawyer.user_id.is_not(None))))
    users = db.session.scalars(select(User).where(User.role == Role.LAWYER, User.active).order_by(User.username))
    return [u for u in users if u.id not in linked or (lawyer is not None and u.id == lawyer.user_id)]


def lawyer_overview(lawyer: Lawyer, today: date) -> dict:
    """A lawyer's stations, coming and past visits and leave (the lawyer's page, the lawyer's own page)."""
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.active, (Assignment.lead_lawyer_id == lawyer.id) | (Assignment.backup_lawyer_id == lawyer.id))
        .options(selectinload(Assignment.station), selectinload(Assignment.lead), selectinload(Assignment.backup))
    ).all()
    upcoming = db.session.scalars(select(Visit).where(
        Visit.lawyer_id == lawyer.id, Visit.day >= today, Visit.status != "cancelled")
        .options(selectinload(Visit.station)).order_by(Visit.day, Visit.half).limit(UPCOMING_VISITS)).all()
    past = db.session.scalars(select(Visit).where(
        Visit.lawyer_id == lawyer.id, Visit.day < today, Visit.status != "cancelled")
        .options(selectinload(Visit.station), selectinload(Visit.consultations))
        .order_by(Visit.day.desc()).limit(PAST_VISITS)).all()
    return {"assignments": assignments, "upcoming": upcoming, "past": past, "leave": lawyer.leave}


# ------------------------------------------------------------------------------------------- the API's lists
# Each answers one page of the caller's district (the admin: every district, or the one named by its code) as
# (items, status, headers) for the endpoint to return.

def firm_page(args: dict):
    return paginate(district_filter(select(Firm).options(selectinload(Firm.contracts)).order_by(Firm.id),
                                           Firm.district_id, args.get("district")), args)


def lawyer_page(args: dict):
    return paginate(district_filter(select(Lawyer).options(selectinload(Lawyer.allowed)).order_by(Lawyer.id),
                                           Lawyer.district_id, args.get("district")), args)


def assignment_page(args: dict):
    return paginate(district_filter(select(Assignment).where(Assignment.active)
                                           .order_by(Assignment.station_id), Assignment.district_id,
                                           args.get("district")), args)
