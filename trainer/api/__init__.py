"""The JSON API under /api/v1, described by OpenAPI (flask-smorest).

Conventions every area follows (see docs/api.md):
- one smorest ``Blueprint`` per area named ``blp``, in ``trainer/<area>/api.py`` (or, for an area cut into
  slices, in ``trainer/<area>/blueprint.py``, each slice's ``api.py`` adding routes), registered automatically;
- API modules hold no query: lists come from a ``queries.py`` and are paged by ``schemas.paginate``; records
  are loaded and answered with ``helpers.load_scoped`` / ``helpers.respond``;
- every view is marked with ``allow(...)`` like the web pages; tokens only, never session cookies;
- lists take ``page``/``page_size`` (``@blp.paginate()``, metadata in the ``X-Pagination`` header) and date
  ranges as ``from``/``to`` ISO dates;
- single records carry an ``ETag`` (their version); updates need ``If-Match``: 428 without, 412 when stale;
- errors are ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

from flask_smorest import Api as _SmorestApi
from flask_smorest import Blueprint as _SmorestBlueprint

from trainer.api.docs import bp as docs_bp
from trainer.api.parser import InputParser
from trainer.api.schemas import ERROR_RESPONSES, ErrorSchema

BEARER = {"bearerAuth": []}


class Blueprint(_SmorestBlueprint):
    """flask-smorest's Blueprint with ``errors``: the one way a view documents its error answers; every argument
    and body is read by ``InputParser`` (the app's input rule, ``trainer.core.inputs``)."""

    ARGUMENTS_PARSER = InputParser()
    PAGINATION_ARGUMENTS_PARSER = InputParser()

    def errors(self, *codes: int):
        """``@blp.errors(401, 403, 404)``: the error answers a view can give, each with the error schema."""

        def decorate(view):
            for code in codes:
                view = self.alt_response(code, **ERROR_RESPONSES[code])(view)
            return view

        return decorate


class Api(_SmorestApi):
    """flask-smorest's Api, but leaving error handling to trainer.web.errors (one format for the whole app)."""

    def _register_error_handlers(self):
        pass


def init_api(app) -> Api:
    app.config.setdefault("API_SPEC_OPTIONS", {})
    app.config["API_SPEC_OPTIONS"].update({
        "info": {"description": "Trainer: lawyer visits, rotation training and bargaining instructors for "
                                "Beijing's district trade-union federations. Authenticate with a personal "
                                "API token: `Authorization: Bearer <token>`."},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [BEARER],
    })
    Api.ERROR_SCHEMA = ErrorSchema
    api = Api(app)
    app.extensions["trainer_api"] = api
    app.register_blueprint(docs_bp)
    return api
