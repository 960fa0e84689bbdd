"""What the account pages read, within the caller's district scope (the city admin sees every district)."""

from __future__ import annotations

from sqlalchemy import select

from trainer.auth.models import ApiToken, User
from trainer.auth.permissions import district_scope
from trainer.core.extensions import db
from trainer.org.models import District


def districts_for_choice() -> list[District]:
    """The districts an account may be put in: the caller's own, or every district for the admin."""
    stmt = select(District).order_by(District.sort_order)
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(District.id == scope)
    return list(db.session.scalars(stmt))


def accounts():
    """The accounts the caller manages, by role and user name (a select to paginate)."""
    stmt = select(User).order_by(User.role, User.username)
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(User.district_id == scope)
    return stmt


def tokens_of(user: User) -> list[ApiToken]:
    """A user's API tokens, newest first."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc())))


def user_named(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def all_users() -> list[User]:
    """Every account, by role and user name (the operator's list)."""
    return list(db.session.scalars(select(User).order_by(User.role, User.username)))
