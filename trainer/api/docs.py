"""A browsable page of the API, rendered on the server from the same OpenAPI document (no CDN scripts)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from trainer.auth.permissions import public

bp = Blueprint("api_docs", __name__)


@bp.route("/api/v1/docs")
@public
def page():
    spec = current_app.extensions["trainer_api"].spec.to_dict()
    operations = []
    for path, methods in sorted(spec.get("paths", {}).items()):
        for method, operation in methods.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            operations.append({
                "path": path, "method": method.upper(), "tag": (operation.get("tags") or ["-"])[0],
                "summary": operation.get("summary", ""), "description": operation.get("description", ""),
                "parameters": operation.get("parameters", []),
                "body": (operation.get("requestBody") or {}).get("content", {}).get("application/json", {})
                .get("schema", {}),
                "responses": operation.get("responses", {}),
            })
    tags = {tag["name"]: tag.get("description", "") for tag in spec.get("tags", [])}
    return render_template("api/docs.html", spec=spec, operations=operations, tags=tags)
