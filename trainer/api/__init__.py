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
  such a view is marked ``@blp.requires_if_match(...)``, which declares the header and links the operations
  whose answers carry the ETag to it (OpenAPI links);
- errors are ``{"error": {"code", "message", "fields"}}``.
"""

from __future__ import annotations

from copy import deepcopy

from flask_smorest import Api as _SmorestApi
from flask_smorest import Blueprint as _SmorestBlueprint

from trainer.api.conventions import IF_MATCH_ATTR, if_match_links, if_match_parameter
from trainer.api.docs import bp as docs_bp
from trainer.api.parser import InputParser
from trainer.api.schemas import ERROR_RESPONSES, ErrorSchema

BEARER = {"bearerAuth": []}


class Blueprint(_SmorestBlueprint):
    """flask-smorest's Blueprint with ``errors`` (the one way a view documents its error answers) and
    ``requires_if_match`` (the one way a view documents that it needs the record's ETag); every argument and
    body is read by ``InputParser`` (the app's input rule, ``trainer.core.inputs``)."""

    ARGUMENTS_PARSER = InputParser()
    PAGINATION_ARGUMENTS_PARSER = InputParser()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._prepare_doc_cbks.append(self._prepare_if_match_doc)

    def errors(self, *codes: int):
        """``@blp.errors(401, 403, 404)``: the error answers a view can give, each with the error schema."""

        def decorate(view):
            for code in codes:
                view = self.alt_response(code, **ERROR_RESPONSES[code])(view)
            return view

        return decorate

    def requires_if_match(self, *etag_from: str, required: bool = True):
        """``@blp.requires_if_match("get_firm", "create_firm")`` on a view that changes a record only with its
        ETag (it calls ``conventions.require_if_match``): the document declares the ``If-Match`` header
        (required; ``required=False`` when only changing an existing record needs it) and the 412/428 answers,
        and links the answers of the named operations of this blueprint, which carry the record's id and ETag,
        to this one (the stateful crawl follows them)."""

        def decorate(view):
            view = self.errors(412, 428)(view)
            view._apidoc = deepcopy(getattr(view, "_apidoc", {}))
            view._apidoc["if_match"] = {"required": required, "etag_from": etag_from}
            setattr(view, IF_MATCH_ATTR, True)
            return view

        return decorate

    @staticmethod
    def _prepare_if_match_doc(doc, doc_info, **kwargs):
        if_match = doc_info.get("if_match")
        if if_match:
            doc.setdefault("parameters", []).append(if_match_parameter(if_match["required"]))
        return doc

    def register_views_in_doc(self, api, app, spec, *, name, parameters):
        # The links sit on the answers of the operations named by requires_if_match; they are written into this
        # blueprint's stored docs before flask-smorest turns them into the document (the same values every time).
        if_match_links(self._docs, app, name)
        super().register_views_in_doc(api, app, spec, name=name, parameters=parameters)


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
