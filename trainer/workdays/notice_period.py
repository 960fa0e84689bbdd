"""The minimum notice (最短提前通知期) of a district: automatic re-plans, proposals and the monthly roll-forward
never place or move an item on today or within the next N working days (default 2); only a coordinator who picks
such a day by hand may. The setting is ``District.notice_working_days``."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _

from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.models import District
from trainer.workdays.service import nth_working_day_after

DEFAULT_DAYS = 2
MAX_DAYS = 20


def notice_days(district_id: int | None) -> int:
    district = db.session.get(District, district_id) if district_id is not None else None
    return DEFAULT_DAYS if district is None else district.notice_working_days


def first_open_day(district_id: int | None, today: date | None = None) -> date:
    """The first day an automatic plan or a proposal may use: after today and the next N working days."""
    today = today or today_local()
    n = notice_days(district_id)
    if n <= 0:
        return today
    return nth_working_day_after(today, n, allow_provisional=True) + timedelta(days=1)


def set_notice_days(district: District, days) -> District:
    """Change the district's minimum notice (0 to 20 working days). The caller commits."""
    try:
        value = int(days)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= MAX_DAYS:
        raise InvalidInput({"working_days": _("Enter a number of working days from 0 to %(max)s.", max=MAX_DAYS)})
    district.notice_working_days = value
    db.session.flush()
    return district


__all__ = ["DEFAULT_DAYS", "MAX_DAYS", "first_open_day", "notice_days", "set_notice_days"]
