"""Feed tokens (the secret in each subscription link) and stored feed bytes.

``FeedStamp`` lives in ``stamps.py`` (areas import it from there); it is re-exported here so the app's model
discovery (``trainer/<area>/models.py``) sees every table of this area.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.auth.models import User
from trainer.calendars.stamps import (  # noqa: F401  (FeedStamp re-exported for discovery)
    FeedStamp,
    feed_follows,
    feed_links_follow,
)
from trainer.core.clock import now_utc
from trainer.core.extensions import db


class FeedKind(enum.StrEnum):
    USER = "user"  # a person's own schedule (个人日程)
    STATION = "station"  # one service station's visiting days (服务站)
    FIRM = "firm"  # one law firm's visits and duty (律所)
    PROGRAMME_YEAR = "programme_year"  # one year of the rotation programme (以干代训年度)


FEED_KINDS = tuple(k.value for k in FeedKind)
ALARM_CHOICES = (15, 60, 1440)  # minutes before the start; None = no reminder


class FeedToken(db.Model):
    """One subscription link of one user to one feed (个人订阅链接).

    The link's secret is never stored. It is ``HMAC(SECRET_KEY, "feed:{id}:{nonce}")``; the row keeps the
    random nonce and the SHA-256 of the secret (to find the row). A copy of the database alone therefore
    reveals no working link, the subscribe page can show the link again, and a reset (new nonce) stops the
    old link at once.
    """

    __tablename__ = "feed_tokens"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "subject_id"),
        CheckConstraint(f"kind IN {FEED_KINDS!r}", name="kind_known"),
        CheckConstraint("alarm_minutes IS NULL OR alarm_minutes IN (15, 60, 1440)", name="alarm_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The user's own id for kind "user"; the station, firm or programme year otherwise.
    subject_id: Mapped[int] = mapped_column(Integer)
    # The district the subject belongs to (None: city-wide); checked on every request without loading it.
    subject_district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"))
    nonce: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    alarm_minutes: Mapped[int | None] = mapped_column(Integer)
    # Raised when the feed's own settings change (reminder choice), so the ETag changes with them.
    settings_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    reset_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_fetched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<FeedToken {self.id} {self.kind}:{self.subject_id} of user {self.user_id}>"


class StoredFeed(db.Model):
    """The last built bytes of a feed, keyed by its ETag: repeated full responses serve these bytes."""

    __tablename__ = "stored_feeds"

    token_id: Mapped[int] = mapped_column(ForeignKey("feed_tokens.id", ondelete="CASCADE"), primary_key=True)
    etag: Mapped[str] = mapped_column(String(80))
    last_modified: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    event_count: Mapped[int] = mapped_column(default=0)
    built_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    build_ms: Mapped[int] = mapped_column(default=0)


class FeedEventBlock(db.Model):
    """One event's VEVENT block as ``icalendar`` wrote it (``trainer.calendars.blocks``): building a feed joins
    stored blocks. Keyed by the event's UID and a variant (the reminder choice); the block is used only while the
    event's SEQUENCE, LAST-MODIFIED and everything else it shows are the same (``digest``)."""

    __tablename__ = "feed_event_blocks"

    uid: Mapped[str] = mapped_column(String(255), primary_key=True)
    variant: Mapped[str] = mapped_column(String(20), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    last_modified: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    digest: Mapped[str] = mapped_column(String(64))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc, index=True)


# A person's feed is named after them ("王建华的日程"): a new name is a new feed.
feed_follows(User, ("display_name",))
# What a link answers depends on the link and on its user's standing: the links kept in memory are dropped.
feed_links_follow(FeedToken)
feed_links_follow(User, ("active", "role", "district_id", "locale"))
