"""Accounts and tokens, loaded only when the current user may manage them (404 or 403 otherwise)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from trainer.auth.models import ApiToken, Role, User
from trainer.auth.permissions import district_scope
from trainer.core.extensions import db


def editable_user(user_id: int) -> User:
    """An account the caller may change: any for the admin; a coordinator's own district's, never an admin's."""
    user = db.get_or_404(User, user_id)
    scope = district_scope()
    if scope is not None and (user.district_id != scope or user.role == Role.ADMIN):
        abort(403)
    return user


def account_district_id(chosen: int | None) -> int | None:
    """The district an account is saved in: the admin's choice; a coordinator's accounts stay in their own."""
    if current_user.role != Role.ADMIN:
        return current_user.district_id
    return chosen or None


def own_token(token_id: int) -> ApiToken:
    """One of the caller's own API tokens; another person's does not exist for them."""
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    return token
