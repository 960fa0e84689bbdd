"""What every page shares: login loading, template helpers, security headers."""

from __future__ import annotations

from flask import Flask, current_app, g, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from trainer.auth.forms import ROLE_LABELS
from trainer.auth.models import ApiToken, User, hash_token
from trainer.auth.permissions import is_api_request
from trainer.core.clock import as_utc, now_utc, today_local
from trainer.core.extensions import db, login_manager
from trainer.core.i18n import format_day, format_moment, format_month, format_weekday, lang
from trainer.core.names import by_name
from trainer.org.models import District
from trainer.web.navigation import grouped_nav_for, nav_for

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


@login_manager.user_loader
def _load_user_from_session(user_id: str):
    # Session cookies never authenticate the API.
    if is_api_request():
        return None
    try:
        pk, session_version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, pk)
    if user is None or user.session_version != session_version:
        return None
    return user


@login_manager.request_loader
def _load_user_from_token(req):
    # Tokens never work on web pages.
    if not req.path.startswith("/api/"):
        return None
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(header[7:].strip()),
                                                     ApiToken.revoked_at.is_(None)))
    if token is None or not token.user.active:
        return None
    if token.last_used_at is None or (now_utc() - as_utc(token.last_used_at)).total_seconds() > 300:
        token.last_used_at = now_utc()
        db.session.commit()
    return token.user


def _attribute(item, dotted: str):
    for part in dotted.split("."):
        item = getattr(item, part, None)
    return item


def station_link(station) -> str:
    """A station's page in the visits area when it exists, else its edit form."""
    if "visits.station" in current_app.view_functions:
        return url_for("visits.station", station_id=station.id)
    return url_for("org.station_edit", station_id=station.id)


def trust_proxies(app: Flask) -> None:
    """Behind ``TRUSTED_PROXIES`` reverse proxies, take the client's address, scheme and host from their
    X-Forwarded-* headers (outermost, so the feed fast path and the rate limit see them too)."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def register_web(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["weekday"] = format_weekday
    app.jinja_env.filters["truncate_bp"] = lambda endpoint: endpoint.split(".", 1)[0]
    # ``rows|by_name('instructor.name')``: a list of records in the pinyin order of a name (trainer.core.names).
    app.jinja_env.filters["by_name"] = lambda items, attribute="name": by_name(
        items, name=lambda item: _attribute(item, attribute))
    app.jinja_env.globals["format_month"] = format_month
    app.jinja_env.add_extension("jinja2.ext.do")

    def all_districts():
        return db.session.scalars(select(District).order_by(District.sort_order)).all()


    app.jinja_env.globals["all_districts"] = all_districts
    app.jinja_env.globals["station_link"] = station_link

    @app.context_processor
    def _page_context():
        role = current_user.role if current_user.is_authenticated else None
        home, groups = grouped_nav_for(role)
        return {"nav_items": nav_for(role), "nav_home": home, "nav_groups": groups, "lang": lang(),
                "languages": current_app.config["LANGUAGES"],
                "today": today_local(), "role_labels": ROLE_LABELS}

    @app.before_request
    def _fresh_request_state():
        # Same reason as below, for state left by code run in the app context before this request.
        for name in ("_login_user", "_flask_babel"):
            g.pop(name, None)

    @app.teardown_request
    def _forget_request_state(exc):
        # Flask-Login and Flask-Babel cache the user and the locale in g, which lives as long as the app
        # context; when a caller keeps one app context across requests (tests, scripts), the next request
        # must choose its own.
        for name in ("_login_user", "_flask_babel"):
            g.pop(name, None)

    @app.after_request
    def _security_headers(response):
        set_security_headers(response.headers, html=response.mimetype == "text/html", secure=request.is_secure,
                             logged_in=bool(current_user and getattr(current_user, "is_authenticated", False)),
                             api=is_api_request())
        return response


def set_security_headers(headers, *, html: bool = False, secure: bool = False, logged_in: bool = False,
                         api: bool = False) -> None:
    """The security headers of every answer (pages, the API, files, calendar feeds), each unless already set.

    ``headers`` is a werkzeug ``Headers`` (a response's, or one built by the feed fast path); ``html``: the
    answer is a page (it gets the Content-Security-Policy, and ``Cache-Control: no-store`` when ``logged_in``, as
    does a file downloaded when ``logged_in``, e.g. an Excel export);
    ``api``: an answer under /api/ (``Cache-Control: no-store``, whoever asks: API answers carry workers' names
    and phones, and no cache or proxy may keep them); ``secure``: it goes over HTTPS (Strict-Transport-Security).
    Calendar feeds are not under /api/ and keep their own caching.
    """
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if html:
        headers.setdefault("Content-Security-Policy", CSP)
        if logged_in:
            headers.setdefault("Cache-Control", "no-store")
    if logged_in and headers.get("Content-Disposition", "").startswith("attachment"):
        headers["Cache-Control"] = "no-store"  # a downloaded file (an Excel export) holds the same personal data
    if api:
        headers["Cache-Control"] = "no-store"
    if secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
