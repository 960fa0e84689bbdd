"""Fixtures: one app per test session on a real database (SQLite file, or PostgreSQL when
TRAINER_TEST_DATABASE_URL is set), emptied between tests; users of every role; logged-in clients."""

from __future__ import annotations

import os
import re
import tempfile
from datetime import UTC
from io import BytesIO
from pathlib import Path

import pytest
import time_machine
from openpyxl import Workbook
from sqlalchemy import delete, update

from tests.clock import TODAY, Clock
from trainer import create_app
from trainer.auth.models import Role, User
from trainer.core.clock import local_datetime
from trainer.core.extensions import db
from trainer.org.demo import ensure_districts
from trainer.org.models import District
from trainer.workdays import library

# The tests' calendar world is chinesecalendar 1.11's: official years 2004-2026, and 2027 not yet announced (the
# notice is entered by hand, plans for 2027 are provisional). A newer release of the library, installed on a
# machine later, may ship 2027; the tests keep to 2026 so that what they check does not change with it. The
# product itself takes every year the installed library knows.
LIBRARY_LAST_YEAR = 2026
_library_year_range = library.year_range


def _year_range_of_the_tests() -> tuple[int, int] | None:
    span = _library_year_range()
    return None if span is None else (span[0], min(span[1], LIBRARY_LAST_YEAR))


library.year_range = _year_range_of_the_tests

PASSWORD = "correct-horse-battery"
# The time limit of every solver run in a test that checks its plan (all visits placed, the lead rather than the
# backup, the least change, an even roster). On the tests' small cases the solvers prove their plan best in well
# under a second and stop there, so this limit is never reached; a short one, though, would hand back a poorer
# plan on a loaded machine (the limit is wall-clock time) and fail the test for no fault of the code.
SOLVER_TIME_S = 60.0


@pytest.fixture(scope="session")
def app(_travel):
    tmp = tempfile.mkdtemp(prefix="trainer-test-")
    url = os.environ.get("TRAINER_TEST_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'test.db'}"
    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "PUBLIC_URL": "http://trainer.test",
    })
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


# 09:30 Beijing on TODAY, in UTC: a destination in Asia/Shanghai would make time-machine change the process's own
# time zone too.
START = local_datetime(TODAY, "09:30").astimezone(UTC)


@pytest.fixture(scope="session", autouse=True)
def _travel():
    """The whole session, its module-wide worlds (the crawl's demo) included, lives on the tests' clock."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def clock(_travel):
    """The tests' clock: 09:30 Beijing time on TODAY (a Tuesday late in November 2026, December ahead), whatever
    day the suite runs on, held still until a test sets it (``clock.set("18:00")``, ``clock.set("09:00", day)``)
    and back there for the next test.

    Everything in the process reads it (time-machine: ``datetime.now``, ``date.today``, ``time.time``), so the
    app, the planners, the jobs and the browser tests' live server all agree on "today".
    """
    _travel.move_to(START)
    yield Clock(_travel)
    _travel.move_to(START)


@pytest.fixture(autouse=True)
def _clean_db(app, clock):
    """Each test starts with the 16 districts and nothing else."""
    ctx = app.app_context()
    ctx.push()
    ensure_districts()
    db.session.commit()
    yield
    empty_database()
    ctx.pop()


def empty_database() -> None:
    """Back to the starting point: the districts, with their settings as new, and nothing else."""
    db.session.rollback()
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "districts":
                conn.execute(delete(table))
        # The districts outlive a test, so what a test (or the API fuzz run) set on one must not reach the next:
        # a minimum notice of 20 working days left on Chaoyang closes most of a month to every later planner.
        conn.execute(update(District).values(**district_settings_as_new()))


def district_settings_as_new() -> dict:
    """Every column of a district that is not what ensure_districts writes (its identity), at its default."""
    identity = {"id", "code", "name", "name_en", "sort_order"}
    settings = {}
    for column in District.__table__.columns:
        if column.name in identity:
            continue
        assert column.default is not None and column.default.is_scalar, (
            f"districts.{column.name}: give it a scalar default, or reset it in tests/conftest.py")
        settings[column.key] = column.default.arg
    return settings


@pytest.fixture
def smtp(app):
    """A local SMTP server (tests/jobs/smtp_sink.py); the app sends its e-mail there during the test."""
    from tests.jobs.smtp_sink import SmtpSink

    with SmtpSink() as sink:
        saved = {key: app.config.get(key) for key in ("MAIL_ENABLED", "MAIL_SERVER", "MAIL_PORT")}
        app.config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
        yield sink
        app.config.update(saved)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def districts():
    from sqlalchemy import select

    from trainer.org.models import District

    return {d.code: d for d in db.session.scalars(select(District))}


@pytest.fixture
def make_user(districts):
    counter = {"n": 0}

    def make(role: str = Role.COORDINATOR, district: str | None = "chaoyang", username: str | None = None,
             **extra) -> User:
        counter["n"] += 1
        user = User(username=username or f"{role}{counter['n']}", display_name=f"测试{role}{counter['n']}",
                    role=role, district_id=districts[district].id if district and role != Role.ADMIN else None,
                    **extra)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user

    return make


def login(client, user: User, password: str = PASSWORD):
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


@pytest.fixture
def login_as(app, make_user):
    """login_as("coordinator", "chaoyang") -> a test client logged in as a new user of that role."""

    def _login(role: str = Role.COORDINATOR, district: str | None = "chaoyang", user: User | None = None):
        user = user or make_user(role, district)
        client = app.test_client()
        login(client, user)
        client.user = user
        return client

    return _login


def xlsx_file(headers, rows):
    """A real Excel workbook in memory: the header row, then the rows (for upload tests)."""
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def text_of(html: str) -> str:
    """A page's text as a person reads it: tags dropped, white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def errors_of(html: str) -> list[str]:
    """The messages shown beside fields (<p class="error" ...>)."""
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)]
