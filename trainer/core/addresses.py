"""Where Trainer's absolute links point (subscribe links, QR codes, links back inside feeds and e-mails).

``public_base()`` is, in this order: the configured public address (``PUBLIC_URL``, set it in production,
e.g. ``https://trainer.example.cn``); else the address the current request came to — its own scheme, host and
port (``request.host_url``; behind a proxy, configure ``PUBLIC_URL`` or the proxy's forwarded headers); else,
outside any request (the scheduler's e-mails), the address the server was started on (``SERVE_URL``, set by
``flask serve``/``make run``). Feeds answered below Flask (``trainer.calendars.fastpath``) say which address
their request came to with ``serving_base``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from flask import current_app, has_request_context, request
from werkzeug.wsgi import get_host

FALLBACK = "http://127.0.0.1:5000"
_serving: ContextVar[str | None] = ContextVar("trainer_serving_base", default=None)


def configured_base() -> str:
    """``PUBLIC_URL`` without its trailing slash, or "" when none is configured."""
    return (current_app.config.get("PUBLIC_URL") or "").rstrip("/")


def base_of_environ(environ: dict) -> str:
    """``scheme://host[:port]`` of a WSGI request, as werkzeug's ``request.host_url`` gives it."""
    return f"{environ.get('wsgi.url_scheme', 'http')}://{get_host(environ)}"


def public_base() -> str:
    """The scheme, host and port that absolute links start with (no trailing slash)."""
    configured = configured_base()
    if configured:
        return configured
    serving = _serving.get()
    if serving:
        return serving
    if has_request_context():
        return request.host_url.rstrip("/")
    return (current_app.config.get("SERVE_URL") or FALLBACK).rstrip("/")


def scheme_of(url: str) -> str:
    """The scheme a link really uses ("http" or "https"), for its label."""
    return urlsplit(url).scheme or "http"


@contextmanager
def serving_base(base: str) -> Iterator[None]:
    """Within the block, links are built for a request that came to ``base``."""
    token = _serving.set(base.rstrip("/"))
    try:
        yield
    finally:
        _serving.reset(token)
