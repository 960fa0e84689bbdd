"""/api/v1 for the plan: the visits (a lawyer reads only their own), changing one, and planning months."""

from __future__ import annotations

from contextlib import contextmanager

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from trainer.api.conventions import require_if_match
from trainer.api.helpers import respond, target_district
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.core.months import month_bounds, parse_month
from trainer.core.validation import InvalidInput
from trainer.visits import access
from trainer.visits.blueprint import blp
from trainer.visits.plan import operations, planner, queries
from trainer.visits.plan.messages import describe_all
from trainer.visits.plan.schemas import (
    PlanResultSchema,
    PlanSchema,
    QualityQuery,
    QualitySchema,
    VisitChangeSchema,
    VisitQuery,
    VisitSchema,
)
from trainer.web.errors import api_error
from trainer.workdays import YearNotAnnounced

# The months' fields as the API names them ("from", "to"); the operations name them as the forms do.
API_FIELDS = {"first_month": "from", "last_month": "to"}


@contextmanager
def _api_field_names():
    try:
        yield
    except InvalidInput as error:
        raise InvalidInput({API_FIELDS.get(k, k): v for k, v in error.fields.items()}, error.message) from None


@blp.route("/visits")
@allow(STAFF, Role.LAWYER)
@blp.arguments(VisitQuery, location="query")
@blp.response(200, VisitSchema(many=True))
@blp.errors(401, 403)
def list_visits(args):
    """Visits between `from` and `to` (ISO dates), filtered by station, lawyer, firm or status. Staff see their
    district; a lawyer sees only their own visits."""
    as_lawyer = current_user.role == Role.LAWYER
    return queries.visit_page(args, own_lawyer=access.my_lawyer() if as_lawyer else None, as_lawyer=as_lawyer)


@blp.route("/visits/<int:visit_id>")
@allow(STAFF, Role.LAWYER)
@blp.response(200, VisitSchema)
@blp.errors(401, 403, 404)
def get_visit(visit_id: int):
    """One visit; its `ETag` is needed to change it."""
    return respond(VisitSchema(), access.readable_visit(visit_id))


@blp.route("/visits/<int:visit_id>", methods=["PATCH"])
@allow(STAFF)
@blp.arguments(VisitChangeSchema)
@blp.response(200, VisitSchema)
@blp.errors(401, 403, 404, 409, 422)
@blp.requires_if_match("get_visit")
def change_visit(data, visit_id: int):
    """Move (`day`, `half`, `lawyer_id`), pin/unpin (`pinned`) or cancel (`status: cancelled`) a visit.
    Send `If-Match`: a stale ETag gets 412; a slot taken meanwhile gets 409; a broken rule 422 with reasons."""
    visit = access.readable_visit(visit_id)
    require_if_match(visit)
    try:
        if data.get("status") == "cancelled":
            operations.cancel_visit(visit)
        else:
            if any(k in data for k in ("day", "half", "lawyer_id")):
                operations.move_visit(visit, day=data.get("day", visit.day), half=data.get("half", visit.half),
                                      lawyer_id=data.get("lawyer_id"), pin=data.get("pinned", True))
            if "pinned" in data:
                operations.set_pinned(visit, data["pinned"])
        db.session.commit()
    except operations.DoubleBooking:
        db.session.rollback()
        return api_error(409, _("The lawyer or the station is already booked in that slot."))
    return respond(VisitSchema(), visit)


@blp.route("/visits/plan", methods=["POST"])
@allow(STAFF)
@blp.arguments(PlanSchema)
@blp.response(200, PlanResultSchema)
@blp.errors(401, 403, 409, 422)
def plan(data):
    """Plan (`mode: full`) or re-plan (`mode: replan`, the default: pinned and valid visits stay, as few as
    possible move) the months `from`..`to`. A year not announced answers 422 unless `provisional` is true.
    What could not be planned comes back in `problems`, each with a sentence for people."""
    district = target_district(data.get("district"))
    try:
        with _api_field_names():
            outcome = planner.plan_range(district, data["first_month"], data["last_month"],
                                         allow_provisional=data["provisional"], mode=data["mode"],
                                         user_id=current_user.id)
    except YearNotAnnounced as error:
        db.session.rollback()
        return api_error(422, error.localized(),
                         {"provisional": _("Send provisional: true to plan on a provisional calendar.")},
                         code="year_not_announced")
    except IntegrityError:
        db.session.rollback()
        return api_error(409, _("Someone else changed visits of these months at the same time; plan again."))
    db.session.commit()
    run = outcome.run
    messages = describe_all(outcome.problems)
    return {"run_id": run.id, "status": run.status, "provisional": run.provisional, "created": run.created,
            "moved": run.moved, "kept": run.kept, "cancelled": run.cancelled,
            "problems": [{**p, "message": m} for p, m in zip(outcome.problems, messages, strict=True)]}


@blp.route("/visits/plan/quality")
@allow(STAFF)
@blp.arguments(QualityQuery, location="query")
@blp.response(200, QualitySchema)
@blp.errors(401, 403, 422)
def plan_quality(args):
    """How good the stored plan of the months `from`..`to` (at most 12) is, in the figures `make bench` prints for
    the planner and its peers: Σ|gap − 14| over each station's consecutive visits, the share of station-months
    keeping the station's rhythm, visits by the backup lawyer, hard-rule violations, visits per lead lawyer."""
    district = target_district(args.get("district"))
    first = month_bounds(parse_month(args["first_month"], "from"))[0]
    last = month_bounds(parse_month(args["last_month"], "to"))[1]
    with _api_field_names():
        return operations.plan_figures(district, first, last)
