"""The permission rules: every route declares who may use it; the district scope is checked on the server.

``allow(...)`` marks a view with the roles that may use it; the app refuses any route that has no mark (fail
closed), and ``tests/test_access_matrix.py`` walks every registered route with every role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from flask import abort, request, session
from flask_login import current_user
from sqlalchemy import select

from trainer.auth.models import Role
from trainer.core.extensions import db
from trainer.org.models import District

ACCESS_ATTR = "_trainer_access"
PUBLIC = "public"
ANY_USER = frozenset(Role)
STAFF = frozenset({Role.ADMIN, Role.COORDINATOR})


def allow(*roles: Role | str | Iterable[Role]) -> Callable:
    """Only logged-in users with one of ``roles`` reach the view; others get 401 (not logged in) or 403."""
    allowed: set[str] = set()
    for role in roles:
        if isinstance(role, str):
            allowed.add(str(role))
        else:
            allowed.update(str(r) for r in role)
    unknown = allowed - {r.value for r in Role}
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        setattr(guarded, ACCESS_ATTR, frozenset(allowed))
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Marks a view that anyone may reach (login page, feeds with their own token, static files)."""
    setattr(view, ACCESS_ATTR, PUBLIC)
    return view


def access_of(view: Callable | None):
    """The access mark of a view function, or None when it has none (then the app refuses it)."""
    if view is None:
        return None
    mark = getattr(view, ACCESS_ATTR, None)
    if mark is None and hasattr(view, "view_class"):
        mark = getattr(view.view_class, ACCESS_ATTR, None)
    return mark


def district_scope() -> int | None:
    """The district the current user is confined to, or None for the city admin who sees all."""
    if current_user.role == Role.ADMIN:
        return None
    return current_user.district_id


def can_see_district(district_id: int | None) -> bool:
    if not current_user.is_authenticated:
        return False
    if current_user.role == Role.ADMIN:
        return True
    return district_id is not None and district_id == current_user.district_id


def check_district(district_id: int | None) -> None:
    """403 unless the current user works in that district (the admin works in all)."""
    if not can_see_district(district_id):
        abort(403)


def scoped(stmt, district_column):
    """Restrict a select() to the current user's district (no change for the admin)."""
    scope = district_scope()
    if scope is None:
        return stmt
    return stmt.where(district_column == scope)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def working_district():
    """The district a page works on: a coordinator's own; for the admin the one chosen with ?district=CODE
    (remembered in the session), else the first. Other roles: their own district, if any."""
    if current_user.role != Role.ADMIN:
        return current_user.district
    code = request.args.get("district") or session.get("district")
    district = None
    if code:
        district = District.by_code(code)
    if district is None:
        district = db.session.scalar(select(District).order_by(District.sort_order).limit(1))
    if district is not None:
        session["district"] = district.code
    return district
