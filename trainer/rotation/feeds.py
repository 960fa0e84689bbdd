"""Calendar events of the rotation: a trainee's placement days, a mentor's mentoring days, a coordinator's
district, and one programme year."""

from __future__ import annotations

from datetime import date

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from trainer.agenda import person_of
from trainer.auth.models import Role
from trainer.calendars.events import FeedEvent
from trainer.core.addresses import public_base
from trainer.core.clock import as_utc, local_datetime, now_utc
from trainer.core.extensions import db
from trainer.rotation.models import CENTRE_HOURS as HOURS
from trainer.rotation.models import Placement, PlacementDay, ProgrammeYear, Trainee

FEED_SUBJECT_MODELS = {"programme_year": ProgrammeYear}


def _url(path: str) -> str:
    base = public_base() if has_app_context() else ""
    return f"{base}{path}"


def event_of(day: PlacementDay) -> FeedEvent:
    placement = day.placement
    trainee = placement.trainee
    py = placement.programme_year
    phase = _("guided") if day.phase == "guided" else _("independent mediation")
    summary = _("Rotation day %(n)s/%(total)s: %(trainee)s (%(phase)s)", n=day.number, total=py.placement_length,
                trainee=trainee.name, phase=phase)
    description = _("Mentor: %(mentor)s", mentor=day.mentor.name if day.mentor else "—")
    if trainee.union is not None:
        description += " · " + _("Sent by %(union)s", union=trainee.union.name)
    if placement.provisional:
        description += " · " + _("provisional: the year's holidays are not announced yet")
    status = "CANCELLED" if day.status == "cancelled" else "TENTATIVE" if placement.provisional else "CONFIRMED"
    remind = tuple(uid for uid in (trainee.user_id, day.mentor.user_id if day.mentor else None) if uid)
    return FeedEvent(uid=f"rotation-day-{day.id}@trainer", summary=summary,
                     start=local_datetime(day.day, HOURS[0]), end=local_datetime(day.day, HOURS[1]),
                     last_modified=as_utc(day.updated_at), sequence=day.sequence or 0, status=status,
                     location=f"{py.centre_name} {py.centre_address}".strip(), description=description,
                     url=_url(f"/rotation/days/{day.id}"), categories=("rotation",),
                     remind_user_ids=remind if status != "CANCELLED" else ())


def _events(stmt, start: date, end: date) -> list[FeedEvent]:
    grace = current_app.config.get("FEED_CANCELLED_GRACE_DAYS", 30) if has_app_context() else 30
    stmt = (stmt.where(PlacementDay.day >= start, PlacementDay.day <= end)
            .options(selectinload(PlacementDay.placement).selectinload(Placement.trainee).selectinload(Trainee.union),
                     selectinload(PlacementDay.placement).selectinload(Placement.programme_year),
                     selectinload(PlacementDay.mentor))
            .order_by(PlacementDay.day, PlacementDay.id))
    events = []
    for day in db.session.scalars(stmt):
        if day.status == "cancelled" and (now_utc() - as_utc(day.updated_at)).days > grace:
            continue  # cancelled long ago: dropped from the feed (its UID is never reused)
        events.append(event_of(day))
    return events


def user_events(user, start: date, end: date) -> list[FeedEvent]:
    if user.role in (Role.TRAINEE, Role.LAWYER, Role.INSTRUCTOR):
        # One agenda per person: the days of every trainee and mentor record that is this person (trainer.agenda).
        person = person_of("user", user.id)
        who = []
        if person.trainee_ids:
            who.append(PlacementDay.placement_id.in_(select(Placement.id).where(
                Placement.trainee_id.in_(person.trainee_ids))))
        if person.mentor_ids:
            who.append(PlacementDay.mentor_id.in_(person.mentor_ids))
        return _events(select(PlacementDay).where(or_(*who)), start, end) if who else []
    if user.role == Role.COORDINATOR and user.district_id:
        return _events(select(PlacementDay).where(PlacementDay.district_id == user.district_id), start, end)
    return []


def programme_year_events(py, start: date, end: date) -> list[FeedEvent]:
    return _events(select(PlacementDay).join(Placement).where(Placement.programme_year_id == py.id), start, end)
