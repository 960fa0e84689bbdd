"""Configuration: defaults, then ``instance/config.py``, then ``TRAINER_*`` environment variables."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

TIMEZONE = "Asia/Shanghai"


class Defaults:
    """Values every deployment starts from; override them in instance/config.py or TRAINER_* variables."""

    SQLALCHEMY_DATABASE_URI: str | None = None  # computed: SQLite in instance/ unless set
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True behind HTTPS (TRAINER_SESSION_COOKIE_SECURE=1)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = TIMEZONE
    LANGUAGES = {"zh": "中文", "en": "English"}
    RATELIMIT_ENABLED = True
    # Where login attempts are counted: database:// (the app's database, shared by every web worker), or
    # redis://… / memcached://… (TRAINER_RATELIMIT_STORAGE_URI). memory:// counts per process only.
    RATELIMIT_STORAGE_URI = "database://"
    RATELIMIT_LOGIN = "10 per minute;50 per hour"
    RATELIMIT_HEADERS_ENABLED = False
    PAGE_SIZE = 50
    # The largest request (an uploaded file, a form, a JSON body) in MB; larger ones are refused with 413
    # before they are read (TRAINER_MAX_UPLOAD_MB).
    MAX_UPLOAD_MB = 5
    # The public address links start with (subscribe links and QR codes, links inside feeds and e-mails), e.g.
    # "https://trainer.example.cn". Empty: each request's own scheme, host and port (trainer/core/addresses.py).
    PUBLIC_URL = ""
    # How many reverse proxies stand in front of the web workers (TRAINER_TRUSTED_PROXIES): their
    # X-Forwarded-For/-Proto/-Host/-Port headers are then believed (werkzeug's ProxyFix), so the login rate limit
    # counts each client's own address and links follow the public scheme and host. 0: no proxy, none believed.
    TRUSTED_PROXIES = 0
    # Where `flask serve` / `make run` listens (set by the launcher): links in e-mails sent outside any request
    # when PUBLIC_URL is empty.
    SERVE_URL = ""
    # The web server of `flask serve` / `make run`: "granian" (the default) or "gunicorn"
    # (TRAINER_WEB_SERVER); worker processes and threads per worker, 0 = chosen from the machine's cores
    # (trainer/launch/launcher.py).
    WEB_SERVER = "granian"
    WEB_WORKERS = 0
    WEB_THREADS = 0
    # Calendar feeds: the window of events they carry and how long cancellations stay visible.
    FEED_DAYS_BACK = 30
    FEED_DAYS_AHEAD = 180
    FEED_CANCELLED_GRACE_DAYS = 30
    # Each web process keeps the feed stamps in memory and reads them again after this many seconds (or at once
    # after a change it commits itself): a 304 touches no database (trainer/calendars/lookups.py).
    FEED_STAMPS_MAX_AGE_S = 1.0
    # Scheduler
    JOBS_PLAN_DAY_OF_MONTH = 20  # on this day the visit plan is rolled forward to next month
    JOBS_PLAN_PROVISIONAL = False  # roll_forward plans a not-yet-announced year on a provisional calendar
    JOBS_MEETING_HORIZON_DAYS = 120
    # A run still "running" after this many minutes is closed as failed (its process stopped or hung), so that
    # run-now and the next firing work again; runs of a dead scheduler are closed as soon as the lease moves.
    JOBS_RUN_TIMEOUT_MIN = 120
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_SENDER = "trainer@localhost"
    MAIL_ENABLED = False
    # People are told (in-app notice, e-mail when mail is on) of changes to their items this many days ahead.
    NOTICE_DAYS_AHEAD = 30
    INSTRUCTOR_SPAN_LIMIT = 8
    # Recording a lawyer's visit (docs/visits.md, "The visit record"): check-in opens this many minutes before
    # the station's slot and closes at its end.
    CHECKIN_EARLY_MIN = 30
    # A month's firm accounts are closed (stored by the job visits.monthly_accounts, 04:00) on this day of the
    # next month; until then the month's visits may still be recorded late.
    ACCOUNTS_CLOSE_DAY = 5
    # A visit the lawyer did not record in time may be recorded afterwards, with the reason it is late: None =
    # within the month's account period (until the day before ACCOUNTS_CLOSE_DAY of the next month); a number N
    # = until N days after the visit. Never once the firm's account of that month is stored (closed).
    RECORD_LATE_DAYS: int | None = None
    # A delivered visit shorter than this share of the contract's hours per visit is flagged "short".
    VISIT_SHORT_SHARE = 0.5
    API_TITLE = "Trainer API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_REDOC_PATH = None
    OPENAPI_SWAGGER_UI_PATH = None


def _coerce(raw: str):
    """Environment values are strings; accept JSON for numbers, booleans and lists."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, creating it on first run: never a constant in the code."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def load_config(app, overrides: dict | None = None) -> None:
    app.config.from_object(Defaults)
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    for name, raw in os.environ.items():
        if name.startswith("TRAINER_"):
            key = name.removeprefix("TRAINER_")
            if key == "DATABASE_URL":
                key = "SQLALCHEMY_DATABASE_URI"
            app.config[key] = _coerce(raw) if key != "SQLALCHEMY_DATABASE_URI" else raw
    if overrides:
        app.config.update(overrides)
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = f"sqlite:///{instance_path / 'trainer.db'}"
    if uri.startswith("postgres://") or uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship.
        uri = "postgresql+psycopg://" + uri.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    app.config["MAX_CONTENT_LENGTH"] = int(float(app.config["MAX_UPLOAD_MB"]) * 1024 * 1024)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(instance_path)
