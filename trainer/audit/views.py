"""The audit log page: admins see every district, coordinators their own."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l

from trainer.audit import queries
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.web.navigation import register_nav

bp = Blueprint("audit", __name__, url_prefix="/audit")
register_nav(_l("Audit log"), "audit.log", STAFF, order=95)


@bp.route("/")
@allow(STAFF)
def log():
    entity = request.args.get("entity", "").strip()
    page = db.paginate(queries.entries(entity), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("audit/log.html", page=page, entity=entity)
