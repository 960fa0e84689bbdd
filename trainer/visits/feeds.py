"""Calendar events of the visit programme: a lawyer's visits and duty shifts, a coordinator's district (visits and
duty), a station, a firm. Consultations (and workers' personal data) never appear in a feed."""

from __future__ import annotations

from datetime import date, datetime

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
from trainer.org.models import Station
from trainer.planning.duty import shift_times
from trainer.visits.duty.operations import shift_specs
from trainer.visits.models import DutyShift, Firm, Lawyer, Visit

FEED_SUBJECT_MODELS = {"firm": Firm}
PERSONAL_ROLES = (Role.LAWYER, Role.INSTRUCTOR, Role.TRAINEE)  # a person's own feed (staff see their district)


def _words() -> dict[str, str]:
    """The texts of a visit's event in the current language, looked up once for a feed's thousands of events."""
    return {"summary": _("Lawyer visit: %(station)s (%(lawyer)s)"), "lead": _("%(firm)s · lead lawyer's visit"),
            "backup": _("%(firm)s · by the backup lawyer"),
            "provisional": _("provisional: the year's holidays are not announced yet")}


# What a visit's event shows, read as plain columns in one query: a city coordinator's feed holds thousands of
# visits, and loading them as records with their station, lawyer and firm took 160 µs an event.
EVENT_COLUMNS = (Visit.id, Visit.station_id, Visit.day, Visit.half, Visit.status, Visit.by_backup,
                 Visit.provisional, Visit.updated_at, Visit.sequence, Station.name, Station.address,
                 Station.am_hours, Station.pm_hours, Lawyer.name, Lawyer.user_id, Firm.name)


def _events(*where, start: date, end: date) -> list[FeedEvent]:
    """The events of the visits matching ``where`` between two days (inclusive), in day order."""
    rows = db.session.execute(
        select(*EVENT_COLUMNS).join(Station, Station.id == Visit.station_id)
        .join(Lawyer, Lawyer.id == Visit.lawyer_id).join(Firm, Firm.id == Visit.firm_id)
        .where(*where, Visit.day >= start, Visit.day <= end)
        .order_by(Visit.day, Visit.half, Visit.id))
    words = _words()
    base = public_base() if has_app_context() else ""
    moments: dict[tuple[date, str], datetime] = {}

    def moment(day: date, hhmm: str) -> datetime:
        found = moments.get((day, hhmm))
        if found is None:
            found = moments[(day, hhmm)] = local_datetime(day, hhmm)
        return found

    events = []
    for (visit_id, station_id, day, half, status, by_backup, provisional, updated_at, sequence, station_name,
         address, am_hours, pm_hours, lawyer_name, lawyer_user_id, firm_name) in rows:
        start_hhmm, end_hhmm = (am_hours if half == "am" else pm_hours).split("-")
        description = words["backup" if by_backup else "lead"] % {"firm": firm_name}
        if provisional:
            description += " · " + words["provisional"]
        events.append(FeedEvent(
            uid=f"visit-{visit_id}@trainer",
            summary=words["summary"] % {"station": station_name, "lawyer": lawyer_name},
            start=moment(day, start_hhmm), end=moment(day, end_hhmm), last_modified=as_utc(updated_at),
            sequence=sequence or 0,
            status="CANCELLED" if status == "cancelled" else "TENTATIVE" if provisional else "CONFIRMED",
            location=address or station_name, description=description,
            url=f"{base}/visits/stations/{station_id}", categories=("visit",),
            remind_user_ids=(lawyer_user_id,) if lawyer_user_id and status == "planned" else ()))
    return events


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
        return (_events(Visit.lawyer_id.in_(lawyer_ids), start=start, end=end)
                + _duty_events(select(DutyShift).where(DutyShift.lawyer_id.in_(lawyer_ids)), start, end))
    if user.role == Role.COORDINATOR and user.district_id:
        return (_events(Visit.district_id == user.district_id, start=start, end=end)
                + _duty_events(select(DutyShift).where(DutyShift.district_id == user.district_id), start, end))
    return []


def station_events(station, start: date, end: date) -> list[FeedEvent]:
    return _events(Visit.station_id == station.id, start=start, end=end)


def firm_events(firm, start: date, end: date) -> list[FeedEvent]:
    return _events(Visit.firm_id == firm.id, start=start, end=end)
