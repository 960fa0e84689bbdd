"""CSRF on every form, rate-limited login, generated secret key."""

from __future__ import annotations

import os
import tempfile

import pytest

from trainer import create_app
from trainer.auth.permissions import PUBLIC, access_of
from trainer.core.config import load_config


@pytest.fixture
def strict_app(app):
    """A second app on the same database, with CSRF and rate limits switched on as in production."""
    strict = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                         "SECRET_KEY": "another-test-key", "RATELIMIT_LOGIN": "3 per minute"})
    yield strict
    with strict.app_context():
        from trainer.core.extensions import db

        db.session.remove()
        db.engine.dispose()


def test_no_form_accepts_a_post_without_csrf_token(strict_app, make_user):
    user = make_user("admin", None)
    client = strict_app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
    checked = 0
    for rule in strict_app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        values = {name: 1 if type(conv).__name__ == "IntegerConverter" else "x"
                  for name, conv in rule._converters.items()}
        url = rule.build(values, append_unknown=False)[1]
        response = client.post(url, data={"anything": "1"})
        assert response.status_code == 400, f"{url} accepted a POST without CSRF token"
        checked += 1
    assert checked >= 5
    # What the user reads: what to do, in their language (not Flask-WTF's "The CSRF tokens do not match.")
    page = response.get_data(as_text=True)
    assert "表单已过期，或不是从本页面提交的。请返回并刷新页面后重新提交。" in page and "CSRF" not in page


def test_login_attempts_are_rate_limited(strict_app, make_user):
    user = make_user("coordinator")
    client = strict_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    from tests.conftest import csrf_token_from

    token = csrf_token_from(page)
    statuses = [client.post("/login", data={"username": user.username, "password": "bad", "csrf_token": token})
                .status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429
    again = client.post("/login", data={"username": "x", "password": "y", "csrf_token": token})
    assert "尝试次数过多" in again.get_data(as_text=True)


def test_secret_key_is_generated_into_instance_and_kept(monkeypatch):
    from flask import Flask

    folder = tempfile.mkdtemp()
    monkeypatch.delenv("TRAINER_SECRET_KEY", raising=False)
    first = Flask("x", instance_path=folder)
    load_config(first)
    second = Flask("x", instance_path=folder)
    load_config(second)
    assert len(first.config["SECRET_KEY"]) >= 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert oct(os.stat(os.path.join(folder, "secret_key")).st_mode)[-3:] == "600"


def test_environment_overrides_config(monkeypatch):
    from flask import Flask

    monkeypatch.setenv("TRAINER_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("TRAINER_PAGE_SIZE", "20")
    app = Flask("x", instance_path=tempfile.mkdtemp())
    load_config(app)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert app.config["PAGE_SIZE"] == 20


def test_public_routes_are_few(app):
    public = sorted(rule.rule for rule in app.url_map.iter_rules()
                    if access_of(app.view_functions[rule.endpoint]) == PUBLIC)
    allowed = {"/login", "/lang/<code>", "/api/v1/docs"}
    assert all(r in allowed or r.startswith("/feeds/") for r in public), public
