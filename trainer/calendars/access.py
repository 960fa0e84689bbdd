"""Subscription links and feed subjects, loaded only when the current user may see them."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from trainer.calendars import operations, sources
from trainer.calendars.models import FeedKind, FeedToken
from trainer.core.extensions import db


def own_token(token_id: int) -> FeedToken:
    """One of the caller's own links; another person's link does not exist for them (404)."""
    token = db.get_or_404(FeedToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    return token


def subject(kind: str, subject_id: int) -> sources.Subject:
    """The subject of a feed (404 when there is none), if the caller may subscribe to it (else 403)."""
    if kind not in {k.value for k in FeedKind}:
        abort(404)
    found = sources.load_subject(kind, subject_id)
    if found is None:
        abort(404)
    if not operations.may_subscribe(current_user, kind, found.id, found.district_id):
        abort(403)
    return found


def own_subject() -> sources.Subject:
    """The caller's own schedule as a feed subject."""
    return sources.Subject(FeedKind.USER.value, current_user.id, current_user.display_name,
                           current_user.district_id, current_user)
