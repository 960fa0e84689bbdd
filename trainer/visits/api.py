"""/api/v1 for the visit programme: firms, lawyers (+ leave), assignments, visits and planning."""

from __future__ import annotations

from flask import abort, jsonify, make_response
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.api import Blueprint
from trainer.api.conventions import require_if_match, with_etag
from trainer.api.schemas import DateRangeArgs, PageArgs, paginate_select
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, check_district, scoped
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.models import District, Station
from trainer.visits import operations
from trainer.visits.messages import describe_all
from trainer.visits.models import Assignment, Firm, Lawyer, Visit
from trainer.web.errors import api_error

blp = Blueprint("visits_api", __name__, url_prefix="/api/v1",
                description="Lawyer visits: firms, lawyers, leave, station assignments, visits and the plan")

class StrictBool(fields.Boolean):
    """Only JSON true/false (not 0, 1 or "yes"), as the OpenAPI document says."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class StrictFloat(fields.Float):
    """A JSON number, not a numeric string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def ref(**kwargs) -> fields.Int:
    """A record id: a positive 32-bit integer."""
    return fields.Int(strict=True, validate=validate.Range(min=1, max=2**31 - 1), **kwargs)


MONTH = validate.Regexp(r"^20\d\d-(0[1-9]|1[0-2])$")
HALF = fields.Str(validate=validate.OneOf(["am", "pm"]), metadata={"example": "am"})


class ContractSchema(Schema):
    id = fields.Int(dump_only=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    stations_covered = fields.Int(load_default=0, strict=True, validate=validate.Range(min=0, max=500))
    visits_per_station_month = fields.Int(load_default=2, strict=True, validate=validate.Range(min=1, max=8))
    hours_per_visit = StrictFloat(load_default=3, validate=validate.Range(min=0.5, max=12))
    reference = fields.Str(allow_none=True)


class FirmSchema(Schema):
    id = fields.Int(dump_only=True)
    district_id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120), metadata={"example": "北京朝信律师事务所"})
    contact_name = fields.Str(allow_none=True, validate=validate.Length(max=60))
    contact_phone = fields.Str(allow_none=True, validate=validate.Length(max=20))
    address = fields.Str(allow_none=True, validate=validate.Length(max=250))
    active = StrictBool(load_default=True)
    contracts = fields.List(fields.Nested(ContractSchema), dump_only=True)
    district = fields.Str(load_only=True, metadata={"description": "district code (the admin only)"})
    version = fields.Int(dump_only=True)


class LawyerSchema(Schema):
    id = fields.Int(dump_only=True)
    district_id = fields.Int(dump_only=True)
    firm_id = ref(required=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=60), metadata={"example": "王建华"})
    phone = fields.Str(allow_none=True, validate=validate.Regexp(r"^1[3-9]\d{9}$"), metadata={"example": "13911112222"})
    specialities = fields.List(fields.Str(validate=validate.Length(max=30)), load_default=list)
    office_area = fields.Str(allow_none=True, validate=validate.Length(max=80))
    station_ids = fields.List(ref(), load_default=list, validate=validate.Length(max=500),
                              metadata={"description": "stations the lawyer may serve; empty: any of the district"})
    active = StrictBool(load_default=True)
    version = fields.Int(dump_only=True)


class LeaveSchema(Schema):
    id = fields.Int(dump_only=True)
    lawyer_id = fields.Int(dump_only=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    half = fields.Str(allow_none=True, validate=validate.OneOf(["am", "pm"]))
    reason = fields.Str(allow_none=True, validate=validate.Length(max=200))


class AssignmentSchema(Schema):
    id = fields.Int(dump_only=True)
    station_id = ref(required=True)
    firm_id = ref(required=True)
    lead_lawyer_id = ref(required=True)
    backup_lawyer_id = ref(allow_none=True)
    start = fields.Date(allow_none=True)
    end = fields.Date(dump_only=True, allow_none=True)
    active = StrictBool(dump_only=True)
    version = fields.Int(dump_only=True)


class VisitSchema(Schema):
    id = fields.Int(dump_only=True)
    district_id = fields.Int(dump_only=True)
    station_id = fields.Int(dump_only=True)
    station_name = fields.Function(lambda v: v.station.name, dump_only=True)
    lawyer_id = fields.Int(dump_only=True)
    lawyer_name = fields.Function(lambda v: v.lawyer.name, dump_only=True)
    firm_id = fields.Int(dump_only=True)
    day = fields.Date(dump_only=True)
    half = fields.Str(dump_only=True)
    status = fields.Str(dump_only=True)
    pinned = StrictBool(dump_only=True)
    by_backup = StrictBool(dump_only=True)
    provisional = StrictBool(dump_only=True)
    sequence = fields.Int(dump_only=True)
    version = fields.Int(dump_only=True)


class VisitChangeSchema(Schema):
    day = fields.Date(metadata={"description": "move to this day (same month)"})
    half = HALF
    lawyer_id = ref(metadata={"description": "the station's lead or backup lawyer"})
    pinned = StrictBool()
    status = fields.Str(validate=validate.OneOf(["cancelled"]), metadata={"description": "cancel the visit"})


class VisitQuery(DateRangeArgs):
    station = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    lawyer = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    firm = fields.Int(validate=validate.Range(min=1, max=2**31 - 1))
    status = fields.Str(validate=validate.OneOf(["planned", "cancelled", "delivered", "missed"]))
    district = fields.Str(metadata={"description": "district code (admin only)"})


class DistrictQuery(PageArgs):
    district = fields.Str(metadata={"description": "district code (admin only; others see their own)"})


class PlanSchema(Schema):
    first_month = fields.Str(required=True, data_key="from", validate=MONTH, metadata={"example": "2027-01"})
    last_month = fields.Str(required=True, data_key="to", validate=MONTH, metadata={"example": "2027-03"})
    mode = fields.Str(load_default="replan", validate=validate.OneOf(["full", "replan"]))
    provisional = StrictBool(load_default=False)
    district = fields.Str(metadata={"description": "district code (admin only)"})


class ProblemSchema(Schema):
    rule = fields.Str()
    message = fields.Str()
    station_ids = fields.List(fields.Int())
    lawyer_ids = fields.List(fields.Int())
    days = fields.List(fields.Str())
    month = fields.List(fields.Int(), allow_none=True)


class PlanResultSchema(Schema):
    run_id = fields.Int()
    status = fields.Str()
    provisional = StrictBool()
    created = fields.Int()
    moved = fields.Int()
    kept = fields.Int()
    cancelled = fields.Int()
    problems = fields.List(fields.Nested(ProblemSchema))


def _district_filter(stmt, column, code: str | None):
    stmt = scoped(stmt, column)
    if code:
        stmt = stmt.where(column == select(District.id).where(District.code == code).scalar_subquery())
    return stmt


def _target_district(code: str | None) -> District:
    if current_user.role == Role.ADMIN:
        district = db.session.scalar(select(District).where(District.code == code)) if code else None
        if district is None:
            raise InvalidInput({"district": _("Name the district (its code, e.g. chaoyang).")})
        return district
    return current_user.district


def _get(model, obj_id: int):
    obj = db.session.get(model, obj_id)
    if obj is None:
        abort(404)
    check_district(obj.district_id)
    return obj


def _respond(schema, obj, status: int = 200):
    return with_etag(make_response(schema.dump(obj), status), obj)


# ------------------------------------------------------------------------------------------------------ firms

@blp.route("/firms")
@allow(STAFF)
@blp.arguments(DistrictQuery, location="query")
@blp.response(200, FirmSchema(many=True))
@blp.errors(401, 403)
def list_firms(args):
    """The contracted law firms of the caller's district, with their contracts."""
    stmt = _district_filter(select(Firm).options(selectinload(Firm.contracts)).order_by(Firm.id),
                            Firm.district_id, args.get("district"))
    return paginate_select(stmt, args)


@blp.route("/firms", methods=["POST"])
@allow(STAFF)
@blp.arguments(FirmSchema)
@blp.response(201, FirmSchema)
@blp.errors(401, 403, 422)
def create_firm(data):
    """Create a firm in the caller's district (the admin names the district with `district`)."""
    district = _target_district(data.pop("district", None))
    firm = operations.save_firm(None, district_id=district.id, **data)
    db.session.commit()
    return _respond(FirmSchema(), firm, 201)


@blp.route("/firms/<int:firm_id>")
@allow(STAFF)
@blp.response(200, FirmSchema)
@blp.errors(401, 403, 404)
def get_firm(firm_id: int):
    """One firm; its `ETag` is needed to change it."""
    return _respond(FirmSchema(), _get(Firm, firm_id))


@blp.route("/firms/<int:firm_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(FirmSchema)
@blp.response(200, FirmSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def update_firm(data, firm_id: int):
    """Replace a firm's details. Send `If-Match`."""
    firm = _get(Firm, firm_id)
    require_if_match(firm)
    data.pop("district", None)
    operations.save_firm(firm, district_id=firm.district_id, **data)
    db.session.commit()
    return _respond(FirmSchema(), firm)


@blp.route("/firms/<int:firm_id>/contracts", methods=["POST"])
@allow(STAFF)
@blp.arguments(ContractSchema)
@blp.response(201, ContractSchema)
@blp.errors(401, 403, 404, 422)
def create_contract(data, firm_id: int):
    """Add a service contract (period, stations covered, visits per station and month, hours per visit)."""
    firm = _get(Firm, firm_id)
    contract = operations.save_contract(None, firm=firm, **data)
    db.session.commit()
    return make_response(ContractSchema().dump(contract), 201)


# ---------------------------------------------------------------------------------------------------- lawyers

def _dump_lawyer(lawyer: Lawyer) -> dict:
    data = LawyerSchema().dump(lawyer)
    data["station_ids"] = sorted(lawyer.allowed_station_ids)
    return data


@blp.route("/lawyers")
@allow(STAFF)
@blp.arguments(DistrictQuery, location="query")
@blp.response(200, LawyerSchema(many=True))
@blp.errors(401, 403)
def list_lawyers(args):
    """The lawyers of the caller's district, paginated."""
    stmt = _district_filter(select(Lawyer).options(selectinload(Lawyer.allowed)).order_by(Lawyer.id),
                            Lawyer.district_id, args.get("district"))
    items, status, headers = paginate_select(stmt, args)
    return [_dump_lawyer(lw) for lw in items], status, headers


def _firm_for(firm_id: int) -> Firm:
    firm = db.session.get(Firm, firm_id)
    if firm is None:
        raise InvalidInput({"firm_id": _("No such firm.")})
    if current_user.role != Role.ADMIN and firm.district_id != current_user.district_id:
        raise InvalidInput({"firm_id": _("Choose a firm of your district.")})
    return firm


@blp.route("/lawyers", methods=["POST"])
@allow(STAFF)
@blp.arguments(LawyerSchema)
@blp.response(201, LawyerSchema)
@blp.errors(401, 403, 422)
def create_lawyer(data):
    """Create a lawyer of a firm of the caller's district."""
    firm = _firm_for(data.pop("firm_id"))
    lawyer = operations.save_lawyer(None, firm=firm, **data)
    db.session.commit()
    return with_etag(make_response(_dump_lawyer(lawyer), 201), lawyer)


@blp.route("/lawyers/<int:lawyer_id>")
@allow(STAFF)
@blp.response(200, LawyerSchema)
@blp.errors(401, 403, 404)
def get_lawyer(lawyer_id: int):
    """One lawyer; its `ETag` is needed to change it."""
    lawyer = _get(Lawyer, lawyer_id)
    return with_etag(make_response(_dump_lawyer(lawyer)), lawyer)


@blp.route("/lawyers/<int:lawyer_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(LawyerSchema)
@blp.response(200, LawyerSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def update_lawyer(data, lawyer_id: int):
    """Replace a lawyer's details. Send `If-Match`."""
    lawyer = _get(Lawyer, lawyer_id)
    require_if_match(lawyer)
    firm = _firm_for(data.pop("firm_id"))
    operations.save_lawyer(lawyer, firm=firm, user_id=lawyer.user_id, **data)
    db.session.commit()
    return with_etag(make_response(_dump_lawyer(lawyer)), lawyer)


@blp.route("/lawyers/<int:lawyer_id>/leave")
@allow(STAFF)
@blp.response(200, LeaveSchema(many=True))
@blp.errors(401, 403, 404)
def list_leave(lawyer_id: int):
    """A lawyer's leave and unavailable days."""
    return _get(Lawyer, lawyer_id).leave


@blp.route("/lawyers/<int:lawyer_id>/leave", methods=["POST"])
@allow(STAFF)
@blp.arguments(LeaveSchema)
@blp.errors(401, 403, 404, 422)
@blp.response(201, description="The leave, the planned visits it breaks and a proposed replacement for each")
def add_leave(data, lawyer_id: int):
    """Record leave. Answers the visits it breaks with proposals (backup lawyer, or another day); apply one
    with PATCH /visits/{id}."""
    lawyer = _get(Lawyer, lawyer_id)
    impact = operations.add_leave(lawyer, data["start"], data["end"], data.get("reason"), data.get("half"))
    db.session.commit()
    body = {"leave": LeaveSchema().dump(impact.leave),
            "broken": [VisitSchema().dump(v) for v in impact.broken],
            "proposals": [{"visit_id": p.visit.id, "kind": p.kind, "lawyer_id": p.lawyer.id if p.lawyer else None,
                           "day": p.day.isoformat() if p.day else None, "half": p.half, "reason": p.reason}
                          for p in impact.proposals]}
    return make_response(jsonify(body), 201)


# ------------------------------------------------------------------------------------------------ assignments

@blp.route("/assignments")
@allow(STAFF)
@blp.arguments(DistrictQuery, location="query")
@blp.response(200, AssignmentSchema(many=True))
@blp.errors(401, 403)
def list_assignments(args):
    """The active station assignments (station -> firm, lead and backup lawyer)."""
    stmt = _district_filter(select(Assignment).where(Assignment.active).order_by(Assignment.station_id),
                            Assignment.district_id, args.get("district"))
    return paginate_select(stmt, args)


@blp.route("/assignments", methods=["POST"])
@allow(STAFF)
@blp.arguments(AssignmentSchema)
@blp.response(201, AssignmentSchema)
@blp.errors(401, 403, 404, 422)
def create_assignment(data):
    """Assign a station its firm, lead and backup lawyer; the station's previous assignment ends."""
    station = db.session.get(Station, data["station_id"])
    if station is None:
        raise InvalidInput({"station_id": _("No such station.")})
    check_district(station.district_id)
    firm = _firm_for(data["firm_id"])
    lead = db.session.get(Lawyer, data["lead_lawyer_id"])
    if lead is None:
        raise InvalidInput({"lead_lawyer_id": _("No such lawyer.")})
    backup = db.session.get(Lawyer, data["backup_lawyer_id"]) if data.get("backup_lawyer_id") else None
    if data.get("backup_lawyer_id") and backup is None:
        raise InvalidInput({"backup_lawyer_id": _("No such lawyer.")})
    assignment = operations.assign_station(station, firm=firm, lead=lead, backup=backup, start=data.get("start"))
    db.session.commit()
    return _respond(AssignmentSchema(), assignment, 201)


# ----------------------------------------------------------------------------------------------------- visits

def _visit_for_reader(visit_id: int) -> Visit:
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        abort(404)
    if current_user.role == Role.LAWYER:
        mine = db.session.scalar(select(Lawyer.id).where(Lawyer.user_id == current_user.id))
        if mine is None or visit.lawyer_id != mine:
            abort(404)
    else:
        check_district(visit.district_id)
    return visit


@blp.route("/visits")
@allow(STAFF, Role.LAWYER)
@blp.arguments(VisitQuery, location="query")
@blp.response(200, VisitSchema(many=True))
@blp.errors(401, 403)
def list_visits(args):
    """Visits between `from` and `to` (ISO dates), filtered by station, lawyer, firm or status. Staff see their
    district; a lawyer sees only their own visits."""
    stmt = select(Visit).options(selectinload(Visit.station), selectinload(Visit.lawyer)).order_by(
        Visit.day, Visit.half, Visit.id)
    if current_user.role == Role.LAWYER:
        mine = db.session.scalar(select(Lawyer.id).where(Lawyer.user_id == current_user.id))
        stmt = stmt.where(Visit.lawyer_id == (mine or -1))
    else:
        stmt = _district_filter(stmt, Visit.district_id, args.get("district"))
    if args.get("from_"):
        stmt = stmt.where(Visit.day >= args["from_"])
    if args.get("to"):
        stmt = stmt.where(Visit.day <= args["to"])
    for key, column in (("station", Visit.station_id), ("lawyer", Visit.lawyer_id), ("firm", Visit.firm_id),
                        ("status", Visit.status)):
        if args.get(key) is not None:
            stmt = stmt.where(column == args[key])
    return paginate_select(stmt, args)


@blp.route("/visits/<int:visit_id>")
@allow(STAFF, Role.LAWYER)
@blp.response(200, VisitSchema)
@blp.errors(401, 403, 404)
def get_visit(visit_id: int):
    """One visit; its `ETag` is needed to change it."""
    return _respond(VisitSchema(), _visit_for_reader(visit_id))


@blp.route("/visits/<int:visit_id>", methods=["PATCH"])
@allow(STAFF)
@blp.arguments(VisitChangeSchema)
@blp.response(200, VisitSchema)
@blp.errors(401, 403, 404, 409, 412, 422, 428)
def change_visit(data, visit_id: int):
    """Move (`day`, `half`, `lawyer_id`), pin/unpin (`pinned`) or cancel (`status: cancelled`) a visit.
    Send `If-Match`: a stale ETag gets 412; a slot taken meanwhile gets 409; a broken rule 422 with reasons."""
    visit = _visit_for_reader(visit_id)
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
        return api_error(409, _("The lawyer or the station is already booked in that slot."))
    return _respond(VisitSchema(), visit)


@blp.route("/visits/plan", methods=["POST"])
@allow(STAFF)
@blp.arguments(PlanSchema)
@blp.response(200, PlanResultSchema)
@blp.errors(401, 403, 409, 422)
def plan(data):
    """Plan (`mode: full`) or re-plan (`mode: replan`, the default: pinned and valid visits stay, as few as
    possible move) the months `from`..`to`. A year not announced answers 422 unless `provisional` is true.
    What could not be planned comes back in `problems`, each with a sentence for people."""
    from sqlalchemy.exc import IntegrityError

    from trainer.visits.calendar import year_not_announced

    district = _target_district(data.get("district"))
    try:
        outcome = operations.plan_range(district, data["first_month"], data["last_month"],
                                        allow_provisional=data["provisional"], mode=data["mode"],
                                        user_id=current_user.id)
    except year_not_announced() as error:
        db.session.rollback()
        message = error.localized() if hasattr(error, "localized") else str(error)
        return api_error(422, message, {"provisional": _("Send provisional: true to plan on a provisional "
                                                             "calendar.")}, code="year_not_announced")
    except IntegrityError:
        db.session.rollback()
        return api_error(409, _("Someone else changed visits of these months at the same time; plan again."))
    db.session.commit()
    run = outcome.run
    messages = describe_all(outcome.problems)
    return {"run_id": run.id, "status": run.status, "provisional": run.provisional, "created": run.created,
            "moved": run.moved, "kept": run.kept, "cancelled": run.cancelled,
            "problems": [{**p, "message": m} for p, m in zip(outcome.problems, messages, strict=True)]}


from trainer.visits import api_records as _api_records  # noqa: E402,F401  (part 2's endpoints on this blueprint)
