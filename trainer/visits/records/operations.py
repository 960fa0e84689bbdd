"""What happened at a visit: check-in, check-out, no-show with its reason, a coordinator's correction of the
times, and the consultations taken.

The same rules for the lawyer's page, the coordinator's page and the API (the windows are in ``rules``): check-in
on the visit's day (the server's clock in Beijing time, never the phone's) from a set time before the slot to its
end, check-out after check-in on the same day; a visit recorded afterwards says why it is late; a coordinator's
correction says why, in the audit log. Consultations only at a visit that took place. Callers commit. Who may see a consultation's personal data: ``trainer.visits.access``.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask_babel import gettext as _

from trainer.core.clock import as_utc, now_utc, to_local
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.visits.labels import short_day
from trainer.visits.models import (
    ASKER_TYPES,
    CATEGORIES,
    CHANNELS,
    MISSED_REASONS,
    REFERRALS,
    Consultation,
    Visit,
)
from trainer.visits.records import rules

MOBILE_OR_PHONE = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"


# ------------------------------------------------------------------------------------------- check in and out

def _hhmm(moment: datetime) -> str:
    return to_local(moment).strftime("%H:%M")


def check_in(visit: Visit, *, user, today, at: datetime | None = None) -> Visit:
    """The lawyer arrives: on the visit's day, from CHECKIN_EARLY_MIN minutes before the slot to its end; the
    visit is in progress until check-out."""
    if visit.status == "cancelled":
        raise InvalidInput({"checked_in_at": _("This visit was cancelled.")})
    if visit.status == "missed":
        raise InvalidInput({"checked_in_at": _("This visit is recorded as missed.")})
    if visit.checked_in_at is not None:
        raise InvalidInput({"checked_in_at": _("Already checked in at %(time)s.", time=_hhmm(visit.checked_in_at))})
    if visit.day != today:
        raise InvalidInput({"checked_in_at": _("Check-in is possible only on the day of the visit (%(day)s).",
                                               day=short_day(visit.day))})
    moment = as_utc(at) if at else rules.now()
    opens, closes = rules.checkin_window(visit)
    if moment < as_utc(opens):
        raise InvalidInput({"checked_in_at": _("Check-in opens at %(time)s, %(minutes)s minutes before the visit.",
                                               time=_hhmm(opens), minutes=rules.early_minutes())})
    if moment > as_utc(closes):
        raise InvalidInput({"checked_in_at": _("The visit ended at %(time)s: record it afterwards and say why it "
                                               "is late.", time=_hhmm(closes))})
    visit.checked_in_at = moment
    visit.status = "delivered"
    visit.recorded_by_id = user.id if user is not None else None
    visit.recorded_at = now_utc()
    visit.touch()
    db.session.flush()
    return visit


def _check_out_errors(moment: datetime, checked_in_at: datetime) -> str | None:
    if as_utc(moment) <= as_utc(checked_in_at):
        return _("Check-out must come after check-in.")
    if as_utc(moment) - as_utc(checked_in_at) > timedelta(hours=14):
        return _("A visit lasts at most 14 hours; ask your coordinator to correct the times.")
    return None


def check_out(visit: Visit, *, user, at: datetime | None = None) -> Visit:
    """The lawyer leaves: after check-in, once, on the visit's day (later: record it afterwards, saying why)."""
    if visit.checked_in_at is None:
        raise InvalidInput({"checked_out_at": _("Check in first.")})
    if visit.checked_out_at is not None:
        raise InvalidInput({"checked_out_at": _("Already checked out at %(time)s.",
                                                time=_hhmm(visit.checked_out_at))})
    moment = as_utc(at) if at else rules.now()
    if to_local(moment).date() != visit.day:
        raise InvalidInput({"checked_out_at": _("The day of the visit is over: record the check-out time "
                                                "afterwards and say why it is late.")})
    problem = _check_out_errors(moment, visit.checked_in_at)
    if problem:
        raise InvalidInput({"checked_out_at": problem})
    visit.checked_out_at = moment
    visit.recorded_by_id = user.id if user is not None else visit.recorded_by_id
    visit.recorded_at = now_utc()
    db.session.flush()
    return visit


def _reason(reason: str | None, errors: dict, field: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors[field] = message
    elif len(reason) > 300:
        errors[field] = _("At most 300 characters.")
    return reason


def _arrival_problem(visit: Visit, checked_in_at: datetime) -> str | None:
    """What is wrong with an arrival time entered after the fact (by the lawyer or a coordinator): on the visit's
    day, within the slot's check-in window."""
    opens, closes = rules.checkin_window(visit)
    if to_local(checked_in_at).date() != visit.day:
        return _("The times must be on the day of the visit (%(day)s).", day=short_day(visit.day))
    if not as_utc(opens) <= as_utc(checked_in_at) <= as_utc(closes):
        return _("Arrival between %(opens)s and %(closes)s (check-in opens %(minutes)s minutes before the visit).",
                 opens=_hhmm(opens), closes=_hhmm(closes), minutes=rules.early_minutes())
    return None


def record_late(visit: Visit, *, checked_in_at: datetime | None, checked_out_at: datetime | None, reason: str,
                user, today, now: datetime | None = None, version: int | None = None) -> Visit:
    """The lawyer records a visit after its slot (forgot to check in, or to check out on the day), saying why it is
    late: within the period of ``rules.late_window``; check-in within the check-in window of the slot, check-out
    after it and not in the future. A visit already checked in keeps its check-in time."""
    check_version(visit, version)
    now = as_utc(now or rules.now())
    current = rules.state(visit, now)
    if current not in (rules.UNRECORDED, rules.NO_CHECKOUT):
        message = {rules.PLANNED: _("The visit has not ended yet: check in and out on the spot."),
                   rules.IN_PROGRESS: _("Check out with the button while the day of the visit lasts."),
                   rules.CANCELLED: _("This visit was cancelled."),
                   rules.MISSED: _("This visit is recorded as missed.")}.get(current, _("This visit is recorded."))
        raise InvalidInput({"late_reason": message})
    window = rules.late_window(visit, today)
    if window.closed_month:
        raise InvalidInput({"late_reason": _("The account of this month is closed: ask your coordinator to "
                                             "correct the record.")})
    if not window.open:
        raise InvalidInput({"late_reason": _("A visit can be recorded afterwards until %(day)s; ask your "
                                             "coordinator to correct the record.", day=short_day(window.until))})
    errors: dict[str, str] = {}
    reason = _reason(reason, errors, "late_reason", _("Say why the visit is recorded late."))
    if visit.checked_in_at is not None:
        checked_in_at = visit.checked_in_at
    elif checked_in_at is None:
        errors["checked_in_at"] = _("Enter the time you arrived.")
    elif problem := _arrival_problem(visit, checked_in_at):
        errors["checked_in_at"] = problem
    if checked_out_at is None:
        errors["checked_out_at"] = _("Enter the time you left.")
    elif checked_in_at is not None and "checked_in_at" not in errors:
        problem = _check_out_errors(checked_out_at, checked_in_at)
        if problem is None and as_utc(checked_out_at) > now:
            problem = _("That time is still to come.")
        if problem:
            errors["checked_out_at"] = problem
    if errors:
        raise InvalidInput(errors)
    visit.late_reason = reason
    return _delivered(visit, checked_in_at, checked_out_at, user=user, reason=reason)


def _delivered(visit: Visit, checked_in_at: datetime, checked_out_at: datetime | None, *, user,
               reason: str) -> Visit:
    """The visit took place at these times (a late record, a correction); the reason goes to the audit log."""
    changed = visit.status != "delivered"
    # Stored as UTC (SQLite keeps no zone: an aware Beijing time would come back 8 hours off).
    visit.checked_in_at = as_utc(checked_in_at)
    visit.checked_out_at = as_utc(checked_out_at) if checked_out_at else None
    visit.status = "delivered"
    visit.audit_note = reason
    visit.recorded_by_id = user.id if user is not None else None
    visit.recorded_at = now_utc()
    if changed:
        visit.touch()
    db.session.flush()
    return visit


def mark_missed(visit: Visit, *, reason: str, note: str | None = None, user, today,
                version: int | None = None) -> Visit:
    """The visit did not take place (no-show) and why. Not before its day; not once the lawyer checked in."""
    check_version(visit, version)
    errors = {}
    if reason not in MISSED_REASONS:
        errors["reason"] = _("Choose why the visit did not take place.")
    if visit.status == "cancelled":
        errors["reason"] = _("This visit was cancelled.")
    elif visit.checked_in_at is not None:
        errors["reason"] = _("The lawyer checked in: the visit took place.")
    if visit.day > today:
        errors["reason"] = _("A visit can be recorded as missed on its day or later, not before.")
    note = (note or "").strip()
    if reason == "other" and not note:
        errors["note"] = _("Say what happened.")
    if errors:
        raise InvalidInput(errors)
    visit.status = "missed"
    visit.missed_reason = reason
    visit.missed_note = note[:300] or None
    visit.pinned = False
    visit.recorded_by_id = user.id if user is not None else None
    visit.recorded_at = now_utc()
    visit.touch()
    db.session.flush()
    return visit


def reopen(visit: Visit, *, reason: str, version: int | None = None) -> Visit:
    """Undo a no-show record (a coordinator's correction, with its reason in the audit log): planned again."""
    check_version(visit, version)
    errors: dict[str, str] = {}
    if visit.status != "missed":
        errors["reason"] = _("Only a missed visit can be reopened.")
    return _planned_again(visit, errors, reason)


def _planned_again(visit: Visit, errors: dict[str, str], reason: str) -> Visit:
    """A coordinator sets a recorded visit back to planned, saying why (the audit log keeps it)."""
    reason = _reason(reason, errors, "reason", _("Say why the record is corrected."))
    if errors:
        raise InvalidInput(errors)
    visit.status = "planned"
    visit.missed_reason = visit.missed_note = visit.late_reason = None
    visit.checked_in_at = visit.checked_out_at = None
    visit.audit_note = reason
    visit.touch()
    db.session.flush()
    return visit


def undo_check_in(visit: Visit, *, reason: str, version: int | None = None) -> Visit:
    """A coordinator's correction: the check-in was a mistake (wrong visit); the visit is planned again."""
    check_version(visit, version)
    errors: dict[str, str] = {}
    if visit.status != "delivered":
        errors["reason"] = _("Only a visit that was checked in can be set back.")
    elif visit.consultations:
        errors["reason"] = _("The visit has consultations: delete them first.")
    return _planned_again(visit, errors, reason)


def record_times(visit: Visit, *, checked_in_at: datetime, checked_out_at: datetime | None, reason: str, user,
                 today, version: int | None = None) -> Visit:
    """A coordinator's correction after the fact (the lawyer forgot to check in or out), with the reason kept in
    the audit log: times on the visit's day, out after in, not in the future."""
    check_version(visit, version)
    errors: dict[str, str] = {}
    if visit.status in ("cancelled", "missed"):
        errors["checked_in_at"] = _("Only a planned or delivered visit can have times.")
    if visit.day > today:
        errors["checked_in_at"] = _("The visit has not happened yet.")
    if checked_in_at is None:
        errors["checked_in_at"] = _("Enter the check-in time.")
    elif problem := _arrival_problem(visit, checked_in_at):
        errors["checked_in_at"] = problem
    if checked_out_at is not None and checked_in_at is not None:
        if as_utc(checked_out_at) <= as_utc(checked_in_at):
            errors["checked_out_at"] = _("Check-out must come after check-in.")
        elif as_utc(checked_out_at) - as_utc(checked_in_at) > timedelta(hours=14):
            errors["checked_out_at"] = _("A visit lasts at most 14 hours.")
        elif as_utc(checked_out_at) > rules.now() + timedelta(minutes=5):
            errors["checked_out_at"] = _("That time is still to come.")
    reason = _reason(reason, errors, "reason", _("Say why the times are corrected."))
    if errors:
        raise InvalidInput(errors)
    return _delivered(visit, checked_in_at, checked_out_at, user=user, reason=reason)


# ----------------------------------------------------------------------------------------------- consultations

def save_consultation(consultation: Consultation | None, *, visit: Visit, user, asker_type: str,
                      people_count: int | None, channel: str, category: str, question: str,
                      advice: str | None = None, referral: str = "none", follow_up: bool = False,
                      follow_up_note: str | None = None, enterprise_name: str | None = None,
                      worker_name: str | None = None, worker_phone: str | None = None,
                      version: int | None = None) -> Consultation:
    """Record (or correct) one consultation of a visit that took place."""
    errors = {}
    if visit.status != "delivered":
        errors["question"] = _("Consultations are recorded at a visit that took place: check in first.")
    if asker_type not in ASKER_TYPES:
        errors["asker_type"] = _("Choose who asked: an enterprise or a worker.")
    try:
        people = int(people_count if people_count not in (None, "") else 1)
    except (TypeError, ValueError):
        people = 0
    if not 1 <= people <= 500:
        errors["people_count"] = _("Between 1 and 500 people.")
    if channel not in CHANNELS:
        errors["channel"] = _("Choose on site, by phone or online.")
    if category not in CATEGORIES:
        errors["category"] = _("Choose a category.")
    question = (question or "").strip()
    if not question:
        errors["question"] = errors.get("question") or _("Summarise the question.")
    elif len(question) > 2000:
        errors["question"] = _("At most 2000 characters.")
    if advice and len(advice) > 4000:
        errors["advice"] = _("At most 4000 characters.")
    if referral not in REFERRALS:
        errors["referral"] = _("Choose a referral (or none).")
    phone = re.sub(r"[\s]", "", worker_phone or "")
    if phone and not re.match(MOBILE_OR_PHONE, phone):
        errors["worker_phone"] = _("Enter a phone number such as 13800138000 or 010-65001234.")
    if worker_name and len(worker_name.strip()) > 60:
        errors["worker_name"] = _("At most 60 characters.")
    if enterprise_name and len(enterprise_name.strip()) > 160:
        errors["enterprise_name"] = _("At most 160 characters.")
    follow_up_note = (follow_up_note or "").strip()
    if follow_up and len(follow_up_note) > 300:
        errors["follow_up_note"] = _("At most 300 characters.")
    if errors:
        raise InvalidInput(errors)
    if consultation is None:
        consultation = Consultation(visit=visit, district_id=visit.district_id,
                                    recorded_by_id=user.id if user is not None else None)
        db.session.add(consultation)
    else:
        check_version(consultation, version)
    consultation.asker_type = asker_type
    consultation.people_count = people
    consultation.channel = channel
    consultation.category = category
    consultation.question = question
    consultation.advice = (advice or "").strip() or None
    consultation.referral = referral
    consultation.follow_up = bool(follow_up)
    consultation.follow_up_note = follow_up_note[:300] or None if follow_up else None
    consultation.enterprise_name = (enterprise_name or "").strip() or None
    consultation.worker_name = (worker_name or "").strip() or None
    consultation.worker_phone = phone or None
    db.session.flush()
    return consultation


def delete_consultation(consultation: Consultation, *, version: int | None = None) -> None:
    check_version(consultation, version)
    db.session.delete(consultation)
    db.session.flush()
