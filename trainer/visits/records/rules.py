"""The recording rules of a visit, in one place: when check-in opens and closes, until when a forgotten visit may
be recorded afterwards, and what state a visit is in for the people who look at it.

- check-in opens ``CHECKIN_EARLY_MIN`` (30) minutes before the station's slot and closes at the slot's end;
- a visit is **in progress** (进行中) from check-in until check-out on its day; checked in but never checked out
  once its day is over, it is **without check-out** (未签退) and flagged to the coordinator;
- a planned visit whose slot has ended with no check-in is **unrecorded** (待补记); the lawyer may record it
  afterwards, saying why, within the month's account period — until the day before ``ACCOUNTS_CLOSE_DAY`` (the
  5th) of the next month, when the job closes the month's accounts — (``RECORD_LATE_DAYS`` = None) or until N
  days after the visit (``RECORD_LATE_DAYS`` = N), and never once the firm's account of that month is stored;
- a delivered visit shorter than ``VISIT_SHORT_SHARE`` of the contract's hours per visit is **short** (时长过短).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from trainer.core.clock import as_utc, local_datetime, now_utc, to_local
from trainer.core.extensions import db
from trainer.core.months import Month, month_bounds, month_key, month_of, shift_month
from trainer.visits.models import FirmMonthlyAccount, Visit

# The states a page shows (labels in trainer.visits.labels.STATE_LABELS).
PLANNED, UNRECORDED, IN_PROGRESS, DELIVERED, NO_CHECKOUT, UNTIMED, MISSED, CANCELLED = (
    "planned", "unrecorded", "in_progress", "delivered", "no_checkout", "untimed", "missed", "cancelled")
# States the coordinator is asked to look at.
FLAGGED = (UNRECORDED, NO_CHECKOUT, UNTIMED)


def now() -> datetime:
    """The moment the recording rules judge by: the server's clock, never the phone's (tests set it here)."""
    return now_utc()


def slot(visit: Visit) -> tuple[datetime, datetime]:
    """The visit's slot in Beijing time, from the station's hours (09:00-12:00 …)."""
    start, end = visit.station.hours_of(visit.half)
    return local_datetime(visit.day, start), local_datetime(visit.day, end)


def early_minutes() -> int:
    return int(current_app.config.get("CHECKIN_EARLY_MIN", 30))


def checkin_window(visit: Visit) -> tuple[datetime, datetime]:
    """(opens, closes): from CHECKIN_EARLY_MIN minutes before the slot to its end."""
    start, end = slot(visit)
    return start - timedelta(minutes=early_minutes()), end


def slot_over(visit: Visit, at: datetime | None = None) -> bool:
    return as_utc(at or now()) > as_utc(slot(visit)[1])


def state(visit: Visit, at: datetime | None = None) -> str:
    """What the visit is at ``at`` (now), as a person would say it (see the module's docstring)."""
    at = at or now()
    if visit.status in (CANCELLED, MISSED):
        return visit.status
    if visit.status == PLANNED:
        return UNRECORDED if slot_over(visit, at) else PLANNED
    if visit.checked_in_at is None:
        return UNTIMED
    if visit.checked_out_at is None:
        return IN_PROGRESS if to_local(at).date() <= visit.day else NO_CHECKOUT
    return DELIVERED


def hours(visit: Visit) -> float | None:
    """The hours between check-in and check-out, None without both."""
    if visit.checked_in_at is None or visit.checked_out_at is None:
        return None
    return (as_utc(visit.checked_out_at) - as_utc(visit.checked_in_at)).total_seconds() / 3600


def short_share() -> float:
    return float(current_app.config.get("VISIT_SHORT_SHARE", 0.5))


def is_short(visit: Visit, hours_per_visit: float) -> bool:
    """Delivered with both times, and shorter than VISIT_SHORT_SHARE of the contract's hours per visit."""
    measured = hours(visit)
    share = short_share()
    return measured is not None and hours_per_visit > 0 and measured < hours_per_visit * share


def month_closed(visit: Visit) -> bool:
    """The firm's account of the visit's month is stored (the monthly job, the 1st at 04:00)."""
    return db.session.scalar(select(FirmMonthlyAccount.id).where(
        FirmMonthlyAccount.firm_id == visit.firm_id,
        FirmMonthlyAccount.month == month_key(month_of(visit.day)))) is not None


def close_day() -> int:
    """The day of the next month on which a month's accounts are closed (ACCOUNTS_CLOSE_DAY, 1–28)."""
    return min(28, max(1, int(current_app.config.get("ACCOUNTS_CLOSE_DAY", 5))))


def account_period_end(month: Month) -> date:
    """The last day of a month's account period: the day before its accounts are closed."""
    return month_bounds(shift_month(month, 1))[0] + timedelta(days=close_day() - 2)


def late_deadline(visit: Visit) -> date:
    """The last day a lawyer may record the visit afterwards."""
    days = current_app.config.get("RECORD_LATE_DAYS")
    if days is None or days == "":
        return account_period_end(month_of(visit.day))
    return visit.day + timedelta(days=int(days))


@dataclass(frozen=True)
class LateWindow:
    """Whether the lawyer may still record the visit afterwards, and until when (or why not)."""

    open: bool
    until: date
    closed_month: bool = False


def late_window(visit: Visit, today: date) -> LateWindow:
    until = late_deadline(visit)
    closed = month_closed(visit)
    return LateWindow(open=not closed and today <= until, until=until, closed_month=closed)
