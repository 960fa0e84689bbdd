"""Subscription links: create, show again, reset, revoke, and the reminder choice."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import urlsafe_b64encode
from urllib.parse import urlsplit, urlunsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from trainer.auth.models import Role, User
from trainer.calendars.models import ALARM_CHOICES, FeedKind, FeedToken, StoredFeed
from trainer.calendars.sources import Subject
from trainer.core.addresses import public_base, scheme_of
from trainer.core.clock import now_utc
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput

STAFF_ROLES = (Role.ADMIN.value, Role.COORDINATOR.value)


def token_secret(nonce: str, key: str | None = None) -> str:
    """The secret in the link: HMAC-SHA256 over the stored nonce with the instance's SECRET_KEY (256 bits)."""
    key = key or current_app.config["SECRET_KEY"]
    digest = hmac.new(key.encode(), f"feed:{nonce}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def may_subscribe(user: User, kind: str, subject_id: int, subject_district_id: int | None) -> bool:
    """Whether the user may see this feed: their own schedule; staff also the stations, firms and programme
    years of their district (the city admin: of every district). Checked again on every fetch."""
    if not user.active:
        return False
    if kind == FeedKind.USER:
        return subject_id == user.id
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and subject_district_id is not None \
        and subject_district_id == user.district_id


def _new_nonce(token: FeedToken) -> None:
    token.nonce = secrets.token_urlsafe(32)
    token.token_hash = secret_hash(token_secret(token.nonce))


def feed_token(user: User, subject: Subject, create: bool = True) -> FeedToken | None:
    """The user's link to one feed, created on first use (flushes, does not commit)."""
    if not may_subscribe(user, subject.kind, subject.id, subject.district_id):
        raise InvalidInput(message=_("You may not subscribe to this calendar."))
    token = db.session.scalar(select(FeedToken).where(FeedToken.user_id == user.id, FeedToken.kind == subject.kind,
                                                      FeedToken.subject_id == subject.id))
    if token is None and create:
        token = FeedToken(user_id=user.id, kind=subject.kind, subject_id=subject.id,
                          subject_district_id=subject.district_id)
        _new_nonce(token)
        db.session.add(token)
        db.session.flush()
    return token


def tokens_of(user: User) -> dict[tuple[str, int], FeedToken]:
    rows = db.session.scalars(select(FeedToken).where(FeedToken.user_id == user.id))
    return {(t.kind, t.subject_id): t for t in rows}


def reset_token(token: FeedToken) -> FeedToken:
    """A new secret: the old link answers 404 from now on (also re-enables a revoked link); the feed bytes
    stored for the old link are dropped."""
    db.session.execute(delete(StoredFeed).where(StoredFeed.token_id == token.id))
    _new_nonce(token)
    token.reset_at = now_utc()
    token.revoked_at = None
    token.changed_at = now_utc()
    token.settings_version += 1
    db.session.flush()
    return token


def revoke_token(token: FeedToken) -> None:
    token.revoked_at = now_utc()
    token.changed_at = now_utc()
    db.session.flush()


def set_alarm(token: FeedToken, minutes: int | str | None) -> None:
    """The reminder (VALARM) the user wants on the feed's events: None, 15, 60 or 1440 minutes before."""
    if minutes in (None, "", "none", 0, "0"):
        value = None
    else:
        try:
            value = int(minutes)
        except (TypeError, ValueError):
            value = -1
        if value not in ALARM_CHOICES:
            raise InvalidInput({"alarm_minutes": _("Choose one of the reminder options.")})
    if value != token.alarm_minutes:
        token.alarm_minutes = value
        token.settings_version += 1
        token.changed_at = now_utc()
        db.session.flush()


def feed_urls(token: FeedToken) -> dict[str, str]:
    """The web and webcal:// links of a token (webcal:// opens the calendar app's subscribe dialog), built from the
    public address (``trainer.core.addresses.public_base``: ``PUBLIC_URL``, else the request's own scheme, host
    and port); ``scheme`` is the one the web link really uses (http or https), for its label."""
    web_url = f"{public_base()}/feeds/{token_secret(token.nonce)}.ics"
    parts = urlsplit(web_url)
    webcal_url = urlunsplit(("webcal",) + tuple(parts[1:]))
    return {"web": web_url, "webcal": webcal_url, "scheme": scheme_of(web_url)}
