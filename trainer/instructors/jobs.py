"""Scheduled job: keep every meeting series placed ``JOBS_MEETING_HORIZON_DAYS`` ahead."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from trainer.core.extensions import db
from trainer.instructors.meetings.operations import expand_all, horizon


def expand_meetings(today: date) -> str:
    """Idempotent: a meeting exists once per (series, rule date); a second run creates nothing. Nothing is
    placed in the past or within a district's minimum notice (the roll-forward is automatic)."""
    result = expand_all(horizon(today), today=today)
    db.session.commit()
    return result.summary()


JOBS = [{
    "name": "instructors.expand_meetings",
    "func": expand_meetings,
    "trigger": "cron",
    "trigger_args": {"hour": 3, "minute": 10},
    "description": _l("Place the guidance meetings of every series on working days, up to the horizon."),
}]
