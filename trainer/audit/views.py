"""The audit log page, in the coordinator's words (trainer/audit/words.py): admins see every district,
coordinators their own; one kind of record at a time on request; paged."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from trainer.audit import queries, words
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.web.navigation import register_nav

bp = Blueprint("audit", __name__, url_prefix="/audit")
register_nav(_l("Audit log"), "audit.log", STAFF, order=95)
AUDIT_PAGE_SIZE = 25


@bp.route("/")
@allow(STAFF)
def log():
    entity = request.args.get("entity", "").strip()[:60]
    size = min(current_app.config["PAGE_SIZE"], AUDIT_PAGE_SIZE)
    page = db.paginate(queries.entries(entity), per_page=size, error_out=False)
    return render_template("audit/log.html", page=page, entity=entity, rows=words.describe_all(page.items),
                           kinds=words.kinds_logged(queries.entity_types()),
                           entity_label=words.kind_label(entity) if entity else "")
