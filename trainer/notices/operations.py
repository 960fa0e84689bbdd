"""Marking notices read, and sending the e-mails left unsent. Callers commit."""

from __future__ import annotations

from sqlalchemy import update

from trainer.core.clock import now_utc
from trainer.core.extensions import db
from trainer.notices import mail
from trainer.notices.models import Notice


def mark_read(notice: Notice) -> Notice:
    if notice.read_at is None:
        notice.read_at = now_utc()
    db.session.flush()
    return notice


def mark_all_read(user_id: int) -> int:
    """Every unread notice of the user marked read; returns how many."""
    result = db.session.execute(update(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None))
                                .values(read_at=now_utc()).execution_options(synchronize_session=False))
    return result.rowcount or 0


def send_pending() -> tuple[int, int]:
    """The e-mails not sent yet (SMTP was down, or the process stopped after the commit): (sent, failed).
    Each is claimed before sending, on a connection of its own, so nothing is sent twice."""
    return mail.send(mail.pending_ids())
