"""Who may see which visits record: the loaders pages and API endpoints share (the role check comes first, from
``allow``). Staff see their district's records (the city admin every district's); a lawyer sees only their own
visits, and the stations they serve; to a lawyer another lawyer's visit does not exist (404).

Workers' personal data (a consultation's name and phone) is for the visit's own lawyer, the coordinators of its
district and the city admin: ``may_see_personal``.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from trainer.api.helpers import load_scoped
from trainer.auth.models import Role
from trainer.auth.permissions import can_see_district, check_district
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.models import Station
from trainer.visits.models import (
    Assignment,
    Consultation,
    Contract,
    DutyPeriod,
    Firm,
    Lawyer,
    LawyerLeave,
    PlanRun,
    Visit,
)
from trainer.visits.setup.operations import current_assignment

HIDDEN = "hidden"


# ------------------------------------------------------------------------------------------ who the user is

def lawyer_of(user) -> Lawyer | None:
    """The lawyer record linked to a login account with the lawyer role, if any."""
    if user is None or not getattr(user, "is_authenticated", True) or user.role != Role.LAWYER:
        return None
    return db.session.scalar(select(Lawyer).where(Lawyer.user_id == user.id))


def my_lawyer() -> Lawyer | None:
    return lawyer_of(current_user)


def may_see_personal(user, visit: Visit, *, own_lawyer_id: int | None = None) -> bool:
    """The visit's lawyer, the coordinators of its district and the city admin see workers' names and phones."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.COORDINATOR:
        return user.district_id == visit.district_id
    if user.role == Role.LAWYER:
        if own_lawyer_id is None:
            lawyer = lawyer_of(user)
            own_lawyer_id = lawyer.id if lawyer else None
        return own_lawyer_id is not None and own_lawyer_id == visit.lawyer_id
    return False


# ------------------------------------------------------------------------------- records of the caller's district

def firm(firm_id: int) -> Firm:
    return load_scoped(Firm, firm_id)


def contract(contract_id: int) -> Contract:
    return load_scoped(Contract, contract_id)


def lawyer(lawyer_id: int) -> Lawyer:
    return load_scoped(Lawyer, lawyer_id)


def leave(leave_id: int) -> LawyerLeave:
    return load_scoped(LawyerLeave, leave_id, district_of=lambda row: row.lawyer.district_id)


def station(station_id: int) -> Station:
    return load_scoped(Station, station_id)


def visit(visit_id: int) -> Visit:
    return load_scoped(Visit, visit_id)


def plan_run(run_id: int) -> PlanRun:
    return load_scoped(PlanRun, run_id)


def period(period_id: int) -> DutyPeriod:
    return load_scoped(DutyPeriod, period_id)


def chosen_firm(firm_id: int, field_name: str = "firm_id") -> Firm:
    """A firm named in a request's body: refused beside the field when it does not exist or is another
    district's (the city admin may name any)."""
    row = db.session.get(Firm, firm_id)
    if row is None:
        raise InvalidInput({field_name: _("No such firm.")})
    if not can_see_district(row.district_id):
        raise InvalidInput({field_name: _("Choose a firm of your district.")})
    return row


# ----------------------------------------------------------------------------------- what a lawyer may see too

def own_visit(visit_id: int) -> Visit:
    """A lawyer acts only on their own visits: anything else is 404 (no hint that it exists)."""
    row = db.session.get(Visit, visit_id)
    me = my_lawyer()
    if row is None or me is None or row.lawyer_id != me.id:
        abort(404)
    return row


def readable_visit(visit_id: int) -> Visit:
    """A visit the caller may read: a lawyer their own, staff their district's."""
    if current_user.role == Role.LAWYER:
        return own_visit(visit_id)
    return visit(visit_id)


def readable_period(period_id: int) -> DutyPeriod:
    """A duty period the caller may read: staff their district's, a lawyer one whose roster they are on (the
    link of each duty shift in their calendar); anything else is 404 to a lawyer."""
    if current_user.role != Role.LAWYER:
        return period(period_id)
    row = db.session.get(DutyPeriod, period_id)
    me = my_lawyer()
    if row is None or me is None or me.id not in {lawyer.id for lawyer in row.lawyers}:
        abort(404)
    return row


def consultation(consultation_id: int) -> Consultation:
    """A consultation of a visit the caller may read."""
    row = db.get_or_404(Consultation, consultation_id)
    readable_visit(row.visit_id)
    return row


def station_for_viewer(station_id: int) -> tuple[Station, Assignment | None]:
    """A station and its current assignment: staff of its district, or the lawyer who leads or backs it up."""
    row = db.get_or_404(Station, station_id)
    current = current_assignment(row.id)
    if current_user.role == Role.LAWYER:
        me = my_lawyer()
        if me is None or current is None or me.id not in (current.lead_lawyer_id, current.backup_lawyer_id):
            abort(403)
    else:
        check_district(row.district_id)
    return row, current


def chosen_station(station_id: int, field_name: str = "station_id") -> Station:
    """A station named in a request's body: refused beside the field when it does not exist; 403 when it is
    another district's."""
    row = db.session.get(Station, station_id)
    if row is None:
        raise InvalidInput({field_name: _("No such station.")})
    check_district(row.district_id)
    return row


def chosen_lawyer(lawyer_id: int | None, field_name: str) -> Lawyer | None:
    """A lawyer named in a request's body (None when none is named); refused beside the field when unknown."""
    if not lawyer_id:
        return None
    row = db.session.get(Lawyer, lawyer_id)
    if row is None:
        raise InvalidInput({field_name: _("No such lawyer.")})
    return row
