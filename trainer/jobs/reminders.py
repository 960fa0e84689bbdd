"""Day-before reminders by e-mail (提醒邮件), built from the areas' FeedEvents (``remind_user_ids``).

At most once per (user, event, day): the ``ReminderSent`` rows are claimed and committed before the message is
sent. If sending fails the claims are removed so a later run tries again; if the process dies between claim and
send, that reminder is lost rather than sent twice.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from trainer.auth.models import User
from trainer.calendars import sources
from trainer.calendars.events import FeedEvent
from trainer.core.clock import LOCAL_TZ, now_utc, today_local
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.jobs.models import ReminderSent
from trainer.jobs.runner import Skip

log = logging.getLogger(__name__)


def _starts_on(event: FeedEvent, day: date) -> bool:
    start = event.start
    if isinstance(start, datetime):
        start = (start if start.tzinfo else start.replace(tzinfo=LOCAL_TZ)).astimezone(LOCAL_TZ).date()
    return start == day


def events_to_remind(day: date) -> dict[int, list[FeedEvent]]:
    """Per user id, the events starting on ``day`` that they should be reminded of (not cancelled)."""
    wanted: dict[int, dict[str, FeedEvent]] = {}

    def take(event: FeedEvent, user_ids) -> None:
        if event.status.upper() == "CANCELLED" or not _starts_on(event, day):
            return
        for user_id in user_ids:
            wanted.setdefault(user_id, {}).setdefault(event.uid, event)

    users = None
    for module in sources.feed_modules():
        bulk = getattr(module, "reminder_events", None)
        if bulk is not None:  # optional: an area that can list a whole day's events at once
            for event in bulk(day):
                take(event, event.remind_user_ids)
            continue
        per_user = getattr(module, "user_events", None)
        if per_user is None:
            continue
        if users is None:
            users = db.session.scalars(select(User).where(User.active.is_(True), User.email.is_not(None),
                                                          User.email != "")).all()
        for user in users:
            for event in per_user(user, day, day):
                if user.id in event.remind_user_ids:
                    take(event, (user.id,))
    return {user_id: sorted(events.values(), key=lambda e: str(e.start)) for user_id, events in wanted.items()}


def _claim(user_id: int, events: list[FeedEvent], day: date) -> list[FeedEvent]:
    """Claim the events not yet reminded; returns those this run must send (committed)."""
    done = set(db.session.scalars(select(ReminderSent.event_uid).where(ReminderSent.user_id == user_id,
                                                                       ReminderSent.day == day)))
    fresh = [e for e in events if e.uid not in done]
    claimed = []
    for event in fresh:
        db.session.add(ReminderSent(user_id=user_id, event_uid=event.uid[:200], day=day))
        try:
            db.session.commit()
        except IntegrityError:  # another run claimed it a moment ago
            db.session.rollback()
            continue
        claimed.append(event)
    return claimed


def _time_text(event: FeedEvent) -> str:
    if not isinstance(event.start, datetime):
        return _("all day")
    start = event.start.astimezone(LOCAL_TZ) if event.start.tzinfo else event.start
    end = event.end.astimezone(LOCAL_TZ) if isinstance(event.end, datetime) and event.end.tzinfo else event.end
    if isinstance(end, datetime) and end > start:
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M}"


def compose(user: User, events: list[FeedEvent], day: date) -> EmailMessage:
    config = current_app.config
    with force_locale(user.locale or config["BABEL_DEFAULT_LOCALE"]):
        day_text = format_day(day)
        lines = [_("Dear %(name)s,", name=user.display_name), "",
                 _("Tomorrow, %(day)s, you have:", day=day_text), ""]
        for event in events:
            lines.append(f"{_time_text(event)}  {event.summary}")
            if event.location:
                lines.append("    " + _("Where: %(place)s", place=event.location))
            if event.description:
                lines += ["    " + line for line in event.description.splitlines() if line.strip()]
            if event.url:
                lines.append("    " + _("Details: %(url)s", url=event.url))
            lines.append("")
        lines += ["-- ", _("Trainer, Beijing trade-union federations. Times are Beijing time."),
                  _("You receive this because the event is in your schedule.")]
        subject = _("Tomorrow (%(day)s): %(count)s items in your schedule", day=day_text, count=len(events))
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_SENDER"]
    message["To"] = formataddr((user.display_name, user.email))
    message["Message-ID"] = make_msgid(domain="trainer")
    message.set_content("\n".join(lines), charset="utf-8")
    return message


def connect_smtp() -> smtplib.SMTP:
    """A connection to the configured SMTP server (MAIL_SERVER, MAIL_PORT, MAIL_USE_TLS, MAIL_USERNAME)."""
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=20)
    if config.get("MAIL_USE_TLS"):
        smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
    return smtp


class SmtpSession:
    """One SMTP connection for a run of messages: opened at the first, opened afresh after a failure (the next
    message starts on a new connection), closed at the end. ``send`` raises OSError/SMTPException on failure."""

    def __init__(self):
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        try:
            self.smtp = self.smtp or connect_smtp()
            self.smtp.send_message(message)
        except (OSError, smtplib.SMTPException):
            if self.smtp is not None:
                self.smtp.close()
            self.smtp = None
            raise

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass


def send_reminders(today: date) -> str:
    """E-mail everyone tomorrow's events (those whose ``remind_user_ids`` name them). Idempotent."""
    if not current_app.config.get("MAIL_ENABLED"):
        raise Skip(_("E-mail sending is switched off in the settings: no reminders were sent."))
    day = today + timedelta(days=1)
    if day <= today_local():
        raise Skip(_("Reminders for %(day)s would come too late.", day=day.isoformat()))
    wanted = events_to_remind(day)
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(list(wanted))))} if wanted else {}
    sent = failed = people = 0
    with SmtpSession() as smtp:
        for user_id, events in wanted.items():
            user = users.get(user_id)
            if user is None or not user.active or not user.email:
                continue
            claimed = _claim(user_id, events, day)
            if not claimed:
                continue
            try:
                smtp.send(compose(user, claimed, day))
            except (OSError, smtplib.SMTPException) as error:
                log.warning("reminder to %s failed: %s", user.username, error)
                db.session.execute(delete(ReminderSent).where(
                    ReminderSent.user_id == user_id, ReminderSent.day == day,
                    ReminderSent.event_uid.in_([e.uid[:200] for e in claimed])))
                db.session.commit()
                failed += 1
                continue
            db.session.execute(ReminderSent.__table__.update().where(
                ReminderSent.user_id == user_id, ReminderSent.day == day,
                ReminderSent.event_uid.in_([e.uid[:200] for e in claimed])).values(sent_at=now_utc()))
            db.session.commit()
            people += 1
            sent += len(claimed)
    summary = _("%(sent)s reminders for %(day)s e-mailed to %(people)s people", sent=sent, day=day.isoformat(),
                people=people)
    if failed:
        # Recorded as an error so the jobs page shows it; the failed ones are tried again by the next run.
        raise RuntimeError(_("%(summary)s; %(n)s messages could not be sent (the mail server refused) and will be "
                             "tried again", summary=summary, n=failed))
    return summary
