"""The e-mails of the notices: written in the transaction of the change, sent right after it commits, tried again
by the job ``notices.send_mail`` when the SMTP server did not take them.

Each mail is claimed (``claimed_at``) before it is sent, so the immediate send and the job never send one twice;
a claim older than ``CLAIM_MINUTES`` (a process died while sending) may be taken again.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from trainer.core.addresses import public_base
from trainer.core.clock import now_utc
from trainer.core.extensions import db
from trainer.jobs.reminders import SmtpSession
from trainer.notices.models import Notice, NoticeMail

log = logging.getLogger(__name__)
CLAIM_MINUTES = 10
MAX_ATTEMPTS = 5
TABLE = NoticeMail.__table__


def _base_url() -> str:
    return public_base()


def _body(greeting: str, intro: str, lines: list[str], closing: str) -> str:
    out = [greeting, "", intro, ""] + [f"- {line}" for line in lines] + ["", closing, "", "-- ",
                                                                       _("Trainer, Beijing trade-union federations. "
                                                                         "Times are Beijing time.")]
    return "\n".join(out)


def person_mail(notice: Notice, user) -> NoticeMail:
    """The e-mail of a person's notice, in the notice's language (the caller forces it)."""
    body = _body(_("Dear %(name)s,", name=user.display_name),
                 _("These items of your schedule were changed:"), [item["text"] for item in notice.items],
                 _("All your notices: %(url)s", url=f"{_base_url()}/notices"))
    return NoticeMail(notice=notice, to_address=user.email, to_name=user.display_name, subject=notice.subject,
                      body=body)


def station_mail(station, changes) -> NoticeMail:
    """The e-mail to a station's contact about the station's visits."""
    subject = _("Lawyer visits at %(station)s changed: %(n)s item(s)", station=station.name, n=len(changes))
    body = _body(_("Dear %(name)s,", name=station.contact_name or station.name),
                 _("These lawyer visits at %(station)s were changed:", station=station.name),
                 [change.text() for change in changes],
                 _("Questions: the district federation's coordinator."))
    return NoticeMail(to_address=station.contact_email, to_name=station.contact_name or "", subject=subject,
                      body=body)


def compose(row) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = row.subject
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = formataddr((row.to_name, row.to_address)) if row.to_name else row.to_address
    message["Message-ID"] = make_msgid(domain="trainer")
    message.set_content(row.body, charset="utf-8")
    return message


def _claim(conn, mail_id: int) -> bool:
    now = now_utc()
    stale = now - timedelta(minutes=CLAIM_MINUTES)
    result = conn.execute(update(TABLE).where(
        TABLE.c.id == mail_id, TABLE.c.sent_at.is_(None),
        or_(TABLE.c.claimed_at.is_(None), TABLE.c.claimed_at < stale)).values(
        claimed_at=now, attempts=TABLE.c.attempts + 1))
    return result.rowcount == 1


def send(ids: list[int]) -> tuple[int, int]:
    """Send these mails (each claimed first, on connections of their own); returns (sent, failed)."""
    if not ids or not current_app.config.get("MAIL_ENABLED"):
        return 0, 0
    sent = failed = 0
    with SmtpSession() as smtp:
        for mail_id in ids:
            with db.engine.begin() as conn:
                if not _claim(conn, mail_id):
                    continue
                row = conn.execute(select(TABLE).where(TABLE.c.id == mail_id)).one()
            try:
                smtp.send(compose(row))
            except (OSError, smtplib.SMTPException) as error:
                log.warning("notice mail %s to %s failed: %s", mail_id, row.to_address, error)
                with db.engine.begin() as conn:
                    conn.execute(update(TABLE).where(TABLE.c.id == mail_id).values(
                        claimed_at=None, error=str(error)[:300]))
                failed += 1
                continue
            with db.engine.begin() as conn:
                conn.execute(update(TABLE).where(TABLE.c.id == mail_id).values(sent_at=now_utc(), error=None))
            sent += 1
    return sent, failed


def send_now(ids: list[int]) -> None:
    """Right after a commit: never lets a mail problem reach the person who saved (the job tries again)."""
    try:
        send(ids)
    except Exception:  # noqa: BLE001 - the change is saved; the job sends what is left
        log.exception("notice mails %s not sent after the commit", ids)


def pending_ids(limit: int = 200) -> list[int]:
    """Mails not sent yet and not given up (at most MAX_ATTEMPTS tries), oldest first."""
    stale = now_utc() - timedelta(minutes=CLAIM_MINUTES)
    return list(db.session.scalars(select(NoticeMail.id).where(
        NoticeMail.sent_at.is_(None), NoticeMail.attempts < MAX_ATTEMPTS,
        or_(NoticeMail.claimed_at.is_(None), and_(NoticeMail.claimed_at < stale)))
        .order_by(NoticeMail.id).limit(limit)))
