"""What the records' pages and endpoints read: a lawyer's visits of the day, a visit's consultations, the visits
with their records for an export."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.audit.models import AuditEntry
from trainer.core.extensions import db
from trainer.core.months import month_bounds, month_of, shift_month
from trainer.visits.models import Consultation, Lawyer, Visit


def todays_visits(lawyer: Lawyer, today: date) -> list[Visit]:
    return list(db.session.scalars(select(Visit).where(Visit.lawyer_id == lawyer.id, Visit.day == today,
                                                       Visit.status != "cancelled")
                                   .options(selectinload(Visit.station), selectinload(Visit.consultations))
                                   .order_by(Visit.half)))


def to_record(lawyer: Lawyer, today: date) -> list[Visit]:
    """The lawyer's visits of this month and the last, up to today, still to be recorded: planned (the page keeps
    those whose slot is over) or checked in without check-out. Newest first."""
    first = month_bounds(shift_month(month_of(today), -1))[0]
    return list(db.session.scalars(select(Visit).where(
        Visit.lawyer_id == lawyer.id, Visit.day >= first, Visit.day <= today,
        (Visit.status == "planned") | ((Visit.status == "delivered") & Visit.checked_out_at.is_(None)))
        .options(selectinload(Visit.station)).order_by(Visit.day.desc(), Visit.half)))


def corrections_of(visit: Visit) -> list[AuditEntry]:
    """The changes of the visit made with a reason (a late record, a coordinator's correction), oldest first."""
    return list(db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity_type == "Visit", AuditEntry.entity_id == str(visit.id), AuditEntry.note.is_not(None))
        .order_by(AuditEntry.at, AuditEntry.id)))


def consultations_of(visit: Visit) -> list[Consultation]:
    return list(db.session.scalars(select(Consultation).where(Consultation.visit_id == visit.id)
                                   .order_by(Consultation.id)))


def record_visits(district_id: int | None, first: date, last: date, *, lawyer_id: int | None = None) -> list[Visit]:
    stmt = (select(Visit).where(Visit.day >= first, Visit.day <= last, Visit.status.in_(("delivered", "missed")))
            .options(selectinload(Visit.station), selectinload(Visit.lawyer), selectinload(Visit.firm),
                     selectinload(Visit.consultations)).order_by(Visit.day, Visit.half, Visit.id))
    if district_id is not None:
        stmt = stmt.where(Visit.district_id == district_id)
    if lawyer_id is not None:
        stmt = stmt.where(Visit.lawyer_id == lawyer_id)
    return db.session.scalars(stmt).all()
