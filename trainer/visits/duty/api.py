"""/api/v1 for the 24-hour telephone duty roster: periods, planning them, changing one shift."""

from __future__ import annotations

from trainer.api.conventions import require_if_match
from trainer.api.helpers import DistrictQuery, respond, target_district
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.visits import access
from trainer.visits.blueprint import blp
from trainer.visits.duty import operations, queries
from trainer.visits.duty.messages import describe_all
from trainer.visits.duty.schemas import DutyPeriodSchema, DutyShiftSchema, ShiftChangeSchema
from trainer.visits.models import DutyPeriod


def _dump_period(period: DutyPeriod, with_shifts: bool = False) -> dict:
    data = DutyPeriodSchema().dump(period)
    data["lawyer_ids"] = [lw.id for lw in period.lawyers]
    data["problem_messages"] = describe_all(period)
    if with_shifts:
        rows = sorted((r for r in period.duty_shifts if r.status == "planned"),
                      key=lambda r: (r.day, r.shift_code, r.lawyer_id))
        data["duty_shifts"] = DutyShiftSchema(many=True).dump(rows)
    return data


@blp.route("/duty-periods")
@allow(STAFF)
@blp.arguments(DistrictQuery, location="query")
@blp.response(200, DutyPeriodSchema(many=True))
@blp.errors(401, 403)
def api_duty_periods(args):
    """The telephone duty periods of the caller's district."""
    items, status, headers = queries.period_page(args)
    return [_dump_period(p) for p in items], status, headers


@blp.route("/duty-periods", methods=["POST"])
@allow(STAFF)
@blp.arguments(DutyPeriodSchema)
@blp.response(201, DutyPeriodSchema)
@blp.errors(401, 403, 422)
def api_duty_period_add(data):
    """Create a duty period (days, shifts, lawyers per shift, the lawyers' pool); plan it with POST .../plan."""
    district = target_district(data.pop("district", None))
    period = operations.save_period(None, district_id=district.id, **data)
    db.session.commit()
    return respond(_dump_period(period), period, 201)


@blp.route("/duty-periods/<int:period_id>")
@allow(STAFF)
@blp.response(200, DutyPeriodSchema)
@blp.errors(401, 403, 404)
def api_duty_period(period_id: int):
    """A duty period with its roster (`duty_shifts`) and the problems in words."""
    period = access.period(period_id)
    return respond(_dump_period(period, True), period)


@blp.route("/duty-periods/<int:period_id>/plan", methods=["POST"])
@allow(STAFF)
@blp.response(200, DutyPeriodSchema)
@blp.errors(401, 403, 404)
def api_duty_plan(period_id: int):
    """Plan the roster (shifts changed by hand stay). Shifts nobody can take come back in `problems`."""
    period = access.period(period_id)
    operations.plan_period(period)
    db.session.commit()
    return respond(_dump_period(period, True), period)


@blp.route("/duty-periods/<int:period_id>/shifts", methods=["PUT"])
@allow(STAFF)
@blp.arguments(ShiftChangeSchema)
@blp.response(200, DutyPeriodSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def api_duty_change(data, period_id: int):
    """Change one shift: put `lawyer_id` on it, in place of `remove_lawyer_id` if given. Refused (422, with every
    reason) when the lawyer is on leave, at a station visit or on another shift then. Send `If-Match`."""
    period = access.period(period_id)
    require_if_match(period)
    operations.change_shift(period, day=data["day"], shift_code=data["shift_code"],
                        remove_lawyer_id=data.get("remove_lawyer_id"), lawyer_id=data.get("lawyer_id"))
    db.session.commit()
    return respond(_dump_period(period, True), period)
