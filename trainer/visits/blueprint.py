"""The visits area's two blueprints, its menu entries and its template helpers, declared once.

Each slice (``setup``, ``plan``, ``records``, ``duty``) adds its pages to ``bp`` in its ``views.py`` and its
endpoints to ``blp`` in its ``api.py``; ``trainer.core.areas`` finds them and registers both blueprints.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainer.api import Blueprint as ApiBlueprint
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF
from trainer.visits import labels
from trainer.web.navigation import register_nav

bp = Blueprint("visits", __name__, url_prefix="/visits")
blp = ApiBlueprint("visits_api", __name__, url_prefix="/api/v1",
                   description="Lawyer visits: firms, lawyers, leave, station assignments, visits and the plan")

register_nav(_l("Visit calendar"), "visits.calendar", STAFF, order=30)
register_nav(_l("Visit plan"), "visits.plan", STAFF, order=31)
register_nav(_l("Assignments"), "visits.assignments", STAFF, order=32)
register_nav(_l("Law firms"), "visits.firms", STAFF, order=33)
register_nav(_l("Lawyers"), "visits.lawyers", STAFF, order=34)
register_nav(_l("My visits"), "visits.my_visits", {Role.LAWYER}, order=10)
register_nav(_l("Firms' monthly accounts"), "visits.accounts", STAFF, order=35)
register_nav(_l("Visit records to check"), "visits.records_review", STAFF, order=35)
register_nav(_l("Telephone duty"), "visits.duty_periods", STAFF, order=36)
register_nav(_l("Visits: Excel import and export"), "visits.excel", STAFF, order=37)


@bp.app_template_filter("half")
def _half_filter(value):
    return labels.half_label(value)


@bp.app_template_filter("shortday")
def _shortday_filter(value):
    return labels.short_day(value) if value else ""


@bp.app_template_global("code_label")
def _code_label(kind: str, code: str | None) -> str:
    return labels.label(kind, code)


@bp.app_template_global("yuan")
def _yuan(value) -> str:
    return labels.yuan(value)
