"""/api/v1 for part 2: a visit's record (check-in, check-out, no-show), its consultations, a firm's monthly
account and the telephone duty roster. Registered on ``trainer.visits.api.blp``.

Workers' names and phones come back only to the visit's lawyer and the district's coordinators (and the city
admin); anyone else who may read the consultation gets ``"hidden"`` in their place.
"""

from __future__ import annotations

from flask import abort, jsonify, make_response
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.api.conventions import require_if_match, with_etag
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.visits import accounts as accounting
from trainer.visits import records, roster
from trainer.visits.api import (
    MONTH,
    DistrictQuery,
    StrictBool,
    VisitSchema,
    _district_filter,
    _get,
    _target_district,
    _visit_for_reader,
    blp,
    ref,
)
from trainer.visits.models import (
    ASKER_TYPES,
    CATEGORIES,
    CHANNELS,
    MISSED_REASONS,
    REFERRALS,
    Consultation,
    DutyPeriod,
    Firm,
)
from trainer.visits.planner import parse_month


class UtcDateTime(fields.DateTime):
    """A stored moment as RFC 3339 in UTC (SQLite hands back naive values, which are UTC)."""

    def _serialize(self, value, attr, obj, **kwargs):
        from trainer.core.clock import as_utc

        return None if value is None else super()._serialize(as_utc(value), attr, obj, **kwargs)


class RecordSchema(VisitSchema):
    checked_in_at = UtcDateTime(dump_only=True, allow_none=True)
    checked_out_at = UtcDateTime(dump_only=True, allow_none=True)
    missed_reason = fields.Str(dump_only=True, allow_none=True)
    missed_note = fields.Str(dump_only=True, allow_none=True)


class MissedSchema(Schema):
    reason = fields.Str(required=True, validate=validate.OneOf(MISSED_REASONS))
    note = fields.Str(allow_none=True, validate=validate.Length(max=300))


class ConsultationSchema(Schema):
    id = fields.Int(dump_only=True)
    visit_id = fields.Int(dump_only=True)
    asker_type = fields.Str(required=True, validate=validate.OneOf(ASKER_TYPES))
    people_count = fields.Int(load_default=1, strict=True, validate=validate.Range(min=1, max=500))
    channel = fields.Str(load_default="on_site", validate=validate.OneOf(CHANNELS))
    category = fields.Str(required=True, validate=validate.OneOf(CATEGORIES))
    question = fields.Str(required=True, validate=validate.Length(min=1, max=2000))
    advice = fields.Str(allow_none=True, validate=validate.Length(max=4000))
    referral = fields.Str(load_default="none", validate=validate.OneOf(REFERRALS))
    follow_up = StrictBool(load_default=False)
    follow_up_note = fields.Str(allow_none=True, validate=validate.Length(max=300))
    enterprise_name = fields.Str(allow_none=True, validate=validate.Length(max=160))
    worker_name = fields.Str(allow_none=True, validate=validate.Length(max=60),
                             metadata={"description": "personal data: \"hidden\" for those not allowed to see it"})
    worker_phone = fields.Str(allow_none=True, validate=validate.Length(max=20),
                              metadata={"description": "personal data: \"hidden\" for those not allowed to see it"})
    version = fields.Int(dump_only=True)


class AccountSchema(Schema):
    firm_id = fields.Int()
    firm = fields.Str()
    month = fields.Str()
    contracted = fields.Int()
    stations_covered = fields.Int()
    visits_per_station = fields.Int()
    hours_per_visit = fields.Float()
    has_contract = fields.Bool()
    planned = fields.Int()
    delivered = fields.Int()
    missed = fields.Int()
    open = fields.Int()
    hours = fields.Float()
    hours_measured = fields.Float()
    hours_estimated = fields.Float()
    estimated_visits = fields.Int()
    consultations = fields.Int()
    people = fields.Int()
    by_category = fields.Dict(keys=fields.Str(), values=fields.Int())
    people_by_category = fields.Dict(keys=fields.Str(), values=fields.Int())
    referrals = fields.Dict(keys=fields.Str(), values=fields.Int())
    follow_ups = fields.Int()
    missed_visits = fields.List(fields.Dict())


class ShiftSpecSchema(Schema):
    code = fields.Str()
    start = fields.Str()
    end = fields.Str()
    night = fields.Bool()


class DutyShiftSchema(Schema):
    id = fields.Int(dump_only=True)
    day = fields.Date(dump_only=True)
    shift_code = fields.Str(dump_only=True)
    lawyer_id = fields.Int(dump_only=True)
    lawyer_name = fields.Function(lambda r: r.lawyer.name, dump_only=True)
    pinned = fields.Bool(dump_only=True)


class DutyPeriodSchema(Schema):
    id = fields.Int(dump_only=True)
    district_id = fields.Int(dump_only=True)
    title = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    first_day = fields.Date(required=True)
    last_day = fields.Date(required=True)
    shifts = fields.Str(load_only=True, load_default=None, allow_none=True, validate=validate.Length(max=200),
                        metadata={"example": "00:00-08:00, 08:00-16:00, 16:00-24:00"})
    shift_specs = fields.Function(lambda p: p.shifts, dump_only=True)
    per_shift = fields.Int(load_default=1, strict=True, validate=validate.Range(min=1, max=5))
    phone = fields.Str(allow_none=True, validate=validate.Length(max=40))
    lawyer_ids = fields.List(ref(), required=True, validate=validate.Length(min=1, max=500))
    problems = fields.List(fields.Dict(), dump_only=True)
    problem_messages = fields.List(fields.Str(), dump_only=True, metadata={"description": "the problems in words"})
    duty_shifts = fields.List(fields.Nested(DutyShiftSchema), dump_only=True,
                              metadata={"description": "the roster (GET one period, plan, change)"})
    planned_at = UtcDateTime(dump_only=True, allow_none=True)
    district = fields.Str(load_only=True, metadata={"description": "district code (the admin only)"})
    version = fields.Int(dump_only=True)


class ShiftChangeSchema(Schema):
    day = fields.Date(required=True)
    shift_code = fields.Str(required=True, validate=validate.Length(min=1, max=10))
    remove_lawyer_id = ref(allow_none=True)
    lawyer_id = ref(allow_none=True)


class AccountQuery(Schema):
    month = fields.Str(required=True, validate=MONTH, metadata={"example": "2026-11"})


def _own_or_staff_visit(visit_id: int):
    return _visit_for_reader(visit_id)


def _dump_consultation(consultation: Consultation, personal: bool) -> dict:
    data = ConsultationSchema().dump(consultation)
    if not personal:
        for key in ("worker_name", "worker_phone"):
            if data.get(key):
                data[key] = records.HIDDEN
    return data


def _respond_visit(visit, status: int = 200):
    return with_etag(make_response(RecordSchema().dump(visit), status), visit)


# ------------------------------------------------------------------------------------------------ visit record

@blp.route("/visits/<int:visit_id>/check-in", methods=["POST"])
@allow(Role.LAWYER)
@blp.response(200, RecordSchema)
@blp.errors(401, 403, 404, 422)
def api_check_in(visit_id: int):
    """The lawyer checks in at their own visit (only on the visit's day, Beijing time); the visit is delivered."""
    visit = _own_or_staff_visit(visit_id)
    records.check_in(visit, user=current_user, today=today_local())
    db.session.commit()
    return _respond_visit(visit)


@blp.route("/visits/<int:visit_id>/check-out", methods=["POST"])
@allow(Role.LAWYER)
@blp.response(200, RecordSchema)
@blp.errors(401, 403, 404, 422)
def api_check_out(visit_id: int):
    """The lawyer checks out (after checking in)."""
    visit = _own_or_staff_visit(visit_id)
    records.check_out(visit, user=current_user)
    db.session.commit()
    return _respond_visit(visit)


@blp.route("/visits/<int:visit_id>/missed", methods=["POST"])
@allow(STAFF, Role.LAWYER)
@blp.arguments(MissedSchema)
@blp.response(200, RecordSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def api_missed(data, visit_id: int):
    """Record that the visit did not take place, with the reason (`lawyer_ill`, `lawyer_absent`,
    `station_closed`, `emergency`, `other` + `note`). Send `If-Match`."""
    visit = _own_or_staff_visit(visit_id)
    require_if_match(visit)
    records.mark_missed(visit, reason=data["reason"], note=data.get("note"), user=current_user, today=today_local())
    db.session.commit()
    return _respond_visit(visit)


@blp.route("/visits/<int:visit_id>/record")
@allow(STAFF, Role.LAWYER)
@blp.response(200, RecordSchema)
@blp.errors(401, 403, 404)
def api_record(visit_id: int):
    """A visit with its check-in and check-out times (UTC) and the reason when missed."""
    return _respond_visit(_own_or_staff_visit(visit_id))


# ------------------------------------------------------------------------------------------------ consultations

@blp.route("/visits/<int:visit_id>/consultations")
@allow(STAFF, Role.LAWYER)
@blp.response(200, ConsultationSchema(many=True))
@blp.errors(401, 403, 404)
def api_consultations(visit_id: int):
    """The consultations of a visit (a lawyer: own visits only)."""
    visit = _own_or_staff_visit(visit_id)
    personal = records.may_see_personal(current_user, visit)
    rows = db.session.scalars(select(Consultation).where(Consultation.visit_id == visit.id)
                              .order_by(Consultation.id)).all()
    return jsonify([_dump_consultation(c, personal) for c in rows])


@blp.route("/visits/<int:visit_id>/consultations", methods=["POST"])
@allow(STAFF, Role.LAWYER)
@blp.arguments(ConsultationSchema)
@blp.response(201, ConsultationSchema)
@blp.errors(401, 403, 404, 422)
def api_consultation_add(data, visit_id: int):
    """Record a consultation at a visit that took place (checked in)."""
    visit = _own_or_staff_visit(visit_id)
    consultation = records.save_consultation(None, visit=visit, user=current_user, **data)
    db.session.commit()
    return with_etag(make_response(_dump_consultation(consultation, True), 201), consultation)


def _consultation(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        abort(404)
    _own_or_staff_visit(consultation.visit_id)
    return consultation


@blp.route("/consultations/<int:consultation_id>")
@allow(STAFF, Role.LAWYER)
@blp.response(200, ConsultationSchema)
@blp.errors(401, 403, 404)
def api_consultation(consultation_id: int):
    """One consultation; its `ETag` is needed to change it."""
    consultation = _consultation(consultation_id)
    personal = records.may_see_personal(current_user, consultation.visit)
    return with_etag(make_response(_dump_consultation(consultation, personal)), consultation)


@blp.route("/consultations/<int:consultation_id>", methods=["PUT"])
@allow(STAFF, Role.LAWYER)
@blp.arguments(ConsultationSchema)
@blp.response(200, ConsultationSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def api_consultation_update(data, consultation_id: int):
    """Replace a consultation. Send `If-Match`."""
    consultation = _consultation(consultation_id)
    require_if_match(consultation)
    records.save_consultation(consultation, visit=consultation.visit, user=current_user, **data)
    db.session.commit()
    return with_etag(make_response(_dump_consultation(consultation, True)), consultation)


# ------------------------------------------------------------------------------------------------- accounts

@blp.route("/firms/<int:firm_id>/account")
@allow(STAFF)
@blp.arguments(AccountQuery, location="query")
@blp.response(200, AccountSchema)
@blp.errors(401, 403, 404, 422)
def api_firm_account(args, firm_id: int):
    """A firm's account of a month (`?month=2026-11`): contracted, planned, delivered, missed (with reasons),
    hours (measured and estimated), consultations by category. The same numbers as the page and the Excel file."""
    firm = _get(Firm, firm_id)
    return accounting.firm_account(firm, parse_month(args["month"])).figures()


# ----------------------------------------------------------------------------------------------------- duty

def _dump_period(period: DutyPeriod, with_shifts: bool = False) -> dict:
    data = DutyPeriodSchema().dump(period)
    data["lawyer_ids"] = [lw.id for lw in period.lawyers]
    data["problem_messages"] = roster.describe_all(period)
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
    from trainer.api.schemas import paginate_select

    stmt = _district_filter(select(DutyPeriod).options(selectinload(DutyPeriod.lawyers))
                            .order_by(DutyPeriod.first_day.desc(), DutyPeriod.id), DutyPeriod.district_id,
                            args.get("district"))
    items, status, headers = paginate_select(stmt, args)
    return [_dump_period(p) for p in items], status, headers


@blp.route("/duty-periods", methods=["POST"])
@allow(STAFF)
@blp.arguments(DutyPeriodSchema)
@blp.response(201, DutyPeriodSchema)
@blp.errors(401, 403, 422)
def api_duty_period_add(data):
    """Create a duty period (days, shifts, lawyers per shift, the lawyers' pool); plan it with POST .../plan."""
    district = _target_district(data.pop("district", None))
    period = roster.save_period(None, district_id=district.id, **data)
    db.session.commit()
    return with_etag(make_response(_dump_period(period), 201), period)


@blp.route("/duty-periods/<int:period_id>")
@allow(STAFF)
@blp.response(200, DutyPeriodSchema)
@blp.errors(401, 403, 404)
def api_duty_period(period_id: int):
    """A duty period with its roster (`duty_shifts`) and the problems in words."""
    period = _get(DutyPeriod, period_id)
    return with_etag(make_response(_dump_period(period, True)), period)


@blp.route("/duty-periods/<int:period_id>/plan", methods=["POST"])
@allow(STAFF)
@blp.response(200, DutyPeriodSchema)
@blp.errors(401, 403, 404)
def api_duty_plan(period_id: int):
    """Plan the roster (shifts changed by hand stay). Shifts nobody can take come back in `problems`."""
    period = _get(DutyPeriod, period_id)
    roster.plan_period(period, time_limit_s=8.0)
    db.session.commit()
    return with_etag(make_response(_dump_period(period, True)), period)


@blp.route("/duty-periods/<int:period_id>/shifts", methods=["PUT"])
@allow(STAFF)
@blp.arguments(ShiftChangeSchema)
@blp.response(200, DutyPeriodSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def api_duty_change(data, period_id: int):
    """Change one shift: put `lawyer_id` on it, in place of `remove_lawyer_id` if given. Refused (422, with every
    reason) when the lawyer is on leave, at a station visit or on another shift then. Send `If-Match`."""
    period = _get(DutyPeriod, period_id)
    require_if_match(period)
    roster.change_shift(period, day=data["day"], shift_code=data["shift_code"],
                        remove_lawyer_id=data.get("remove_lawyer_id"), lawyer_id=data.get("lawyer_id"))
    db.session.commit()
    return with_etag(make_response(_dump_period(period, True)), period)

