"""What the notices page, the header and the API read: a user's own notices, newest first."""

from __future__ import annotations

from sqlalchemy import func, select

from trainer.core.extensions import db
from trainer.notices.models import Notice


def notices_of(user_id: int, *, unread_only: bool = False):
    """The user's notices, newest first (a statement to paginate)."""
    stmt = select(Notice).where(Notice.user_id == user_id).order_by(Notice.id.desc())
    if unread_only:
        stmt = stmt.where(Notice.read_at.is_(None))
    return stmt


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notice).where(
        Notice.user_id == user_id, Notice.read_at.is_(None))) or 0


def own_notice(user_id: int, notice_id: int) -> Notice | None:
    """The notice if it is the user's; another person's notice is as good as missing (404)."""
    notice = db.session.get(Notice, notice_id)
    return notice if notice is not None and notice.user_id == user_id else None
