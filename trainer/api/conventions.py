"""Helpers for the API conventions: ETag/If-Match on records, error responses documented once."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _
from flask_smorest.spec.plugins import FlaskPlugin

IF_MATCH_ATTR = "_trainer_if_match"  # set on a view marked @blp.requires_if_match


def etag_of(obj) -> str:
    """The strong ETag of a versioned record."""
    return f'"{type(obj).__name__.lower()}-{obj.id}-v{obj.version}"'


def require_if_match(obj) -> None:
    """Refuse an update that does not name the version it was made on (428) or names an old one (412)."""
    header = request.headers.get("If-Match")
    if not header:
        abort(428, _("Send the record's ETag in an If-Match header."))
    wanted = etag_of(obj)
    tags = [tag.strip() for tag in header.split(",")]
    if wanted not in tags and "*" not in tags:
        abort(412, _("The record was changed by someone else; fetch it again and retry."))


def with_etag(response, obj):
    response.headers["ETag"] = etag_of(obj)
    return response


def if_match_parameter(required: bool) -> dict:
    """The ``If-Match`` header as the document declares it on a view marked ``@blp.requires_if_match``."""
    description = "the record's ETag, from its last answer (GET, or the answer that created it): a stale one " \
                  "gets 412, none 428"
    if not required:
        description += "; needed only to change one that exists"
    return {"name": "If-Match", "in": "header", "required": required, "schema": {"type": "string"},
            "description": description}


def _operation_ref(rule, method: str) -> str:
    path = FlaskPlugin.flaskpath2openapi(rule.rule).replace("~", "~0").replace("/", "~1")
    return f"#/paths/{path}/{method}"


def _json_fields(schema, *, writing: bool) -> set[str]:
    """The JSON names of a schema's fields a client writes (``writing``) or reads."""
    if schema is None:
        return set()
    schema = schema() if isinstance(schema, type) else schema
    return {field.data_key or name for name, field in schema.fields.items()
            if not (field.dump_only if writing else field.load_only)}


def _body_schema(info: dict):
    return next((p["schema"] for p in info.get("arguments", {}).get("parameters", []) if p.get("in") == "json"), None)


def _answer_schema(info: dict, status: int):
    answers = info.get("response", {}).get("responses", {}).get(status) or [{}]
    return answers[0].get("schema")


def if_match_links(docs: dict, app, blueprint_name: str) -> None:
    """OpenAPI links from each operation named in ``requires_if_match(...)`` to the view it names: the record's
    id (the same path parameter, else the answer's ``id``), its ETag as ``If-Match`` and, for a PUT, as the body
    the fields of the answer it takes (a record written back as it was read is a valid change); the
    source's answer declares the ``ETag`` header it carries. Written into the
    blueprint's stored docs (``{endpoint: {method: doc_info}}``) as a manual doc of the source's answer."""
    for endpoint, methods in docs.items():
        for method, info in methods.items():
            if method == "parameters" or not info.get("if_match"):
                continue
            target = next(app.url_map.iter_rules(f"{blueprint_name}.{endpoint}"))
            for source_endpoint in info["if_match"]["etag_from"]:
                if source_endpoint not in docs:
                    raise ValueError(f"{blueprint_name}.{endpoint}: no operation {source_endpoint!r} to link from")
                source = next(app.url_map.iter_rules(f"{blueprint_name}.{source_endpoint}"))
                source_method, source_info = next((m, i) for m, i in docs[source_endpoint].items()
                                                  if m != "parameters")
                parameters = {f"path.{arg}": f"$request.path.{arg}" if arg in source.arguments else "$response.body#/id"
                              for arg in sorted(target.arguments)}
                parameters["header.If-Match"] = "$response.header.ETag"
                status = source_info.get("success_status_codes", [200])[0]
                # A PUT replaces the record: the fields it takes, as they were read; a PATCH changes only what
                # it is sent.
                body = sorted(_json_fields(_body_schema(info), writing=True)
                              & _json_fields(_answer_schema(source_info, status), writing=False)) if method == "put" else []
                answer = source_info.setdefault("manual_doc", {}).setdefault("responses", {}).setdefault(status, {})
                answer.setdefault("headers", {})["ETag"] = {
                    "description": "the record's version: send it back as If-Match to change the record",
                    "schema": {"type": "string"}}
                link = {"operationRef": _operation_ref(target, method), "parameters": parameters,
                        "description": f"{method.upper()} this record with its ETag"}
                if body:
                    link["requestBody"] = {name: f"$response.body#/{name}" for name in body}
                answer.setdefault("links", {})[f"{endpoint}_{method}"] = link
