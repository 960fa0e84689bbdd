"""Scheduled job: send the notice e-mails that could not be sent right after their change."""

from __future__ import annotations

from datetime import date

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.jobs.runner import Skip
from trainer.notices.operations import send_pending


def send_mail(today: date) -> str:
    """Idempotent: a sent mail is never sent again (claimed, then marked sent)."""
    if not current_app.config.get("MAIL_ENABLED"):
        raise Skip(_("E-mail sending is switched off in the settings: notices stay in the app."))
    sent, failed = send_pending()
    summary = _("%(n)s notice e-mails sent", n=sent)
    if failed:
        raise RuntimeError(_("%(summary)s; %(n)s could not be sent (the mail server refused) and will be tried "
                             "again", summary=summary, n=failed))
    return summary


JOBS = [{
    "name": "notices.send_mail",
    "func": send_mail,
    "trigger": "interval",
    "trigger_args": {"minutes": 10},
    "description": _l("Send the notice e-mails about changed schedules that could not be sent at once."),
}]
