"""Walks every registered route with every role: a route without an access mark, a role that gets in where it
should not, or a 500 fails here. District scope is tested per area; this is the role matrix."""

from __future__ import annotations

import pytest

from trainer.auth.models import Role
from trainer.auth.operations import create_api_token
from trainer.auth.permissions import PUBLIC, access_of
from trainer.core.extensions import db

ROLES = [r.value for r in Role]
SKIP_METHODS = {"HEAD", "OPTIONS"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        values = {}
        for name, converter in rule._converters.items():
            kind = type(converter).__name__
            values[name] = 999999 if kind == "IntegerConverter" else "2026-01-01" if "date" in name else "x"
        for method in sorted(rule.methods - SKIP_METHODS):
            yield rule, method, values


def test_every_route_has_an_access_mark(app):
    unmarked = [rule.rule for rule in app.url_map.iter_rules()
                if rule.endpoint != "static" and not rule.endpoint.startswith("api-docs.")
                and access_of(app.view_functions[rule.endpoint]) is None]
    assert unmarked == []


def _session_client(app, user):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def role_clients(app, make_user):
    clients, tokens = {}, {}
    for role in ROLES:
        user = make_user(role, "chaoyang")
        clients[role] = _session_client(app, user)
        _token, secret = create_api_token(user, "matrix")
        tokens[role] = secret
    db.session.commit()
    return clients, tokens


def test_role_matrix(app, role_clients):
    clients, tokens = role_clients
    anonymous = app.test_client()
    failures = []
    for rule, method, values in _routes(app):
        view = app.view_functions[rule.endpoint]
        mark = access_of(view)
        url = rule.build(values, append_unknown=False)[1]
        is_api = url.startswith("/api/")
        if rule.endpoint.startswith("api-docs."):
            mark = PUBLIC
        # Anonymous
        response = anonymous.open(url, method=method)
        if mark != PUBLIC:
            expected = 401 if is_api else 302
            if response.status_code != expected:
                failures.append(f"anonymous {method} {url}: {response.status_code}, expected {expected}")
        elif response.status_code >= 500:
            failures.append(f"anonymous {method} {url}: {response.status_code}")
        if mark == PUBLIC:
            continue
        for role in ROLES:
            if is_api:
                response = anonymous.open(url, method=method, headers={"Authorization": f"Bearer {tokens[role]}"},
                                          json={} if method in ("POST", "PUT", "PATCH") else None)
            else:
                response = clients[role].open(url, method=method, data={})
            status = response.status_code
            if status >= 500:
                failures.append(f"{role} {method} {url}: server error {status}")
            elif role not in mark and status != 403:
                failures.append(f"{role} {method} {url}: {status}, expected 403")
            elif role in mark and status in (401, 403) and not _ownership_refusal(response):
                failures.append(f"{role} {method} {url}: refused ({status}) though allowed")
            if url == "/logout" and not is_api:
                clients[role] = _session_client(app, _user_of(clients, role, app))
    assert failures == [], "\n".join(failures)


def _ownership_refusal(response) -> bool:
    """An allowed role may still be refused a record that is not theirs (id 999999 does not exist, so only
    pages that check ownership before existence answer 403); those say so in the page."""
    return response.status_code == 403 and b"ownership" in response.data


def _user_of(clients, role, app):
    from sqlalchemy import select

    from trainer.auth.models import User

    return db.session.scalars(select(User).where(User.role == role)).first()
