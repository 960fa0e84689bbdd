"""What the hierarchy's pages and API read: the instructor lists, the choices offered in its forms, and what is
coming up for one instructor."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.api.schemas import paginate
from trainer.auth.models import Role, User
from trainer.auth.permissions import district_scope
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.names import pinyin_order
from trainer.instructors.access import engagements_of, meetings_of, visible_instructors
from trainer.instructors.labels import STATUS_LABELS, instructor_label
from trainer.instructors.models import TIERS, BargainingSession, Engagement, Instructor, Meeting, Tier
from trainer.org.models import District


def _listed(tier: str | None, status: str | None, district_code: str | None):
    """The instructors the current user sees; the admin may narrow them to one district by its code."""
    scope = district_scope()
    stmt = visible_instructors(select(Instructor), scope)
    if tier in TIERS:
        stmt = stmt.where(Instructor.tier == tier)
    if status in STATUS_LABELS:
        stmt = stmt.where(Instructor.status == status)
    if district_code and scope is None:
        stmt = stmt.where(Instructor.district_id == District.id_of_code(district_code))
    return stmt


def index_page(*, tier: str, status: str, district_code: str):
    """One page of the instructor list, by tier, district and name."""
    stmt = (_listed(tier, status, district_code)
            .options(selectinload(Instructor.guide), selectinload(Instructor.district), selectinload(Instructor.user))
            .order_by(Instructor.tier, Instructor.district_id, *pinyin_order(Instructor)))
    return db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)


def api_listing(args: dict):
    """One page of the API's list (``tier``, ``district`` for the admin)."""
    return paginate(_listed(args.get("tier"), None, args.get("district")).order_by(Instructor.id), args)


def guide_choices() -> list[tuple[int, str]]:
    """Serving instructors who may guide others (city and district full-time) that the current user sees."""
    stmt = (select(Instructor).where(Instructor.tier != Tier.DISTRICT_PART, Instructor.status != "ended")
            .options(selectinload(Instructor.district)).order_by(Instructor.tier, *pinyin_order(Instructor)))
    stmt = visible_instructors(stmt, district_scope())
    return [(0, "—")] + [(p.id, instructor_label(p)) for p in db.session.scalars(stmt)]


def account_choices(instructor: Instructor | None) -> list[tuple[int, str]]:
    """Instructor accounts, and lawyers' (a lawyer who also instructs is one person with one agenda), not yet linked
    to another instructor (a coordinator: of their district)."""
    taken = select(Instructor.user_id).where(Instructor.user_id.is_not(None))
    if instructor is not None and instructor.user_id:
        taken = taken.where(Instructor.user_id != instructor.user_id)
    stmt = select(User).where(User.role.in_((Role.INSTRUCTOR, Role.LAWYER)), User.id.not_in(taken)).order_by(
        User.role, User.username)
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where((User.district_id == scope) | User.district_id.is_(None))
    return [(0, "—")] + [(u.id, f"{u.username}（{u.display_name}）") for u in db.session.scalars(stmt)]


def upcoming_for(instructor: Instructor, days: int = 60) -> dict:
    """The instructor's meetings and sessions of the coming ``days`` and their engagements not yet in force."""
    today = today_local()
    last = today + timedelta(days=days)
    meetings = db.session.scalars(select(Meeting).where(meetings_of(instructor.id), Meeting.day >= today,
                                                        Meeting.day <= last)
                                  .options(selectinload(Meeting.organiser), selectinload(Meeting.attendance))
                                  .order_by(Meeting.day).limit(20)).all()
    sessions = db.session.scalars(select(BargainingSession).where(
        engagements_of(instructor.id, BargainingSession.engagement_id), BargainingSession.day >= today,
        BargainingSession.day <= last)
        .options(selectinload(BargainingSession.engagement)).order_by(BargainingSession.day).limit(20)).all()
    engagements = db.session.scalars(select(Engagement).where(engagements_of(instructor.id), Engagement.stage != "in_force")
                                     .order_by(Engagement.request_sent_on)).all()
    return {"meetings": meetings, "sessions": sessions, "engagements": engagements}


def command_listing(district_id: int | None, tier: str | None) -> list[Instructor]:
    """The instructors a command lists: the city ones and those of the district (None: all), by tier and name."""
    stmt = visible_instructors(select(Instructor), district_id).options(
        selectinload(Instructor.guide), selectinload(Instructor.district)).order_by(
        Instructor.tier, Instructor.district_id, Instructor.name)
    if tier:
        stmt = stmt.where(Instructor.tier == tier)
    return list(db.session.scalars(stmt))
