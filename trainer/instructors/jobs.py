"""Scheduled job: keep every meeting series placed ``JOBS_MEETING_HORIZON_DAYS`` ahead."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from trainer.core.extensions import db


def expand_meetings(today: date) -> str:
    """Idempotent: a meeting exists once per (series, rule date); a second run creates nothing."""
    from trainer.instructors.operations import expand_all

    horizon = today + timedelta(days=int(current_app.config.get("JOBS_MEETING_HORIZON_DAYS", 120)))
    result = expand_all(horizon)
    db.session.commit()
    return result.summary()


JOBS = [{
    "name": "instructors.expand_meetings",
    "func": expand_meetings,
    "trigger": "cron",
    "trigger_args": {"hour": 3, "minute": 10},
    "description": _l("Place the guidance meetings of every series on working days, up to the horizon."),
}]
