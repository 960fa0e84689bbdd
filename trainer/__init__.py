"""Trainer: training and scheduling for Beijing's district trade-union federations."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, abort, request

from trainer.api import init_api
from trainer.auth.permissions import access_of
from trainer.core import ratelimit  # noqa: F401 - registers the database:// rate-limit storage
from trainer.core.areas import AREAS, area_blueprints, area_module
from trainer.core.config import load_config
from trainer.core.extensions import babel, csrf, db, limiter, login_manager, migrate
from trainer.core.i18n import install_template_gettext, select_locale, translation_directories
from trainer.launch.cli import register_cli
from trainer.web.errors import register_error_handlers
from trainer.web.shell import register_web, trust_proxies

ROOT = Path(__file__).resolve().parent.parent
MAX_ID = 2**31 - 1
__all__ = ["AREAS", "create_app"]


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(ROOT / "instance"), template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    load_config(app, config)
    logging.basicConfig(level=app.config.get("LOG_LEVEL", "WARNING"))
    logging.getLogger("trainer").setLevel(logging.INFO)

    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", translation_directories(Path(app.root_path)))
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Asia/Shanghai")
    install_template_gettext(app.jinja_env)
    limiter.init_app(app)

    _import_models()

    api = init_api(app)
    for area in AREAS:
        bp, blp = area_blueprints(area)
        if bp is not None:
            app.register_blueprint(bp)
        if blp is not None:
            api.register_blueprint(blp)
            csrf.exempt(blp)
        cli_module = area_module(area, "cli")
        if cli_module is not None:
            app.cli.add_command(cli_module.cli)

    register_web(app)
    register_error_handlers(app)
    register_cli(app)
    _fail_closed(app)
    trust_proxies(app)
    return app


def _import_models() -> None:
    """Import every area's models so that SQLAlchemy and Alembic see the whole schema."""
    for area in AREAS:
        area_module(area, "models")


def _fail_closed(app: Flask) -> None:
    """A route without an access mark is refused, so a new route cannot slip through unchecked."""
    static_endpoints = {"static"}

    @app.before_request
    def _require_access_mark():
        endpoint = request.endpoint
        if endpoint is None or endpoint in static_endpoints or endpoint.startswith("api-docs."):
            return None
        if access_of(app.view_functions.get(endpoint)) is None:
            app.logger.error("route %s has no access mark; refusing it", endpoint)
            abort(403)
        # Record ids are 32-bit integers in the database: a larger one names no record (and would overflow
        # the query on PostgreSQL).
        for value in (request.view_args or {}).values():
            if isinstance(value, int) and not 0 <= value <= MAX_ID:
                abort(404)
        return None
