"""The records' API schemas: a visit's record, a no-show, a consultation, a firm's monthly account."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.helpers import StrictBool, UtcDateTime
from trainer.visits.models import ASKER_TYPES, CATEGORIES, CHANNELS, MISSED_REASONS, REFERRALS
from trainer.visits.plan.schemas import MONTH, VisitSchema


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
    has_contract = StrictBool()
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


class AccountQuery(Schema):
    month = fields.Str(required=True, validate=MONTH, metadata={"example": "2026-11"})
