"""Calendar events of the visit programme: a lawyer's visits and duty shifts, a coordinator's district (visits and
duty), a station, a firm. Consultations (and workers' personal data) never appear in a feed."""

from __future__ import annotations

from datetime import date

from flask import has_app_context
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.agenda import person_of
from trainer.auth.models import Role
from trainer.calendars.events import FeedEvent
from trainer.core.addresses import public_base
from trainer.core.clock import LOCAL_TZ, as_utc, local_datetime
from trainer.core.extensions import db
from trainer.planning.duty import shift_times
from trainer.visits.duty.operations import shift_specs
from trainer.visits.models import DutyShift, Firm, Visit

FEED_SUBJECT_MODELS = {"firm": Firm}
PERSONAL_ROLES = (Role.LAWYER, Role.INSTRUCTOR, Role.TRAINEE)  # a person's own feed (staff see their district)


def _url(visit: Visit) -> str:
    base = public_base() if has_app_context() else ""
    return f"{base}/visits/stations/{visit.station_id}"


def _words() -> dict[str, str]:
    """The texts of a visit's event in the current language, looked up once for a feed's thousands of events."""
    return {"summary": _("Lawyer visit: %(station)s (%(lawyer)s)"), "lead": _("%(firm)s · lead lawyer's visit"),
            "backup": _("%(firm)s · by the backup lawyer"),
            "provisional": _("provisional: the year's holidays are not announced yet")}


def event_of(visit: Visit, words: dict[str, str] | None = None) -> FeedEvent:
    words = words or _words()
    start_hhmm, end_hhmm = visit.station.hours_of(visit.half)
    summary = words["summary"] % {"station": visit.station.name, "lawyer": visit.lawyer.name}
    description = words["backup" if visit.by_backup else "lead"] % {"firm": visit.firm.name}
    if visit.provisional:
        description += " · " + words["provisional"]
    status = "CANCELLED" if visit.status == "cancelled" else "TENTATIVE" if visit.provisional else "CONFIRMED"
    remind = (visit.lawyer.user_id,) if visit.lawyer.user_id and visit.status == "planned" else ()
    return FeedEvent(uid=f"visit-{visit.id}@trainer", summary=summary,
                     start=local_datetime(visit.day, start_hhmm), end=local_datetime(visit.day, end_hhmm),
                     last_modified=as_utc(visit.updated_at), sequence=visit.sequence or 0, status=status,
                     location=visit.station.address or visit.station.name, description=description, url=_url(visit),
                     categories=("visit",), remind_user_ids=remind)


def _events(stmt, start: date, end: date) -> list[FeedEvent]:
    stmt = (stmt.where(Visit.day >= start, Visit.day <= end)
            .options(selectinload(Visit.station), selectinload(Visit.lawyer), selectinload(Visit.firm))
            .order_by(Visit.day, Visit.half, Visit.id))
    words = _words()
    return [event_of(v, words) for v in db.session.scalars(stmt)]


def duty_event_of(row: DutyShift) -> FeedEvent:
    """A telephone duty shift (电话值班). No personal data of callers is ever in a feed."""
    period = row.period
    spec = next((s for s in shift_specs(period) if s.code == row.shift_code), None)
    start, end = shift_times(row.day, spec)
    summary = _("Telephone duty: %(title)s (%(lawyer)s)", title=period.title, lawyer=row.lawyer.name)
    description = _("24-hour legal hotline") + (f" · {period.phone}" if period.phone else "")
    base = public_base() if has_app_context() else ""
    remind = (row.lawyer.user_id,) if row.lawyer.user_id and row.status == "planned" else ()
    return FeedEvent(uid=f"duty-{row.id}@trainer", summary=summary, start=start.replace(tzinfo=LOCAL_TZ),
                     end=end.replace(tzinfo=LOCAL_TZ), last_modified=as_utc(row.updated_at),
                     sequence=row.sequence or 0, status="CANCELLED" if row.status == "cancelled" else "CONFIRMED",
                     location=period.phone or "", description=description,
                     url=f"{base}/visits/duty/{period.id}", categories=("duty",), remind_user_ids=remind)


def _duty_events(stmt, start: date, end: date) -> list[FeedEvent]:
    stmt = (stmt.where(DutyShift.day >= start, DutyShift.day <= end)
            .options(selectinload(DutyShift.period), selectinload(DutyShift.lawyer))
            .order_by(DutyShift.day, DutyShift.shift_code, DutyShift.id))
    return [duty_event_of(row) for row in db.session.scalars(stmt)]


def user_events(user, start: date, end: date) -> list[FeedEvent]:
    if user.role in PERSONAL_ROLES:
        # One agenda per person: the visits and duty of every lawyer record that is this person (trainer.agenda).
        lawyer_ids = person_of("user", user.id).lawyer_ids
        if not lawyer_ids:
            return []
        return (_events(select(Visit).where(Visit.lawyer_id.in_(lawyer_ids)), start, end)
                + _duty_events(select(DutyShift).where(DutyShift.lawyer_id.in_(lawyer_ids)), start, end))
    if user.role == Role.COORDINATOR and user.district_id:
        return (_events(select(Visit).where(Visit.district_id == user.district_id), start, end)
                + _duty_events(select(DutyShift).where(DutyShift.district_id == user.district_id), start, end))
    return []


def station_events(station, start: date, end: date) -> list[FeedEvent]:
    return _events(select(Visit).where(Visit.station_id == station.id), start, end)


def firm_events(firm, start: date, end: date) -> list[FeedEvent]:
    return _events(select(Visit).where(Visit.firm_id == firm.id), start, end)
