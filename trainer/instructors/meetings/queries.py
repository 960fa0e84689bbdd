"""What the meeting pages and API read: series, the meetings of a series, the meeting list, the organisers
offered in the forms."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.api.schemas import paginate
from trainer.auth.permissions import district_scope
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.names import pinyin_order
from trainer.instructors.access import visible_instructors, visible_meetings, visible_series
from trainer.instructors.labels import instructor_label
from trainer.instructors.models import Instructor, Meeting, MeetingSeries, Tier


def organiser_choices() -> list[tuple[int, str]]:
    """Serving city and district full-time instructors the current user sees."""
    stmt = (select(Instructor).where(Instructor.tier != Tier.DISTRICT_PART, Instructor.status == "active")
            .options(selectinload(Instructor.district)).order_by(Instructor.tier, *pinyin_order(Instructor)))
    return [(p.id, instructor_label(p)) for p in db.session.scalars(visible_instructors(stmt, district_scope()))]


def series_rows() -> list[MeetingSeries]:
    stmt = select(MeetingSeries).options(selectinload(MeetingSeries.organiser), selectinload(MeetingSeries.district))
    return list(db.session.scalars(visible_series(stmt).order_by(MeetingSeries.pair, MeetingSeries.title)))


def api_series(args: dict):
    return paginate(visible_series(select(MeetingSeries)).order_by(MeetingSeries.id), args)


def series_meetings(series: MeetingSeries) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.series_id == series.id)
                                   .options(selectinload(Meeting.attendance)).order_by(Meeting.day)))


def meetings_page(*, past: bool):
    """The coming (or past) meetings the current user sees, one page."""
    today = today_local()
    stmt = visible_meetings(select(Meeting).options(selectinload(Meeting.organiser), selectinload(Meeting.attendance)))
    stmt = stmt.where(Meeting.day < today) if past else stmt.where(Meeting.day >= today)
    stmt = stmt.order_by(Meeting.day.desc() if past else Meeting.day, Meeting.start_time)
    return db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)


def api_meetings(args: dict):
    """One page of the API's list: ``from``/``to`` days, ``series_id``."""
    stmt = visible_meetings(select(Meeting)).order_by(Meeting.day, Meeting.id)
    if args.get("from_"):
        stmt = stmt.where(Meeting.day >= args["from_"])
    if args.get("to"):
        stmt = stmt.where(Meeting.day <= args["to"])
    if args.get("series_id"):
        stmt = stmt.where(Meeting.series_id == args["series_id"])
    return paginate(stmt, args)
