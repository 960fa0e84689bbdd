"""What the duty roster's pages and endpoints read: a district's duty periods, a lawyer's coming shifts."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.api.helpers import district_filter
from trainer.api.schemas import paginate
from trainer.core.extensions import db
from trainer.visits.models import DutyPeriod, DutyShift, Lawyer

MY_SHIFTS = 30


def district_periods(district_id: int) -> list[DutyPeriod]:
    return list(db.session.scalars(select(DutyPeriod).where(DutyPeriod.district_id == district_id)
                                   .options(selectinload(DutyPeriod.lawyers))
                                   .order_by(DutyPeriod.first_day.desc())))


def period_page(args: dict):
    """The API's list: one page of the caller's district's periods, the latest first."""
    return paginate(district_filter(select(DutyPeriod).options(selectinload(DutyPeriod.lawyers))
                                           .order_by(DutyPeriod.first_day.desc(), DutyPeriod.id),
                                           DutyPeriod.district_id, args.get("district")), args)


def shifts_of(lawyer: Lawyer, today: date) -> list[DutyShift]:
    """The lawyer's planned shifts from yesterday on (a night shift may have begun yesterday)."""
    return list(db.session.scalars(select(DutyShift).where(
        DutyShift.lawyer_id == lawyer.id, DutyShift.status == "planned", DutyShift.day >= today - timedelta(days=1))
        .options(selectinload(DutyShift.period)).order_by(DutyShift.day, DutyShift.shift_code).limit(MY_SHIFTS)))
