"""Firms, contracts, lawyers, leave, assignments and visits: create and change them. Callers commit.

Planning itself lives in ``trainer.visits.planner`` (re-exported here as ``plan_range``); the solver in
``trainer.planning.visits``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.models import District, Station
from trainer.visits.messages import half_label, short_day
from trainer.visits.models import (
    HALVES,
    Assignment,
    Contract,
    Firm,
    Lawyer,
    LawyerLeave,
    LawyerStation,
    Visit,
)
from trainer.visits.planner import month_bounds, plan_range  # noqa: F401  (the documented entry point)

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
PHONE_RE = re.compile(r"^[0-9+\-() ]{5,20}$")
MIN_GAP_DAYS = 7


class DoubleBooking(Exception):
    """The database refused a second visit of a lawyer (or station) in one slot."""


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


def save_contract(contract: Contract | None, *, firm: Firm, start: date, end: date, stations_covered: int = 0,
                  visits_per_station_month: int = 2, hours_per_visit: float = 3, reference: str | None = None,
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
    if not errors:
        for other in firm.contracts:
            if other is not contract and other.start <= end and start <= other.end:
                errors["start"] = _("This firm already has a contract from %(start)s to %(end)s that overlaps.",
                                    start=other.start.isoformat(), end=other.end.isoformat())
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
    from trainer.auth.models import Role, User

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
    from trainer.core.clock import today_local

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
        db.session.rollback()
        raise InvalidInput({"station_id": _("Someone else assigned this station at the same time; "
                                            "reload the page.")}) from None
    return assignment


def end_assignment(assignment: Assignment, *, version: int | None = None) -> None:
    from trainer.core.clock import today_local

    check_version(assignment, version)
    assignment.active = False
    assignment.end = max(assignment.start, today_local())
    db.session.flush()


def current_assignment(station_id: int) -> Assignment | None:
    return db.session.scalar(select(Assignment).where(Assignment.station_id == station_id, Assignment.active)
                             .options(selectinload(Assignment.lead), selectinload(Assignment.backup),
                                      selectinload(Assignment.firm)))


# -------------------------------------------------------------------------------------------------- leave

@dataclass
class Proposal:
    """A suggested repair for a visit that a leave breaks."""

    visit: Visit
    kind: str  # backup | other_day | none
    lawyer: Lawyer | None = None
    day: date | None = None
    half: str | None = None
    reason: str = ""


@dataclass
class LeaveImpact:
    leave: LawyerLeave
    broken: list[Visit] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)


def add_leave(lawyer: Lawyer, start: date, end: date, reason: str | None = None, half: str | None = None,
              *, propose: bool = True) -> LeaveImpact:
    """Record leave; return the planned visits it breaks and a proposed replacement for each."""
    errors = {}
    if start is None:
        errors["start"] = _("Enter the first day of leave.")
    if end is None:
        errors["end"] = _("Enter the last day of leave.")
    if start and end and end < start:
        errors["end"] = _("The leave must end on or after its first day.")
    if start and end and (end - start).days > 366:
        errors["end"] = _("Enter leave of at most a year at a time.")
    if half and half not in HALVES:
        errors["half"] = _("Choose morning or afternoon.")
    if half and start and end and start != end:
        errors["half"] = _("A half-day leave is on one day: make the first and last day the same.")
    if errors:
        raise InvalidInput(errors)
    leave = LawyerLeave(lawyer=lawyer, start=start, end=end, half=half or None,
                        reason=(reason or "").strip()[:200] or None)
    db.session.add(leave)
    db.session.flush()
    impact = LeaveImpact(leave=leave)
    impact.broken = broken_by_leave(leave)
    if propose and impact.broken:
        impact.proposals = propose_replacements(impact.broken)
    return impact


def broken_by_leave(leave: LawyerLeave) -> list[Visit]:
    rows = db.session.scalars(select(Visit).where(
        Visit.lawyer_id == leave.lawyer_id, Visit.status == "planned", Visit.day >= leave.start,
        Visit.day <= leave.end).options(selectinload(Visit.station)).order_by(Visit.day, Visit.half)).all()
    return [v for v in rows if leave.covers(v.day, v.half)]


def delete_leave(leave: LawyerLeave) -> None:
    db.session.delete(leave)
    db.session.flush()


def _on_leave(lawyer_id: int, day: date, half: str) -> LawyerLeave | None:
    rows = db.session.scalars(select(LawyerLeave).where(
        LawyerLeave.lawyer_id == lawyer_id, LawyerLeave.start <= day, LawyerLeave.end >= day))
    for leave in rows:
        if leave.covers(day, half):
            return leave
    return None


def _busy(lawyer_id: int, day: date, half: str, ignore: set[int]) -> Visit | None:
    return db.session.scalar(select(Visit).where(
        Visit.lawyer_id == lawyer_id, Visit.day == day, Visit.half == half, Visit.status != "cancelled",
        Visit.id.not_in(ignore or {0})).limit(1))


def propose_replacements(broken: list[Visit]) -> list[Proposal]:
    """The backup lawyer in the same slot when free; else another day found by re-planning just those visits."""
    from trainer.planning.visits import plan_visits
    from trainer.visits.planner import load_request

    proposals: list[Proposal] = []
    need_other_day: list[Visit] = []
    taken: set[tuple[int, date, str]] = set()
    for visit in broken:
        assignment = current_assignment(visit.station_id)
        other = None
        if assignment is not None:
            candidates = [assignment.lead, assignment.backup]
            other = next((lw for lw in candidates if lw is not None and lw.id != visit.lawyer_id and lw.active), None)
        if other is not None and _on_leave(other.id, visit.day, visit.half) is None \
                and _busy(other.id, visit.day, visit.half, {visit.id}) is None \
                and (other.id, visit.day, visit.half) not in taken:
            taken.add((other.id, visit.day, visit.half))
            proposals.append(Proposal(visit, "backup", other, visit.day, visit.half,
                                      _("%(name)s of the same firm is free in this slot.", name=other.name)))
        else:
            need_other_day.append(visit)
    if not need_other_day:
        return proposals
    # Re-plan only the broken visits' station-months, everything else held in place.
    months = sorted({(v.day.year, v.day.month) for v in need_other_day})
    station_ids = {v.station_id for v in need_other_day}
    district = db.session.get(District, need_other_day[0].district_id)
    broken_ids = {v.id for v in need_other_day}
    try:
        loaded = load_request(district, [months[0]] if len(months) == 1 else _span(months), mode="replan",
                              allow_provisional=True, time_limit_s=3.0, station_ids=station_ids)
    except InvalidInput:
        loaded = None
    found: dict[int, object] = {}
    if loaded is not None:
        from dataclasses import replace

        request = loaded.request
        existing = tuple(replace(f, pinned=f.pinned or f.visit_id not in broken_ids) for f in request.existing)
        result = plan_visits(replace(request, existing=existing))
        for planned in result.visits:
            if planned.visit_id in broken_ids:
                found[planned.visit_id] = planned
    lawyers = {}
    for visit in need_other_day:
        planned = found.get(visit.id)
        if planned is None:
            proposals.append(Proposal(visit, "none", reason=_(
                "No free lawyer and day was found in this month; move it by hand or cancel it.")))
            continue
        lawyer = lawyers.get(planned.lawyer_id) or db.session.get(Lawyer, planned.lawyer_id)
        lawyers[planned.lawyer_id] = lawyer
        proposals.append(Proposal(visit, "other_day", lawyer, planned.slot.day, planned.slot.half,
                                  _("Another receiving working day of the station with %(name)s.", name=lawyer.name)))
    proposals.sort(key=lambda p: (p.visit.day, p.visit.half))
    return proposals


def _span(months):
    first, last = months[0], months[-1]
    out, current = [], first
    while current <= last:
        out.append(current)
        current = (current[0] + 1, 1) if current[1] == 12 else (current[0], current[1] + 1)
    return out


# -------------------------------------------------------------------------------------------------- visits

def visit_conflicts(visit: Visit, *, lawyer_id: int, day: date, half: str, ignore: set[int] | None = None,
                    ) -> list[str]:
    """Every reason a visit cannot be at (lawyer, day, half), in words. Empty: it can."""
    from trainer.visits.calendar import is_working_day

    ignore = set(ignore or ()) | {visit.id}
    station = visit.station
    reasons = []
    slot_words = f"{short_day(day)} {half_label(half)}"
    if half not in HALVES:
        return [_("Choose morning or afternoon.")]
    if (day.year, day.month) != (visit.day.year, visit.day.month):
        reasons.append(_("A visit stays in its month (the contract counts visits per month); "
                         "move it to another day of %(month)s.", month=f"{visit.day.year}-{visit.day.month:02d}"))
    working = is_working_day(day)
    if working is False:
        reasons.append(_("%(day)s is not an official working day.", day=short_day(day)))
    if (day.weekday(), half) not in station.receiving_pairs():
        reasons.append(_("%(station)s does not receive visitors on %(slot)s.", station=station.name, slot=slot_words))
    lawyer = db.session.get(Lawyer, lawyer_id)
    if lawyer is None:
        return [_("No such lawyer.")]
    assignment = current_assignment(visit.station_id)
    if assignment is not None and lawyer_id not in (assignment.lead_lawyer_id, assignment.backup_lawyer_id):
        reasons.append(_("%(name)s is neither the lead nor the backup lawyer of this station.", name=lawyer.name))
    leave = _on_leave(lawyer_id, day, half)
    if leave is not None:
        reasons.append(_("%(name)s is on leave from %(start)s to %(end)s.", name=lawyer.name,
                         start=short_day(leave.start), end=short_day(leave.end)))
    busy = _busy(lawyer_id, day, half, ignore)
    if busy is not None:
        reasons.append(_("%(name)s already visits %(station)s on %(slot)s.", name=lawyer.name,
                         station=busy.station.name, slot=slot_words))
    other_here = db.session.scalar(select(Visit).where(
        Visit.station_id == visit.station_id, Visit.day == day, Visit.half == half, Visit.status != "cancelled",
        Visit.id.not_in(ignore)).limit(1))
    if other_here is not None:
        reasons.append(_("%(station)s already has a visit on %(slot)s.", station=station.name, slot=slot_words))
    neighbours = db.session.scalars(select(Visit).where(
        Visit.station_id == visit.station_id, Visit.status != "cancelled", Visit.id.not_in(ignore),
        Visit.day > day - timedelta(days=MIN_GAP_DAYS), Visit.day < day + timedelta(days=MIN_GAP_DAYS))).all()
    for other in neighbours:
        reasons.append(_("Only %(n)s days from the visit on %(day)s; two visits of a station are at least "
                         "%(min)s days apart.", n=abs((other.day - day).days), day=short_day(other.day),
                         min=MIN_GAP_DAYS))
    return reasons


def _flush_or_double_booking() -> None:
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise DoubleBooking(str(error.orig)) from None


def move_visit(visit: Visit, *, day: date, half: str, lawyer_id: int | None = None, version: int | None = None,
               pin: bool = True) -> Visit:
    """Move a visit by hand; refused with every reason when it breaks a rule. A moved visit is pinned."""
    check_version(visit, version)
    if visit.status != "planned":
        raise InvalidInput({"day": _("Only planned visits can be moved.")})
    lawyer_id = lawyer_id or visit.lawyer_id
    if (lawyer_id, day, half) == (visit.lawyer_id, visit.day, visit.half):
        if pin and not visit.pinned:
            visit.pinned = True
            db.session.flush()
        return visit
    reasons = visit_conflicts(visit, lawyer_id=lawyer_id, day=day, half=half)
    if reasons:
        raise InvalidInput({"day": " ".join(reasons)})
    lawyer = db.session.get(Lawyer, lawyer_id)
    assignment = current_assignment(visit.station_id)
    visit.lawyer_id, visit.firm_id, visit.day, visit.half = lawyer.id, lawyer.firm_id, day, half
    visit.by_backup = assignment is not None and lawyer.id == assignment.backup_lawyer_id
    visit.pinned = pin or visit.pinned
    from trainer.visits.calendar import is_working_day

    visit.provisional = is_working_day(day) is None
    visit.touch()
    _flush_or_double_booking()
    return visit


def swap_visits(first: Visit, second: Visit, *, first_version: int | None = None,
                second_version: int | None = None) -> None:
    """Exchange the days of two visits (each keeps its station and lawyer); both end pinned."""
    from trainer.visits.planner import apply_moves

    check_version(first, first_version)
    check_version(second, second_version)
    if first.id == second.id:
        raise InvalidInput({"other_id": _("Choose another visit to swap with.")})
    if first.status != "planned" or second.status != "planned":
        raise InvalidInput({"other_id": _("Only planned visits can be swapped.")})
    ignore = {first.id, second.id}
    reasons = [f"{first.station.name}: {r}" for r in visit_conflicts(
        first, lawyer_id=first.lawyer_id, day=second.day, half=second.half, ignore=ignore)]
    reasons += [f"{second.station.name}: {r}" for r in visit_conflicts(
        second, lawyer_id=second.lawyer_id, day=first.day, half=first.half, ignore=ignore)]
    if first.station_id == second.station_id:
        reasons = []  # the same station's two visits trade places: nothing changes for the rules
    if reasons:
        raise InvalidInput({"other_id": " ".join(reasons)})
    moves = {first: (first.lawyer_id, second.day, second.half), second: (second.lawyer_id, first.day, first.half)}
    for visit in (first, second):
        visit.pinned = True
        visit.touch()
    try:
        apply_moves(moves, [first, second])
    except IntegrityError:
        db.session.rollback()
        raise DoubleBooking("swap") from None


def set_pinned(visit: Visit, pinned: bool, *, version: int | None = None) -> None:
    check_version(visit, version)
    visit.pinned = bool(pinned)
    db.session.flush()


def cancel_visit(visit: Visit, *, version: int | None = None, note: str | None = None) -> None:
    check_version(visit, version)
    if visit.status != "planned":
        raise InvalidInput({"status": _("Only planned visits can be cancelled.")})
    visit.status = "cancelled"
    visit.pinned = False
    if note:
        visit.note = note.strip()[:500]
    visit.touch()
    db.session.flush()


def apply_proposal(visit: Visit, *, lawyer_id: int, day: date, half: str, version: int | None = None) -> Visit:
    return move_visit(visit, day=day, half=half, lawyer_id=lawyer_id, version=version, pin=False)


def check_visits(district: District, first: date, last: date):
    """Hard-rule violations of the stored visits between first and last (the solver's own validator)."""
    from trainer.planning.visits import PlannedVisit, Slot, check_plan
    from trainer.visits.planner import load_request, month_range

    months = month_range((first.year, first.month), (last.year, last.month))
    loaded = load_request(district, months, allow_provisional=True, time_limit_s=0)
    in_plan = [v for v in loaded.visits.values() if v.station_id in loaded.assignments
               and month_bounds(months[0])[0] <= v.day <= month_bounds(months[-1])[1]]
    planned = [PlannedVisit(v.station_id, v.lawyer_id, Slot(v.day, v.half), v.by_backup, v.id, v.pinned)
               for v in in_plan]
    from dataclasses import replace

    request = replace(loaded.request, existing=tuple(f for f in loaded.request.existing
                                                     if f.visit_id not in {v.id for v in in_plan}))
    problems = check_plan(request, planned)
    # by_backup is a label, not a rule: a visit by the backup counts as right whatever the flag says.
    out = []
    for problem in problems:
        if problem.rule == "wrong_lawyer":
            station = loaded.assignments.get(problem.station_ids[0])
            if station and problem.lawyer_ids and problem.lawyer_ids[0] in (station.lead_lawyer_id,
                                                                            station.backup_lawyer_id):
                continue
        out.append(problem)
    return out, loaded
