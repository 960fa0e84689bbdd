"""Language choice and the Chinese way of writing dates (2027年3月5日 周五)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date, format_time
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from trainer.core.clock import to_local

DATE_PATTERNS = {"zh": "y年M月d日 EEE", "en": "EEE d MMM y"}
MONTH_PATTERNS = {"zh": "y年M月", "en": "MMMM y"}


def select_locale() -> str:
    if not has_request_context():
        # CLI commands, jobs and the demo loader speak the default language (Chinese).
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    # Chinese first: English only when the browser prefers it over Chinese.
    best = request.accept_languages.best_match(list(languages)) if request else None
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]


def lang() -> str:
    locale = get_locale()
    return locale.language if locale else "zh"


def _babel_locale() -> str:
    return "zh_Hans_CN" if lang() == "zh" else "en_GB"


def format_day(value: date | datetime | None) -> str:
    """2027年3月5日 周五 in Chinese, Fri 5 Mar 2027 in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return format_date(value, DATE_PATTERNS[lang()], locale=_babel_locale())


def format_month(year: int, month: int) -> str:
    return format_date(date(year, month, 1), MONTH_PATTERNS[lang()], locale=_babel_locale())


def format_moment(value: datetime | None) -> str:
    """A stored (UTC) moment shown in Beijing time: 2027年3月5日 周五 14:30."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{format_day(local.date())} {format_time(local.time(), 'HH:mm', locale=_babel_locale())}"


def format_weekday(weekday: int) -> str:
    # 2024-01-01 is a Monday.
    return format_date(date(2024, 1, 1 + weekday), "EEE", locale=_babel_locale())


def translation_directories(root: Path) -> str:
    """Each area keeps its own catalogue (trainer/<area>/translations); Flask-Babel merges them."""
    dirs = ["translations"] + sorted(
        str(p.relative_to(root)) for p in root.glob("*/translations") if p.is_dir()
    )
    return ";".join(dirs)
