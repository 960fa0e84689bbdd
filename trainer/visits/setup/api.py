"""/api/v1 for the setup: firms and their contracts, lawyers and their leave, station assignments."""

from __future__ import annotations

from flask import jsonify, make_response
from marshmallow import fields

from trainer.api.conventions import require_if_match
from trainer.api.helpers import DistrictQuery, respond, target_district
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.visits import access
from trainer.visits.blueprint import blp
from trainer.visits.models import Lawyer
from trainer.visits.setup import leave, operations, queries
from trainer.visits.setup.schemas import (
    AssignmentSchema,
    ContractSchema,
    FirmSchema,
    LawyerSchema,
    LeaveSchema,
)
from trainer.workdays.changes import Scope, impact_json, run_change

# ------------------------------------------------------------------------------------------------------ firms

@blp.route("/firms")
@allow(STAFF)
@blp.arguments(DistrictQuery, location="query")
@blp.response(200, FirmSchema(many=True))
@blp.errors(401, 403)
def list_firms(args):
    """The contracted law firms of the caller's district, with their contracts."""
    return queries.firm_page(args)


@blp.route("/firms", methods=["POST"])
@allow(STAFF)
@blp.arguments(FirmSchema)
@blp.response(201, FirmSchema)
@blp.errors(401, 403, 422)
def create_firm(data):
    """Create a firm in the caller's district (the admin names the district with `district`)."""
    district = target_district(data.pop("district", None))
    firm = operations.save_firm(None, district_id=district.id, **data)
    db.session.commit()
    return respond(FirmSchema(), firm, 201)


@blp.route("/firms/<int:firm_id>")
@allow(STAFF)
@blp.response(200, FirmSchema)
@blp.errors(401, 403, 404)
def get_firm(firm_id: int):
    """One firm; its `ETag` is needed to change it."""
    return respond(FirmSchema(), access.firm(firm_id))


@blp.route("/firms/<int:firm_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(FirmSchema)
@blp.response(200, FirmSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def update_firm(data, firm_id: int):
    """Replace a firm's details. Send `If-Match`."""
    firm = access.firm(firm_id)
    require_if_match(firm)
    data.pop("district", None)
    operations.save_firm(firm, district_id=firm.district_id, **data)
    db.session.commit()
    return respond(FirmSchema(), firm)


@blp.route("/firms/<int:firm_id>/contracts", methods=["POST"])
@allow(STAFF)
@blp.arguments(ContractSchema)
@blp.response(201, ContractSchema)
@blp.errors(401, 403, 404, 422)
def create_contract(data, firm_id: int):
    """Add a service contract (period, stations covered, visits per station and month, hours per visit)."""
    contract = operations.save_contract(None, firm=access.firm(firm_id), **data)
    db.session.commit()
    return respond(ContractSchema(), contract, 201)


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
    items, status, headers = queries.lawyer_page(args)
    return [_dump_lawyer(lw) for lw in items], status, headers


@blp.route("/lawyers", methods=["POST"])
@allow(STAFF)
@blp.arguments(LawyerSchema)
@blp.response(201, LawyerSchema)
@blp.errors(401, 403, 422)
def create_lawyer(data):
    """Create a lawyer of a firm of the caller's district."""
    firm = access.chosen_firm(data.pop("firm_id"))
    lawyer = operations.save_lawyer(None, firm=firm, **data)
    db.session.commit()
    return respond(_dump_lawyer(lawyer), lawyer, 201)


@blp.route("/lawyers/<int:lawyer_id>")
@allow(STAFF)
@blp.response(200, LawyerSchema)
@blp.errors(401, 403, 404)
def get_lawyer(lawyer_id: int):
    """One lawyer; its `ETag` is needed to change it."""
    lawyer = access.lawyer(lawyer_id)
    return respond(_dump_lawyer(lawyer), lawyer)


@blp.route("/lawyers/<int:lawyer_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(LawyerSchema)
@blp.response(200, LawyerSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def update_lawyer(data, lawyer_id: int):
    """Replace a lawyer's details. Send `If-Match`."""
    lawyer = access.lawyer(lawyer_id)
    require_if_match(lawyer)
    firm = access.chosen_firm(data.pop("firm_id"))
    user_id = data.pop("user_id", lawyer.user_id)
    operations.save_lawyer(lawyer, firm=firm, user_id=user_id, **data)
    db.session.commit()
    return respond(_dump_lawyer(lawyer), lawyer)


@blp.route("/lawyers/<int:lawyer_id>/leave")
@allow(STAFF)
@blp.response(200, LeaveSchema(many=True))
@blp.errors(401, 403, 404)
def list_leave(lawyer_id: int):
    """A lawyer's leave and unavailable days."""
    return access.lawyer(lawyer_id).leave


@blp.route("/lawyers/<int:lawyer_id>/leave", methods=["POST"])
@allow(STAFF)
@blp.arguments(LeaveSchema)
@blp.errors(401, 403, 404, 422)
@blp.response(201, description="The leave, the planned visits it breaks and a proposed replacement for each")
def add_leave(data, lawyer_id: int):
    """Record leave through the one change path. Answers `broken`: every planned item it breaks (visits, duty
    shifts), each with its reasons and a proposal, as GET /api/v1/workdays/conflicts lists them; apply them with
    POST /api/v1/workdays/conflicts/apply."""
    lawyer = access.lawyer(lawyer_id)
    impact = leave.add_leave(lawyer, data["start"], data["end"], data.get("reason"), data.get("half"))
    db.session.commit()
    body = {"leave": LeaveSchema().dump(impact.leave), **impact_json(impact.change)}
    return make_response(jsonify(body), 201)


# ------------------------------------------------------------------------------------------------ assignments

@blp.route("/assignments")
@allow(STAFF)
@blp.arguments(DistrictQuery, location="query")
@blp.response(200, AssignmentSchema(many=True))
@blp.errors(401, 403)
def list_assignments(args):
    """The active station assignments (station -> firm, lead and backup lawyer)."""
    return queries.assignment_page(args)


class AssignmentChangeSchema(AssignmentSchema):
    broken = fields.List(fields.Dict(), dump_only=True, metadata={
        "description": "the planned items the new assignment breaks (visits by a lawyer no longer assigned), "
                       "each with its reasons and a proposal, as GET /api/v1/workdays/conflicts lists them"})


@blp.route("/assignments", methods=["POST"])
@allow(STAFF)
@blp.arguments(AssignmentSchema)
@blp.response(201, AssignmentChangeSchema)
@blp.errors(401, 403, 404, 422)
def create_assignment(data):
    """Assign a station its firm, lead and backup lawyer; the station's previous assignment ends."""
    station = access.chosen_station(data["station_id"])
    firm = access.chosen_firm(data["firm_id"])
    lead = access.chosen_lawyer(data["lead_lawyer_id"], "lead_lawyer_id")
    backup = access.chosen_lawyer(data.get("backup_lawyer_id"), "backup_lawyer_id")
    impact = run_change(lambda: operations.assign_station(station, firm=firm, lead=lead, backup=backup,
                                                          start=data.get("start")), Scope.of(station.district_id))
    db.session.commit()
    return respond({**AssignmentSchema().dump(impact.result), "broken": impact_json(impact)["broken"]},
                   impact.result, 201)
