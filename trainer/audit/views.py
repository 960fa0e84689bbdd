"""The audit log page: admins see every district, coordinators their own."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from trainer.audit.models import AuditEntry
from trainer.auth.permissions import STAFF, allow, district_scope
from trainer.core.extensions import db
from trainer.web.navigation import register_nav

bp = Blueprint("audit", __name__, url_prefix="/audit")
register_nav(_l("Audit log"), "audit.log", STAFF, order=95)


@bp.route("/")
@allow(STAFF)
def log():
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(AuditEntry.district_id == scope)
    entity = request.args.get("entity", "").strip()
    if entity:
        stmt = stmt.where(AuditEntry.entity_type == entity)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("audit/log.html", page=page, entity=entity)
