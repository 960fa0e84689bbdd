"""/api/v1 for the records: a visit's record (check-in, check-out, no-show), its consultations, a firm's monthly
account.

Workers' names and phones come back only to the visit's lawyer and the district's coordinators (and the city
admin); anyone else who may read the consultation gets ``"hidden"`` in their place.
"""

from __future__ import annotations

from flask import jsonify
from flask_login import current_user

from trainer.api.conventions import require_if_match
from trainer.api.helpers import respond
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.months import parse_month
from trainer.visits import access
from trainer.visits.blueprint import blp
from trainer.visits.models import Consultation
from trainer.visits.records import accounts as accounting
from trainer.visits.records import operations, queries
from trainer.visits.records.schemas import (
    AccountQuery,
    AccountSchema,
    ConsultationSchema,
    LateRecordSchema,
    MissedSchema,
    RecordSchema,
)


def _dump_consultation(consultation: Consultation, personal: bool) -> dict:
    data = ConsultationSchema().dump(consultation)
    if not personal:
        for key in ("worker_name", "worker_phone"):
            if data.get(key):
                data[key] = access.HIDDEN
    return data


# ------------------------------------------------------------------------------------------------ visit record

@blp.route("/visits/<int:visit_id>/check-in", methods=["POST"])
@allow(Role.LAWYER)
@blp.response(200, RecordSchema)
@blp.errors(401, 403, 404, 422)
def api_check_in(visit_id: int):
    """The lawyer checks in at their own visit (only on the visit's day, Beijing time); the visit is delivered."""
    visit = access.readable_visit(visit_id)
    operations.check_in(visit, user=current_user, today=today_local())
    db.session.commit()
    return respond(RecordSchema(), visit)


@blp.route("/visits/<int:visit_id>/check-out", methods=["POST"])
@allow(Role.LAWYER)
@blp.response(200, RecordSchema)
@blp.errors(401, 403, 404, 422)
def api_check_out(visit_id: int):
    """The lawyer checks out (after checking in)."""
    visit = access.readable_visit(visit_id)
    operations.check_out(visit, user=current_user)
    db.session.commit()
    return respond(RecordSchema(), visit)


@blp.route("/visits/<int:visit_id>/late-record", methods=["POST"])
@allow(Role.LAWYER)
@blp.arguments(LateRecordSchema)
@blp.response(200, RecordSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("api_record")
def api_late_record(data, visit_id: int):
    """The lawyer records their own visit after its slot (forgot to check in, or to check out on the day), with
    the reason it is late: until the end of the visit's month (or `RECORD_LATE_DAYS` days after it), never once
    the month's account is closed. Send `If-Match`."""
    visit = access.own_visit(visit_id)
    require_if_match(visit)
    operations.record_late(visit, checked_in_at=data.get("checked_in_at"), checked_out_at=data["checked_out_at"],
                           reason=data["reason"], user=current_user, today=today_local())
    db.session.commit()
    return respond(RecordSchema(), visit)


@blp.route("/visits/<int:visit_id>/missed", methods=["POST"])
@allow(STAFF, Role.LAWYER)
@blp.arguments(MissedSchema)
@blp.response(200, RecordSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("get_visit")
def api_missed(data, visit_id: int):
    """Record that the visit did not take place, with the reason (`lawyer_ill`, `lawyer_absent`,
    `station_closed`, `emergency`, `other` + `note`). Send `If-Match`."""
    visit = access.readable_visit(visit_id)
    require_if_match(visit)
    operations.mark_missed(visit, reason=data["reason"], note=data.get("note"), user=current_user, today=today_local())
    db.session.commit()
    return respond(RecordSchema(), visit)


@blp.route("/visits/<int:visit_id>/record")
@allow(STAFF, Role.LAWYER)
@blp.response(200, RecordSchema)
@blp.errors(401, 403, 404)
def api_record(visit_id: int):
    """A visit with its check-in and check-out times (UTC) and the reason when missed."""
    return respond(RecordSchema(), access.readable_visit(visit_id))


# ------------------------------------------------------------------------------------------------ consultations

@blp.route("/visits/<int:visit_id>/consultations")
@allow(STAFF, Role.LAWYER)
@blp.response(200, ConsultationSchema(many=True))
@blp.errors(401, 403, 404)
def api_consultations(visit_id: int):
    """The consultations of a visit (a lawyer: own visits only)."""
    visit = access.readable_visit(visit_id)
    personal = access.may_see_personal(current_user, visit)
    return jsonify([_dump_consultation(c, personal) for c in queries.consultations_of(visit)])


@blp.route("/visits/<int:visit_id>/consultations", methods=["POST"])
@allow(STAFF, Role.LAWYER)
@blp.arguments(ConsultationSchema)
@blp.response(201, ConsultationSchema)
@blp.errors(401, 403, 404, 422)
def api_consultation_add(data, visit_id: int):
    """Record a consultation at a visit that took place (checked in)."""
    visit = access.readable_visit(visit_id)
    consultation = operations.save_consultation(None, visit=visit, user=current_user, **data)
    db.session.commit()
    return respond(_dump_consultation(consultation, True), consultation, 201)


@blp.route("/consultations/<int:consultation_id>")
@allow(STAFF, Role.LAWYER)
@blp.response(200, ConsultationSchema)
@blp.errors(401, 403, 404)
def api_consultation(consultation_id: int):
    """One consultation; its `ETag` is needed to change it."""
    consultation = access.consultation(consultation_id)
    personal = access.may_see_personal(current_user, consultation.visit)
    return respond(_dump_consultation(consultation, personal), consultation)


@blp.route("/consultations/<int:consultation_id>", methods=["PUT"])
@allow(STAFF, Role.LAWYER)
@blp.arguments(ConsultationSchema)
@blp.response(200, ConsultationSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("api_consultation", "api_consultation_add")
def api_consultation_update(data, consultation_id: int):
    """Replace a consultation. Send `If-Match`."""
    consultation = access.consultation(consultation_id)
    require_if_match(consultation)
    operations.save_consultation(consultation, visit=consultation.visit, user=current_user, **data)
    db.session.commit()
    return respond(_dump_consultation(consultation, True), consultation)


# ------------------------------------------------------------------------------------------------- accounts

@blp.route("/firms/<int:firm_id>/account")
@allow(STAFF)
@blp.arguments(AccountQuery, location="query")
@blp.response(200, AccountSchema)
@blp.errors(401, 403, 404, 422)
def api_firm_account(args, firm_id: int):
    """A firm's account of a month (`?month=2026-11`): contracted, planned, delivered, missed (with reasons),
    hours from the real times (visits without check-out flagged, no hours credited), consultations by category,
    and `counting`: how it counted, in words. The same numbers as the page and the Excel file."""
    firm = access.firm(firm_id)
    return accounting.firm_account(firm, parse_month(args["month"])).figures()
