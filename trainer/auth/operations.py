"""Accounts: create, change, disable; passwords; API tokens. Callers commit."""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainer.auth.models import ApiToken, Role, User, hash_token
from trainer.core.clock import now_utc
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput, clean_email

MIN_PASSWORD = 10


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    if user is None or not user.check_password(password) or not user.active:
        return None
    user.last_login_at = now_utc()
    return user


def _validate(username: str, role: str, district_id: int | None, existing: User | None) -> None:
    errors = {}
    clash = db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))
    if clash is not None and clash is not existing:
        errors["username"] = _("This user name is taken.")
    if role not in {r.value for r in Role}:
        errors["role"] = _("Unknown role.")
    if role in (Role.COORDINATOR, Role.TRAINEE) and not district_id:
        errors["district_id"] = _("A coordinator or trainee belongs to a district.")
    if errors:
        raise InvalidInput(errors)


def create_user(*, username: str, display_name: str, role: str, password: str, district_id: int | None = None,
                email: str | None = None, phone: str | None = None, active: bool = True) -> User:
    username = username.strip()
    email = clean_email(email, "email")
    _validate(username, role, district_id, None)
    if len(password or "") < MIN_PASSWORD:
        raise InvalidInput({"password": _("Use at least 10 characters.")})
    user = User(username=username, display_name=display_name.strip(), role=role,
                district_id=district_id if role != Role.ADMIN else None, email=email or None,
                phone=phone or None, active=active)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user: User, *, username: str, display_name: str, role: str, district_id: int | None,
                email: str | None, phone: str | None, active: bool, password: str | None = None) -> User:
    username = username.strip()
    email = clean_email(email, "email")
    _validate(username, role, district_id, user)
    user.username = username
    user.display_name = display_name.strip()
    user.role = role
    user.district_id = district_id if role != Role.ADMIN else None
    user.email = email or None
    user.phone = phone or None
    if user.active and not active:
        end_sessions(user)  # a disabled account's sessions end at once
    user.active = active
    if password:
        if len(password) < MIN_PASSWORD:
            raise InvalidInput({"password": _("Use at least 10 characters.")})
        user.set_password(password)
    db.session.flush()
    return user


def end_sessions(user: User) -> None:
    """End every session of the user at once, on every device: the session loader refuses a cookie whose
    session version is not the user's current one (logging out, a new password, a disabled account)."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def disable_user(user: User) -> None:
    """Disable an account (never deleted): its sessions end at once; its tokens and feeds stop working."""
    user.active = False
    end_sessions(user)


def set_password(user: User, password: str) -> None:
    """The operator sets a password (``flask users set-password``)."""
    user.set_password(password)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise InvalidInput({"current": _("The current password is not right.")})
    if len(new) < MIN_PASSWORD:
        raise InvalidInput({"new": _("Use at least 10 characters.")})
    user.set_password(new)
    db.session.flush()


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Returns the token row and the secret, which is shown once and never stored."""
    secret = "trn_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), token_hash=hash_token(secret), prefix=secret[:10])
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_api_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = now_utc()
    db.session.flush()
