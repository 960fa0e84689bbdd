"""The rotation's blueprints and its menu entries. Each slice (years, mentors, trainees, placements, logs,
coverage) adds its pages to ``bp`` and its endpoints to ``blp``; the app finds the slices by walking the area."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from trainer.api import Blueprint as ApiBlueprint
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF
from trainer.rotation.labels import (
    CATEGORY_LABELS,
    OUTCOME_LABELS,
    PHASE_LABELS,
    PHASE_LETTERS,
    ROLE_LABELS,
    RUBRIC_LABELS,
    STATUS_LABELS,
)
from trainer.web.navigation import register_nav

bp = Blueprint("rotation", __name__, url_prefix="/rotation")
blp = ApiBlueprint("rotation_api", __name__, url_prefix="/api/v1/rotation",
                   description="Rotation training (以干代训): programme years, trainees, placements, logs, evaluations")

register_nav(_l("Rotation training"), "rotation.years", STAFF, order=40)
register_nav(_l("My rotation"), "rotation.my_rotation", {Role.TRAINEE}, order=5)
register_nav(_l("Mentoring"), "rotation.mentoring", {Role.LAWYER}, order=45)
register_nav(_l("Mediator coverage"), "rotation.coverage", STAFF, order=42)


@bp.app_context_processor
def _labels():
    return {"rotation_labels": {"phase": PHASE_LABELS, "role": ROLE_LABELS, "outcome": OUTCOME_LABELS,
                                "rubric": RUBRIC_LABELS, "status": STATUS_LABELS,
                                "category": CATEGORY_LABELS},
            "phase_letters": PHASE_LETTERS}
