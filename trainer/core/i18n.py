"""Language choice and the Chinese way of writing dates (2027年3月5日 周五)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from flask import current_app, has_request_context, request, session
from flask_babel import get_locale, get_translations
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


_TEMPLATE_TEXTS: dict[tuple[str, str], str] = {}  # (locale, text) -> translation, for the templates' _()


def template_gettext(text: str) -> str:
    """The templates' ``_()``: each text looked up once per locale and process (a page of a thousand visits says
    the same few words a thousand times; the catalogues do not change while the app runs)."""
    key = (str(get_locale()), text)
    found = _TEMPLATE_TEXTS.get(key)
    if found is None:
        found = get_translations().ugettext(text)
        if len(_TEMPLATE_TEXTS) < 20_000:  # bounded, should a template ever translate a computed text
            _TEMPLATE_TEXTS[key] = found
    return found


def install_template_gettext(jinja_env) -> None:
    """Flask-Babel's template callables, with ``_()``/``gettext`` kept per locale (``template_gettext``)."""
    jinja_env.install_gettext_callables(
        gettext=template_gettext, ngettext=lambda s, p, n: get_translations().ungettext(s, p, n), newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n))


def lang() -> str:
    locale = get_locale()
    return locale.language if locale else "zh"


def _babel_locale(language: str | None = None) -> str:
    return "zh_Hans_CN" if (language or lang()) == "zh" else "en_GB"


def format_day(value: date | datetime | None) -> str:
    """2027年3月5日 周五 in Chinese, Fri 5 Mar 2027 in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return _day_in(value, lang())


@lru_cache(maxsize=4096)
def _day_in(value: date, language: str) -> str:
    """A day written in a language, kept (a month's page writes the same thirty days a thousand times)."""
    return format_date(value, DATE_PATTERNS[language], locale=_babel_locale(language))


def format_month(year: int, month: int) -> str:
    return format_date(date(year, month, 1), MONTH_PATTERNS[lang()], locale=_babel_locale())


def format_moment(value: datetime | None) -> str:
    """A stored (UTC) moment shown in Beijing time: 2027年3月5日 周五 14:30."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{_day_in(local.date(), lang())} {local:%H:%M}"  # 24-hour HH:mm in both languages


def format_weekday(weekday: int) -> str:
    return _weekday_in(weekday, lang())


@lru_cache(maxsize=32)
def _weekday_in(weekday: int, language: str) -> str:
    # 2024-01-01 is a Monday.
    return format_date(date(2024, 1, 1 + weekday), "EEE", locale=_babel_locale(language))


def translation_directories(root: Path) -> str:
    """Each area keeps its own catalogue (trainer/<area>/translations); Flask-Babel merges them."""
    dirs = ["translations"] + sorted(
        str(p.relative_to(root)) for p in root.glob("*/translations") if p.is_dir()
    )
    return ";".join(dirs)


def clauses(parts) -> str:
    """Clauses of one sentence joined as the language writes them: "；" in Chinese, "; " in English."""
    return ("；" if lang() == "zh" else "; ").join(str(part) for part in parts)


def district_name(district) -> str:
    """A district's name in the page's language ('' for none: the city)."""
    if district is None:
        return ""
    return district.name if lang() == "zh" else district.name_en
