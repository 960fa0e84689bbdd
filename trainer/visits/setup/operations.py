"""Firms, their contracts, lawyers and station assignments (一站一家一律师): create and change them.
Callers commit; a refusal is an ``InvalidInput`` naming every bad field."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role, User
from trainer.core.clock import today_local
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.core.validation import InvalidInput
from trainer.org.models import Station
from trainer.visits.models import Assignment, Contract, Firm, Lawyer, LawyerStation

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,20}$")


# --------------------------------------------------------------------------------------------------- firms

def save_firm(firm: Firm | None, *, district_id: int, name: str, contact_name: str | None = None,
              contact_phone: str | None = None, address: str | None = None, active: bool = True,
              version: int | None = None) -> Firm:
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Enter the firm's name.")
    clash = db.session.scalar(select(Firm).where(Firm.district_id == district_id, Firm.name == name))
    if clash is not None and clash is not firm:
        errors["name"] = _("This district already has a firm of that name.")
    if contact_phone and not PHONE_RE.match(contact_phone.strip()):
        errors["contact_phone"] = _("Enter a phone number such as 13800138000 or 010-65001234.")
    if errors:
        raise InvalidInput(errors)
    if firm is None:
        firm = Firm(district_id=district_id)
        db.session.add(firm)
    else:
        check_version(firm, version)
    firm.name = name
    firm.contact_name = (contact_name or "").strip() or None
    firm.contact_phone = (contact_phone or "").strip() or None
    firm.address = (address or "").strip() or None
    firm.active = bool(active)
    db.session.flush()
    return firm


FEE_MAX = 10_000_000  # yuan: a fee per visit or month above this is a typing error


def save_contract(contract: Contract | None, *, firm: Firm, start: date, end: date, stations_covered: int = 0,
                  visits_per_station_month: int = 2, hours_per_visit: float = 3, reference: str | None = None,
                  fee_per_visit: Decimal | float | None = None, fee_per_month: Decimal | float | None = None,
                  version: int | None = None) -> Contract:
    errors = {}
    if start is None:
        errors["start"] = _("Enter the first day of the contract.")
    if end is None:
        errors["end"] = _("Enter the last day of the contract.")
    if start and end and end < start:
        errors["end"] = _("The contract must end after it starts.")
    if not 1 <= int(visits_per_station_month or 0) <= 8:
        errors["visits_per_station_month"] = _("Between 1 and 8 visits per station and month.")
    if not 0.5 <= float(hours_per_visit or 0) <= 12:
        errors["hours_per_visit"] = _("Between 0.5 and 12 hours per visit.")
    if int(stations_covered or 0) < 0:
        errors["stations_covered"] = _("The number of stations cannot be negative.")
    for key, fee in (("fee_per_visit", fee_per_visit), ("fee_per_month", fee_per_month)):
        if fee is not None and not 0 <= Decimal(str(fee)) <= FEE_MAX:
            errors[key] = _("A fee is between 0 and %(max)s yuan.", max=FEE_MAX)
    if not errors:
        for other in firm.contracts:
            if other is not contract and other.start <= end and start <= other.end:
                errors["start"] = _("This firm already has a contract from %(start)s to %(end)s that overlaps.",
                                    start=format_day(other.start), end=format_day(other.end))
    if errors:
        raise InvalidInput(errors)
    if contract is None:
        contract = Contract(firm=firm, district_id=firm.district_id)
        db.session.add(contract)
    else:
        check_version(contract, version)
    contract.start, contract.end = start, end
    contract.stations_covered = int(stations_covered or 0)
    contract.visits_per_station_month = int(visits_per_station_month)
    contract.hours_per_visit = hours_per_visit
    contract.reference = (reference or "").strip() or None
    contract.fee_per_visit = Decimal(str(fee_per_visit)).quantize(Decimal("0.01")) if fee_per_visit is not None else None
    contract.fee_per_month = Decimal(str(fee_per_month)).quantize(Decimal("0.01")) if fee_per_month is not None else None
    db.session.flush()
    return contract


# -------------------------------------------------------------------------------------------------- lawyers

def parse_specialities(text: str | list | None) -> list[str]:
    if isinstance(text, list):
        items = text
    else:
        items = re.split(r"[,，、;；\n]", text or "")
    seen = []
    for item in items:
        item = str(item).strip()
        if item and item not in seen:
            seen.append(item[:30])
    return seen[:12]


def save_lawyer(lawyer: Lawyer | None, *, firm: Firm, name: str, phone: str | None = None,
                specialities: list[str] | str | None = None, office_area: str | None = None,
                station_ids: list[int] | None = None, user_id: int | None = None, active: bool = True,
                version: int | None = None) -> Lawyer:
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = _("Enter the lawyer's name.")
    clash = db.session.scalar(select(Lawyer).where(Lawyer.firm_id == firm.id, Lawyer.name == name))
    if clash is not None and clash is not lawyer:
        errors["name"] = _("This firm already has a lawyer of that name.")
    if phone and not MOBILE_RE.match(phone.strip()):
        errors["phone"] = _("Enter an 11-digit mainland mobile number, e.g. 13800138000.")
    if user_id:
        user = db.session.get(User, user_id)
        if user is None or user.role != Role.LAWYER:
            errors["user_id"] = _("Choose an account with the lawyer role.")
        else:
            linked = db.session.scalar(select(Lawyer).where(Lawyer.user_id == user_id))
            if linked is not None and linked is not lawyer:
                errors["user_id"] = _("This account already belongs to %(name)s.", name=linked.name)
    stations = []
    if station_ids:
        stations = db.session.scalars(select(Station).where(Station.id.in_(station_ids))).all()
        if len(stations) != len(set(station_ids)) or any(s.district_id != firm.district_id for s in stations):
            errors["station_ids"] = _("Choose stations of the firm's district.")
    if errors:
        raise InvalidInput(errors)
    if lawyer is None:
        lawyer = Lawyer(firm=firm, district_id=firm.district_id)
        db.session.add(lawyer)
    else:
        check_version(lawyer, version)
        if lawyer.firm_id != firm.id and _lawyer_has_assignments(lawyer):
            raise InvalidInput({"firm_id": _("The lawyer still serves stations for the current firm; "
                                             "reassign those stations first.")})
        lawyer.firm = firm
    lawyer.name = name
    lawyer.phone = (phone or "").strip() or None
    lawyer.specialities = parse_specialities(specialities)
    lawyer.office_area = (office_area or "").strip() or None
    lawyer.user_id = user_id or None
    lawyer.active = bool(active)
    wanted = {s.id for s in stations}
    lawyer.allowed = [link for link in lawyer.allowed if link.station_id in wanted]
    have = {link.station_id for link in lawyer.allowed}
    for station_id in sorted(wanted - have):
        lawyer.allowed.append(LawyerStation(station_id=station_id))
    db.session.flush()
    return lawyer


def _lawyer_has_assignments(lawyer: Lawyer) -> bool:
    return db.session.scalar(select(func.count()).select_from(Assignment).where(
        Assignment.active, (Assignment.lead_lawyer_id == lawyer.id) | (Assignment.backup_lawyer_id == lawyer.id))) > 0


# ---------------------------------------------------------------------------------------------- assignments

def assign_station(station: Station, *, firm: Firm, lead: Lawyer, backup: Lawyer | None = None,
                   start: date | None = None, version: int | None = None) -> Assignment:
    """Give a station its firm, lead lawyer and backup (一站一家一律师); the previous assignment ends."""
    errors = {}
    if firm.district_id != station.district_id:
        errors["firm_id"] = _("Choose a firm of the station's district.")
    if lead.firm_id != firm.id:
        errors["lead_lawyer_id"] = _("The lead lawyer must work for %(firm)s.", firm=firm.name)
    if backup is not None and backup.firm_id != firm.id:
        errors["backup_lawyer_id"] = _("The backup lawyer must work for the same firm as the lead lawyer.")
    if backup is not None and backup.id == lead.id:
        errors["backup_lawyer_id"] = _("The backup lawyer must be someone other than the lead lawyer.")
    for field_name, lawyer in (("lead_lawyer_id", lead), ("backup_lawyer_id", backup)):
        if lawyer is not None and not lawyer.active:
            errors[field_name] = _("%(name)s is no longer active.", name=lawyer.name)
        elif lawyer is not None and lawyer.allowed and station.id not in lawyer.allowed_station_ids:
            errors[field_name] = _("%(name)s may not serve this station (see the lawyer's stations).",
                                   name=lawyer.name)
    if errors:
        raise InvalidInput(errors)
    start = start or today_local()
    current = current_assignment(station.id)
    if current is not None:
        check_version(current, version)
        if (current.firm_id, current.lead_lawyer_id, current.backup_lawyer_id) == (
                firm.id, lead.id, backup.id if backup else None):
            return current
        current.active = False
        current.end = max(current.start, start - timedelta(days=1))
        db.session.flush()
    assignment = Assignment(district_id=station.district_id, station_id=station.id, firm=firm,
                            lead_lawyer_id=lead.id, backup_lawyer_id=backup.id if backup else None,
                            start=start if current is None or start > current.start else current.start)
    db.session.add(assignment)
    try:
        db.session.flush()
    except IntegrityError:
        # The caller rolls back, as for any refusal.
        raise InvalidInput({"station_id": _("Someone else assigned this station at the same time; "
                                            "reload the page.")}) from None
    return assignment


def end_assignment(assignment: Assignment, *, version: int | None = None) -> None:
    check_version(assignment, version)
    assignment.active = False
    assignment.end = max(assignment.start, today_local())
    db.session.flush()


def current_assignment(station_id: int) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(Assignment.station_id == station_id, Assignment.active)
                             .options(selectinload(Assignment.lead), selectinload(Assignment.backup),
                                      selectinload(Assignment.firm)))
