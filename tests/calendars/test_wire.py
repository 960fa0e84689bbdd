"""Feeds at the wire: a 304 and a repeated full answer touch no database (every statement counted, through
SQLAlchemy and at the driver), a change committed here is seen by the next request, a change committed by another
process within the stamps' age, and links follow the address the request came to."""

from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, text

from tests.calendars import parsers
from tests.calendars.fake_area import add_visit
from trainer.calendars import lookups, operations, serving, sources
from trainer.core.clock import now_utc
from trainer.core.extensions import db
from trainer.web.shell import trust_proxies

pytestmark = pytest.mark.usefixtures("fake_area_installed")


class _CountingCursor:
    def __init__(self, cursor, statements):
        self._cursor, self._statements = cursor, statements

    def execute(self, sql, *args, **kwargs):
        self._statements.append(sql)
        return self._cursor.execute(sql, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._cursor, name)


class _CountingConnection:
    def __init__(self, connection, statements):
        self._connection, self._statements = connection, statements

    def cursor(self, *args, **kwargs):
        return _CountingCursor(self._connection.cursor(*args, **kwargs), self._statements)

    def __getattr__(self, name):
        return getattr(self._connection, name)


@contextmanager
def every_statement(monkeypatch):
    """Every SQL statement sent to the database: through SQLAlchemy (engine events) and on the feed path's own
    driver connection (a new one, counted at the driver)."""
    statements: list[str] = []
    engine = db.engine
    lookups.reset_reader()
    real_connect = engine.dialect.connect
    monkeypatch.setattr(engine.dialect, "connect",
                        lambda *a, **k: _CountingConnection(real_connect(*a, **k), statements))

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)
        lookups.reset_reader()


@pytest.fixture
def lawyer(make_user):
    return make_user("lawyer", "chaoyang")


def _path(user) -> str:
    token = operations.feed_token(user, sources.Subject("user", user.id, user.display_name, user.district_id, user))
    db.session.commit()
    return operations.feed_urls(token)["web"].removeprefix("http://trainer.test")


def test_304_and_repeated_answers_touch_no_database(app, client, lawyer, monkeypatch):
    monkeypatch.setitem(app.config, "FEED_STAMPS_MAX_AGE_S", 3600)  # no timed re-read during the test
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, title="驻站咨询")
    db.session.commit()
    path = _path(lawyer)
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["ETag"]

    with every_statement(monkeypatch) as statements:
        for _ in range(3):
            assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
            head = client.head(path)
            assert head.status_code == 200 and head.headers["ETag"] == etag
            again = client.get(path)
            assert again.status_code == 200 and again.data == first.data
    assert statements == []

    # Another worker (nothing kept in its memory) answers the full feed from the stored bytes: one lookup for
    # the link, one for the stamps, one for the bytes — and builds nothing.
    serving.memory.clear()
    lookups.reset()
    monkeypatch.setattr(serving, "build_feed", lambda *a: pytest.fail("built again"))
    with every_statement(monkeypatch) as statements:
        assert client.get(path).data == first.data
    assert len(statements) == 3, statements


def test_a_change_committed_here_is_seen_by_the_next_request(app, client, lawyer, monkeypatch):
    monkeypatch.setitem(app.config, "FEED_STAMPS_MAX_AGE_S", 3600)
    visit = add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, title="驻站咨询")
    db.session.commit()
    path = _path(lawyer)
    etag = client.get(path).headers["ETag"]
    visit.title = "驻站咨询（改期）"
    visit.touch()
    db.session.commit()
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert [e["summary"] for e in parsers.read_icalendar(response.data)] == ["驻站咨询（改期）"]


def test_another_process_is_seen_within_the_stamps_age(app, client, lawyer, monkeypatch):
    """A change written by another process (here: its own connection, no session of this one) is not announced to
    this process: the feed follows it once the kept stamps are older than FEED_STAMPS_MAX_AGE_S."""
    monkeypatch.setitem(app.config, "FEED_STAMPS_MAX_AGE_S", 0.3)
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, title="驻站咨询")
    db.session.commit()
    path = _path(lawyer)
    etag = client.get(path).headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304
    with db.engine.begin() as other:
        other.execute(text("UPDATE test_fake_visits SET title = '另一个进程改的', sequence = sequence + 1"))
        other.execute(text("UPDATE feed_stamps SET version = version + 1"))
    time.sleep(0.4)
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert [e["summary"] for e in parsers.read_icalendar(response.data)] == ["另一个进程改的"]

    # A link switched off by another process answers 404 once the stamps are read again.
    with db.engine.begin() as other:
        other.execute(text("UPDATE feed_tokens SET revoked_at = :now"), {"now": now_utc()})
        other.execute(text("UPDATE feed_stamps SET version = version + 1 WHERE scope = 'links'"))
    time.sleep(0.4)
    assert client.get(path).status_code == 404


def test_a_disabled_user_or_a_new_reminder_is_seen_at_once(app, client, lawyer, monkeypatch):
    monkeypatch.setitem(app.config, "FEED_STAMPS_MAX_AGE_S", 3600)
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id)
    db.session.commit()
    path = _path(lawyer)
    etag = client.get(path).headers["ETag"]
    token = operations.feed_token(lawyer, sources.Subject("user", lawyer.id, "", lawyer.district_id, lawyer))
    operations.set_alarm(token, 60)
    db.session.commit()
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200 and b"BEGIN:VALARM" in response.data
    lawyer.active = False
    db.session.commit()
    assert client.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 404


def test_without_public_url_the_feed_links_follow_the_request(app, lawyer, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "")
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id)
    db.session.commit()
    with app.test_request_context(base_url="http://192.168.1.20:8080"):
        path = _path(lawyer).removeprefix("http://192.168.1.20:8080")
    client = app.test_client()
    one = client.get(path, base_url="http://192.168.1.20:8080")
    other = client.get(path, base_url="https://trainer.example.cn")
    assert b"http://192.168.1.20:8080/visits/" in one.data
    assert b"https://trainer.example.cn/visits/" in other.data and b"192.168" not in other.data
    assert one.headers["ETag"] != other.headers["ETag"]
    assert client.get(path, base_url="http://192.168.1.20:8080",
                      headers={"If-None-Match": one.headers["ETag"]}).status_code == 304


def test_cancellation_grace_in_the_stored_bytes(client, lawyer):
    """Stored bytes are keyed by the day: a cancellation that expired overnight is gone the next day."""
    visit = add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, status="CANCELLED")
    visit.updated_at = now_utc() - timedelta(days=1)
    db.session.commit()
    assert len(parsers.read_icalendar(client.get(_path(lawyer)).data)) == 1


def test_behind_a_trusted_proxy_links_follow_the_public_scheme_and_host(app, lawyer, monkeypatch):
    """TRUSTED_PROXIES=1: the proxy's X-Forwarded-* headers give the scheme and host the links use; with no proxy
    declared the same headers are ignored (anyone could send them)."""
    monkeypatch.setitem(app.config, "PUBLIC_URL", "")
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id)
    db.session.commit()
    with app.test_request_context(base_url="http://10.0.0.5:8000"):
        path = _path(lawyer).removeprefix("http://10.0.0.5:8000")
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "trainer.example.cn", "X-Forwarded-For": "1.2.3.4"}
    ignored = app.test_client().get(path, base_url="http://10.0.0.5:8000", headers=forwarded)
    assert b"http://10.0.0.5:8000/visits/" in ignored.data and b"trainer.example.cn" not in ignored.data

    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)  # put back after the test
    trust_proxies(app)
    believed = app.test_client().get(path, base_url="http://10.0.0.5:8000", headers=forwarded)
    assert b"https://trainer.example.cn/visits/" in believed.data and b"10.0.0.5" not in believed.data
