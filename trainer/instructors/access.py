"""Who may see and change which instructor record: written once, used by the pages, the API and the importers.

The city-tier rule: city full-time instructors (市级专职) belong to the city federation. Every staff member sees
them; only someone working for the whole city (the city admin, or a command run without ``--district``) creates
or changes them. A coordinator sees the city instructors and those of their own district and changes only their
own district's. City-level meetings and series (no district) are alike: every staff member sees them, the
admin changes them.

Own records only: an instructor (role "instructor") sees their own record, the meetings they organise or are
expected at and the engagements they are assigned to; of these they change only the meetings they organise.

The role check comes first (``allow`` on the route). The loaders answer 404 for a record that does not exist and
403 for one the user may not see or change.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from trainer.api.helpers import load_scoped
from trainer.auth.models import Role
from trainer.auth.permissions import can_see_district, check_district, district_scope
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.instructors.models import (
    BargainingSession,
    Engagement,
    Instructor,
    Meeting,
    MeetingAttendance,
    MeetingSeries,
    Responsibility,
    Tier,
    engagement_instructors,
)
from trainer.org.models import District


def is_staff() -> bool:
    return current_user.role in (Role.ADMIN, Role.COORDINATOR)


def is_admin() -> bool:
    return current_user.role == Role.ADMIN


def instructor_of_user(user) -> Instructor | None:
    """The instructor record an account belongs to, if any."""
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    return db.session.scalar(select(Instructor).where(Instructor.user_id == user.id)
                             .options(selectinload(Instructor.guided), selectinload(Instructor.responsibilities)))


def me() -> Instructor | None:
    """The current user's own instructor record (instructors only)."""
    return instructor_of_user(current_user) if current_user.role == Role.INSTRUCTOR else None


# --- the city-tier rule ------------------------------------------------------------------------------------

def may_write(tier: str, district_id: int | None, scope: int | None) -> bool:
    """Whether someone confined to district ``scope`` (None: the whole city) may create or change an instructor
    of ``tier`` in ``district_id``."""
    if tier == Tier.CITY_FULL:
        return scope is None
    return scope is None or district_id == scope


def may_see(person: Instructor) -> bool:
    """Staff see the city instructors and those of their district (the admin: all)."""
    return is_staff() and (person.tier == Tier.CITY_FULL or can_see_district(person.district_id))


def may_edit(person: Instructor) -> bool:
    return is_staff() and may_write(person.tier, person.district_id, district_scope())


def may_offer_tier(tier: str) -> bool:
    """Whether the tier is offered to the current user in a form."""
    return may_write(tier, current_user.district_id, district_scope())


def writing_district(tier: str, chosen: int | None) -> int | None:
    """The district an instructor saved by the current user belongs to: the admin's choice, a coordinator's own
    district. A coordinator naming the city tier is refused (403)."""
    scope = district_scope()
    if scope is None:
        return chosen
    if not may_write(tier, scope, scope):
        abort(403)
    return scope


def visible_instructors(stmt, scope: int | None):
    """Restrict a select() of instructors to the city ones and those of district ``scope`` (the caller's
    ``district_scope()``, or a command's ``--district``); None: the whole city, no restriction."""
    if scope is None:
        return stmt
    return stmt.where(or_(Instructor.district_id == scope, Instructor.tier == Tier.CITY_FULL))


def district_choices() -> list[District]:
    """The districts the current user may choose from (a coordinator: their own)."""
    stmt = select(District).order_by(District.sort_order)
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(District.id == scope)
    return list(db.session.scalars(stmt))


# --- single records ------------------------------------------------------------------------------------------

def instructor(instructor_id: int, *, edit: bool = False) -> Instructor:
    """An instructor the current user may see (``edit``: change). An instructor reads only their own record."""
    person = db.get_or_404(Instructor, instructor_id)
    if not is_staff():
        own = me()
        if edit or own is None or own.id != person.id:
            abort(403)
        return person
    if not (may_edit(person) if edit else may_see(person)):
        abort(403)
    return person


def guide(guide_id: int | None) -> Instructor | None:
    """The guide chosen for a link: none, or an instructor the current user may see."""
    if not guide_id:
        return None
    person = db.session.get(Instructor, guide_id)
    if person is None or not may_see(person):
        raise InvalidInput({"guide_id": _("No such instructor.")})
    return person


def responsibility(area_id: int) -> Responsibility:
    """An area of duty; changing it is changing its instructor."""
    area = db.get_or_404(Responsibility, area_id)
    instructor(area.instructor_id, edit=True)
    return area


def check_level(district_id: int | None, *, edit: bool) -> None:
    """A record of a district: its staff; a city-level one (no district): every staff member reads it, the admin
    changes it."""
    if district_id is None:
        if edit and not is_admin():
            abort(403)
    else:
        check_district(district_id)


def series(series_id: int, *, edit: bool = False) -> MeetingSeries:
    row = db.get_or_404(MeetingSeries, series_id)
    check_level(row.district_id, edit=edit)
    return row


def meeting_district(chosen: int | None) -> int | None:
    """The district a series saved by the current user belongs to: the admin's choice (None: city-level), a
    coordinator's own district."""
    scope = district_scope()
    return chosen if scope is None else scope


def organiser(organiser_id: int | None) -> Instructor:
    """The organiser chosen for a meeting: an instructor the current user sees."""
    person = db.session.get(Instructor, organiser_id) if organiser_id else None
    if person is None or not may_see(person):
        raise InvalidInput({"organiser_id": _("No such instructor.")})
    return person


def meeting_visible(meeting: Meeting, own: Instructor | None) -> bool:
    if is_staff():
        return meeting.district_id is None or can_see_district(meeting.district_id)
    return own is not None and (meeting.organiser_id == own.id
                                or any(a.instructor_id == own.id for a in meeting.attendance))


def meeting_editable(meeting: Meeting, own: Instructor | None) -> bool:
    if is_staff():
        return is_admin() or (meeting.district_id is not None and can_see_district(meeting.district_id))
    return own is not None and meeting.organiser_id == own.id


def meeting(meeting_id: int, *, edit: bool = False) -> Meeting:
    """A meeting the current user may see (``edit``: change): staff of its district (city-level: see above); an
    instructor who organises it (or, to read it, is expected at it)."""
    row = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(
        selectinload(Meeting.attendance).selectinload(MeetingAttendance.instructor)))
    if row is None:
        abort(404)
    own = None if is_staff() else me()
    if not meeting_visible(row, own) or (edit and not meeting_editable(row, own)):
        abort(403)
    return row


def engagement(engagement_id: int, *, edit: bool = False) -> Engagement:
    """An engagement of the user's district (staff), or one the instructor is assigned to (read only)."""
    row = db.session.scalar(select(Engagement).where(Engagement.id == engagement_id).options(
        selectinload(Engagement.instructors), selectinload(Engagement.sessions)))
    if row is None:
        abort(404)
    if is_staff():
        check_district(row.district_id)
        return row
    own = me()
    if edit or own is None or all(p.id != own.id for p in row.instructors):
        abort(403)
    return row


def session(session_id: int) -> BargainingSession:
    """A bargaining session of the user's district (staff)."""
    return load_scoped(BargainingSession, session_id)


# --- lists: own records only ------------------------------------------------------------------------------

def meetings_of(instructor_id: int):
    """The condition "organised by or expecting this instructor" on a select() of meetings."""
    attending = select(MeetingAttendance.meeting_id).where(MeetingAttendance.instructor_id == instructor_id)
    return or_(Meeting.organiser_id == instructor_id, Meeting.id.in_(attending))


def engagements_of(instructor_id: int, column=None):
    """The condition "this instructor is assigned" on a select() of engagements (or, naming the engagement
    column, of their sessions)."""
    assigned = select(engagement_instructors.c.engagement_id).where(
        engagement_instructors.c.instructor_id == instructor_id)
    return (column if column is not None else Engagement.id).in_(assigned)


def visible_meetings(stmt):
    """Staff: their district's and the city-level meetings; an instructor: their own."""
    if is_staff():
        scope = district_scope()
        return stmt if scope is None else stmt.where(or_(Meeting.district_id == scope, Meeting.district_id.is_(None)))
    own = me()
    return stmt.where(meetings_of(own.id if own else -1))


def visible_series(stmt):
    scope = district_scope()
    if scope is None:
        return stmt
    return stmt.where(or_(MeetingSeries.district_id == scope, MeetingSeries.district_id.is_(None)))


def own_engagements(stmt):
    """An instructor's engagements: those they are assigned to."""
    own = me()
    return stmt.where(engagements_of(own.id if own else -1))
