"""Bargaining engagements (集体协商) through their stages, with their deadlines, the instructors to assign and the
bargaining sessions. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.agenda import refuse_clashes
from trainer.core.clock import now_utc, today_local
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.names import name_key
from trainer.core.validation import InvalidInput, check_reach
from trainer.instructors.models import (
    STAGES,
    BargainingSession,
    Engagement,
    Instructor,
    Stage,
    Tier,
    stage_index,
)
from trainer.instructors.times import check_day, parse_hhmm


def days_left(due: date | None, today: date | None = None) -> int | None:
    if due is None:
        return None
    return (due - (today or today_local())).days


_STAGE_DATES = (
    (Stage.SIGNED, "agreement_signed_on", _l("Enter the day the agreement was signed.")),
    (Stage.FILED, "filed_on", _l("Enter the day it was submitted to the labour bureau.")),
    (Stage.IN_FORCE, "in_force_on", _l("Enter the day the contract came into force.")),
)


def save_engagement(engagement: Engagement | None, *, district_id: int, enterprise: str, union_name: str,
                    industry: str | None, street: str | None, stage: str, request_sent_on: date | None,
                    reply_received_on: date | None = None, agreement_signed_on: date | None = None,
                    filed_on: date | None = None, in_force_on: date | None = None, notes: str | None = None,
                    instructors: list[Instructor] | None = None, version: int | None = None) -> Engagement:
    errors: dict[str, str] = {}
    enterprise, union_name = (enterprise or "").strip(), (union_name or "").strip()
    if not enterprise:
        errors["enterprise"] = _("Name the enterprise.")
    if not union_name:
        errors["union_name"] = _("Name the enterprise's union.")
    if stage not in STAGES:
        errors["stage"] = _("Unknown stage.")
    if request_sent_on is None:
        errors["request_sent_on"] = _("Enter the day the bargaining request was sent.")
    if errors:
        raise InvalidInput(errors)
    values = {"agreement_signed_on": agreement_signed_on, "filed_on": filed_on, "in_force_on": in_force_on}
    for needed_stage, name, message in _STAGE_DATES:
        if stage_index(stage) >= stage_index(needed_stage) and values[name] is None:
            errors[name] = str(message)
    if reply_received_on and reply_received_on < request_sent_on:
        errors["reply_received_on"] = _("The reply cannot come before the request.")
    if agreement_signed_on and agreement_signed_on < request_sent_on:
        errors["agreement_signed_on"] = _("The agreement cannot be signed before the request was sent.")
    if filed_on and (agreement_signed_on is None or filed_on < agreement_signed_on):
        errors["filed_on"] = _("Filing comes after signing.")
    if in_force_on and (agreement_signed_on is None or in_force_on < agreement_signed_on):
        errors["in_force_on"] = _("The contract comes into force after it is signed.")
    for person in instructors or []:
        if person.tier != Tier.CITY_FULL and person.district_id != district_id:
            errors["instructor_ids"] = _("%(name)s works in another district.", name=person.name)
        elif person.status != "active":
            errors["instructor_ids"] = _("%(name)s is not serving.", name=person.name)
    if errors:
        raise InvalidInput(errors)
    if engagement is None:
        engagement = Engagement(sequence=0)
        db.session.add(engagement)
        dates_changed = False
    else:
        check_version(engagement, version)
        dates_changed = (engagement.request_sent_on, engagement.agreement_signed_on, engagement.filed_on,
                         engagement.stage, engagement.enterprise) != (
            request_sent_on, agreement_signed_on, filed_on, stage, enterprise)
    engagement.district_id, engagement.enterprise, engagement.union_name = district_id, enterprise, union_name
    engagement.industry = (industry or "").strip() or None
    engagement.street = (street or "").strip() or None
    engagement.stage, engagement.request_sent_on = stage, request_sent_on
    engagement.reply_received_on, engagement.agreement_signed_on = reply_received_on, agreement_signed_on
    engagement.filed_on, engagement.in_force_on = filed_on, in_force_on
    engagement.notes = (notes or "").strip() or None
    if instructors is not None:
        if {p.id for p in engagement.instructors} != {p.id for p in instructors}:
            dates_changed = True
        engagement.instructors = list(instructors)
    if dates_changed:
        engagement.sequence += 1
        engagement.updated_at = now_utc()
        for session in engagement.sessions:  # the people on a session changed with it
            session.sequence += 1
    db.session.flush()
    return engagement


# What an assigned instructor may change of an engagement: its stage and the dates that mark the stages. The
# enterprise, the district, the request day, the notes and who is assigned stay the coordinator's.
PROGRESS_FIELDS = ("stage", "reply_received_on", "agreement_signed_on", "filed_on", "in_force_on")


def update_progress(engagement: Engagement, *, version: int | None = None, **changes) -> Engagement:
    """An assigned instructor reports progress (reply received, stage …): only ``PROGRESS_FIELDS``, checked by
    the same rules as the coordinator's form (``save_engagement``)."""
    unknown = set(changes) - set(PROGRESS_FIELDS)
    if unknown:
        raise InvalidInput({name: _("An instructor cannot change this.") for name in sorted(unknown)})
    values = {name: changes.get(name, getattr(engagement, name)) for name in PROGRESS_FIELDS}
    return save_engagement(engagement, district_id=engagement.district_id, enterprise=engagement.enterprise,
                           union_name=engagement.union_name, industry=engagement.industry, street=engagement.street,
                           request_sent_on=engagement.request_sent_on, notes=engagement.notes, instructors=None,
                           version=version, **values)


@dataclass(frozen=True)
class Suggestion:
    instructor: Instructor
    score: int
    reasons: tuple[str, ...]


def suggest_instructors(*, district_id: int, enterprise: str | None, street: str | None,
                        industry: str | None) -> list[Suggestion]:
    """Instructors to assign, by the areas they cover and their specialities (by area, then speciality)."""
    rows = db.session.scalars(select(Instructor).where(Instructor.district_id == district_id,
                                                       Instructor.status == "active")
                              .options(selectinload(Instructor.responsibilities))).all()
    suggestions = []
    for person in rows:
        score, reasons = 0, []
        areas = {(a.kind, a.value) for a in person.responsibilities}
        if enterprise and ("enterprise", enterprise.strip()) in areas:
            score += 4
            reasons.append(_("covers the enterprise"))
        if street and ("street", street.strip()) in areas:
            score += 3
            reasons.append(_("covers the street"))
        if industry and ("industry", industry.strip()) in areas:
            score += 2
            reasons.append(_("covers the industry"))
        if industry and industry.strip() in (person.specialities or []):
            score += 1
            reasons.append(_("speciality"))
        if score:
            suggestions.append(Suggestion(person, score, tuple(reasons)))
    suggestions.sort(key=lambda s: (-s.score, s.instructor.tier != Tier.DISTRICT_FULL,
                                   name_key(s.instructor.name)))
    return suggestions


def save_session(session: BargainingSession | None, *, engagement: Engagement, day: date, start_time: str,
                 end_time: str, location: str = "", notes: str | None = None,
                 version: int | None = None) -> BargainingSession:
    start_time, end_time = parse_hhmm(start_time, "start_time"), parse_hhmm(end_time, "end_time")
    if end_time <= start_time:
        raise InvalidInput({"end_time": _("The end time must come after the start time.")})
    if day < engagement.request_sent_on:
        raise InvalidInput({"day": _("A session comes after the bargaining request.")})
    # A session that already took place may be entered afterwards, to record it.
    check_reach(day, "day", today=today_local(), past_allowed=True)
    provisional = check_day(day)
    if session is None:
        session = BargainingSession(engagement=engagement, district_id=engagement.district_id, sequence=0,
                                    status="scheduled")
        db.session.add(session)
    else:
        check_version(session, version)
        if (session.day, session.start_time, session.end_time, session.location) != (
                day, start_time, end_time, (location or "").strip()):
            session.sequence += 1
    session.day, session.start_time, session.end_time = day, start_time, end_time
    session.location, session.notes = (location or "").strip(), (notes or "").strip() or None
    session.provisional = provisional
    # The engagement's instructors must be free then in every programme; a clash is refused naming both items.
    refuse_clashes(session, "day")
    if engagement.stage in (Stage.REQUEST_SENT, Stage.AWAITING_REPLY, Stage.PREPARATION):
        engagement.stage = Stage.SESSIONS
        engagement.sequence += 1
    db.session.flush()
    return session


def cancel_session(session: BargainingSession, version: int | None = None) -> BargainingSession:
    check_version(session, version)
    if session.status != "cancelled":
        session.status = "cancelled"
        session.sequence += 1
    db.session.flush()
    return session


def assignable(ids: list[int]) -> list[Instructor]:
    """The instructors named to an engagement, each of whom must exist (save_engagement checks the rest)."""
    people = list(db.session.scalars(select(Instructor).where(Instructor.id.in_(ids)))) if ids else []
    if len(people) != len(set(ids)):
        raise InvalidInput({"instructor_ids": _("No such instructor.")})
    return people
