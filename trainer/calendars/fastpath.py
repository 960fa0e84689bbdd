"""A WSGI shortcut for ``/feeds/<secret>.ics``: the same answer as the Flask view, without Flask's request
machinery (sessions, login, locale, rate limiter, templates) that a calendar client never needs.

Calendar apps poll every feed every hour or so; most polls are 304 answers or repeats of stored bytes, so the
per-request cost is what matters. The shortcut calls the very same ``serving.answer`` as the view inside an app
context, adds the security headers of every answer (``trainer.web.shell.set_security_headers``), and hands
anything unusual (other methods, odd paths, an exception) to the normal Flask app. ``FEED_FAST_PATH = False``
switches it off.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from werkzeug.datastructures import Headers

from trainer.calendars import serving
from trainer.core.addresses import base_of_environ, configured_base
from trainer.web.shell import set_security_headers

log = logging.getLogger(__name__)

MAX_HEADS = 10_000
PREFIX = "/feeds/"
SUFFIX = ".ics"


class FeedFastPath:
    def __init__(self, wsgi_app, flask_app):
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app
        # The WSGI header list of each distinct answer head (the feed's headers + the security headers): the
        # same few per feed and day, so built once rather than per request.
        self.heads: dict[tuple, list[tuple[str, str]]] = {}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if (not path.startswith(PREFIX) or not path.endswith(SUFFIX) or method not in ("GET", "HEAD")
                or not self.flask_app.config.get("FEED_FAST_PATH", True)):
            return self.wsgi_app(environ, start_response)
        secret = path[len(PREFIX):-len(SUFFIX)]
        if not secret or "/" in secret:
            return self.wsgi_app(environ, start_response)
        try:
            with self.flask_app.app_context():
                found = serving.answer(secret, environ.get("HTTP_IF_NONE_MATCH"),
                                       environ.get("HTTP_IF_MODIFIED_SINCE"),
                                       configured_base() or base_of_environ(environ))
        except Exception:  # noqa: BLE001 - the Flask view answers (and logs) the same request properly
            log.exception("feed fast path failed; answering through Flask")
            return self.wsgi_app(environ, start_response)
        secure = environ.get("wsgi.url_scheme") == "https"
        key = (found.status, tuple(found.headers), secure)
        head = self.heads.get(key)
        if head is None:
            headers = Headers(found.headers)
            set_security_headers(headers, secure=secure)
            head = headers.to_wsgi_list()
            if len(self.heads) >= MAX_HEADS:
                self.heads = {}
            self.heads[key] = head
        start_response(f"{found.status} {HTTPStatus(found.status).phrase}", list(head))
        if method == "HEAD" or found.status == 304:
            return [b""]
        return [found.body]


def install(app) -> None:
    if not isinstance(app.wsgi_app, FeedFastPath):
        app.wsgi_app = FeedFastPath(app.wsgi_app, app)
