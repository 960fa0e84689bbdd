"""What the engagement pages and API read: the engagement lists and the instructors offered in the form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from trainer.api.helpers import district_filter
from trainer.api.schemas import paginate
from trainer.core.extensions import db
from trainer.core.names import pinyin_order
from trainer.instructors.access import is_staff, own_engagements
from trainer.instructors.labels import instructor_label
from trainer.instructors.models import STAGES, Engagement, Instructor, Tier
from trainer.org.models import District


def engagements_page(*, district: District | None, stage: str):
    """Staff: the engagements of the district the page works on; an instructor: those they are assigned to."""
    stmt = select(Engagement).options(selectinload(Engagement.instructors), selectinload(Engagement.district))
    stmt = stmt.where(Engagement.district_id == district.id) if is_staff() else own_engagements(stmt)
    if stage in STAGES:
        stmt = stmt.where(Engagement.stage == stage)
    stmt = stmt.order_by(Engagement.request_sent_on.desc(), Engagement.id.desc())
    return db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)


def api_engagements(args: dict):
    """One page of the API's list. Staff: their district's (the admin: all, or one by its code); an instructor:
    those they are assigned to."""
    stmt = select(Engagement).order_by(Engagement.id)
    stmt = district_filter(stmt, Engagement.district_id, args.get("district")) if is_staff() else own_engagements(stmt)
    return paginate(stmt, args)


def instructor_choices(district: District) -> list[tuple[int, str]]:
    """Serving instructors of the district and of the city, to be assigned."""
    people = db.session.scalars(select(Instructor).where(
        or_(Instructor.district_id == district.id, Instructor.tier == Tier.CITY_FULL),
        Instructor.status == "active").options(selectinload(Instructor.district))
        .order_by(Instructor.tier, *pinyin_order(Instructor)))
    return [(p.id, instructor_label(p)) for p in people]


@dataclass(frozen=True)
class Overdue:
    engagement: Engagement
    what: str  # "reply" | "filing"
    days: int  # days past the deadline


def overdue(engagement: Engagement, today: date) -> Overdue | None:
    """The engagement's pending deadline that has passed (the reply first), or None."""
    if engagement.reply_pending and engagement.reply_due < today:
        return Overdue(engagement, "reply", (today - engagement.reply_due).days)
    if engagement.filing_pending and engagement.filing_due and engagement.filing_due < today:
        return Overdue(engagement, "filing", (today - engagement.filing_due).days)
    return None


def overdue_engagements(district_id: int, today: date) -> list[Overdue]:
    """The district's engagements past a deadline, the longest overdue first."""
    engagements = db.session.scalars(select(Engagement).where(Engagement.district_id == district_id)
                                     .options(selectinload(Engagement.instructors)))
    found = [o for e in engagements if (o := overdue(e, today)) is not None]
    return sorted(found, key=lambda o: (-o.days, o.engagement.id))
