"""What the records' pages and endpoints read: a lawyer's visits of the day, a visit's consultations, the visits
with their records for an export."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.visits.models import Consultation, Lawyer, Visit


def todays_visits(lawyer: Lawyer, today: date) -> list[Visit]:
    return list(db.session.scalars(select(Visit).where(Visit.lawyer_id == lawyer.id, Visit.day == today,
                                                       Visit.status != "cancelled")
                                   .options(selectinload(Visit.station), selectinload(Visit.consultations))
                                   .order_by(Visit.half)))


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
