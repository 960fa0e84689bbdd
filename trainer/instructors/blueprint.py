"""The instructor system's web blueprint and API blueprint, and its menu entries; each slice adds its routes.

Slices: ``hierarchy/`` (instructors, tiers, who guides whom, the org chart, accounts, the instructor's own page),
``duties/`` (streets, industries, enterprises; gaps and overlaps), ``meetings/`` (guidance meeting series and
single meetings), ``engagements/`` (bargaining engagements, deadlines, sessions), ``training/`` (hours and
assessments), ``excel/`` (Excel templates, import and export).
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainer.api import Blueprint as ApiBlueprint
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF
from trainer.core.i18n import lang
from trainer.instructors.engagements.operations import days_left
from trainer.instructors.labels import (
    AREA_LABELS,
    BACKGROUND_LABELS,
    MEETING_STATUS_LABELS,
    PAIR_LABELS,
    RESULT_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    TIER_LABELS,
)
from trainer.instructors.meetings.operations import moved_reason
from trainer.instructors.meetings.recurrence import rule_words
from trainer.instructors.models import STAGES, stage_index
from trainer.web.navigation import register_nav

bp = Blueprint("instructors", __name__, url_prefix="/instructors")
blp = ApiBlueprint("instructors_api", __name__, url_prefix="/api/v1",
                   description="Three-tier collective-bargaining instructors: hierarchy, duties, meetings, engagements")

# Routes an instructor reaches too (their own records only; see access.py).
WITH_INSTRUCTOR = frozenset({Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR})

register_nav(_l("Instructors"), "instructors.index", STAFF, order=40)
register_nav(_l("Bargaining"), "instructors.engagements", STAFF, order=41)
register_nav(_l("My instructor page"), "instructors.mine", {Role.INSTRUCTOR}, order=10)


@bp.context_processor
def _labels():
    return {"tier_labels": TIER_LABELS, "background_labels": BACKGROUND_LABELS, "status_labels": STATUS_LABELS,
            "area_labels": AREA_LABELS, "pair_labels": PAIR_LABELS, "stage_labels": STAGE_LABELS,
            "result_labels": RESULT_LABELS, "meeting_status_labels": MEETING_STATUS_LABELS,
            "moved_reason": lambda m: moved_reason(m, lang()), "days_left": days_left,
            "stages": STAGES, "stage_index": stage_index, "rule_words": rule_words}
