"""Scheduled job: send the notice e-mails that could not be sent right after their change."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l

from trainer.jobs.runner import Skip
from trainer.notices.operations import send_pending


def send_mail(today: date) -> str:
    """Idempotent: a sent mail is never sent again (claimed, then marked sent)."""
    if not current_app.config.get("MAIL_ENABLED"):
        raise Skip("e-mail is switched off (MAIL_ENABLED); notices stay in the app")
    sent, failed = send_pending()
    summary = f"{sent} notice e-mails sent"
    if failed:
        raise RuntimeError(f"{summary}; {failed} could not be sent (SMTP) and will be tried again")
    return summary


JOBS = [{
    "name": "notices.send_mail",
    "func": send_mail,
    "trigger": "interval",
    "trigger_args": {"minutes": 10},
    "description": _l("Send the notice e-mails about changed schedules that could not be sent at once."),
}]
