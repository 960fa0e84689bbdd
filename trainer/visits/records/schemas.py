"""The records' API schemas: a visit's record, a no-show, a consultation, a firm's monthly account."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.helpers import AwareUtcDateTime, StrictBool, UtcDateTime
from trainer.visits.models import ASKER_TYPES, CATEGORIES, CHANNELS, MISSED_REASONS, REFERRALS
from trainer.visits.plan.schemas import MONTH, VisitSchema
from trainer.visits.records import rules


class RecordSchema(VisitSchema):
    checked_in_at = UtcDateTime(dump_only=True, allow_none=True)
    checked_out_at = UtcDateTime(dump_only=True, allow_none=True)
    missed_reason = fields.Str(dump_only=True, allow_none=True)
    missed_note = fields.Str(dump_only=True, allow_none=True)
    late_reason = fields.Str(dump_only=True, allow_none=True,
                             metadata={"description": "why the lawyer recorded the visit after its slot"})
    state = fields.Method("_state", dump_only=True, metadata={
        "description": "planned, unrecorded (slot over, nothing recorded), in_progress (checked in, not out), "
                       "delivered, no_checkout (day over without check-out), untimed, missed, cancelled"})

    def _state(self, visit) -> str:
        return rules.state(visit)


class LateRecordSchema(Schema):
    checked_in_at = AwareUtcDateTime(allow_none=True, metadata={
        "description": "arrival (ignored when already checked in); from CHECKIN_EARLY_MIN minutes before the slot "
                       "to its end"})
    checked_out_at = AwareUtcDateTime(required=True)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=300),
                        metadata={"description": "why the visit is recorded late"})


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
    in_progress = fields.Int()
    hours = fields.Float(metadata={"description": "from the real check-in and check-out times only"})
    timed_visits = fields.Int()
    no_checkout_visits = fields.List(fields.Dict(), metadata={"description": "no check-out: no hours credited"})
    untimed_visits = fields.List(fields.Dict(), metadata={"description": "delivered without times: no hours"})
    short_visits = fields.List(fields.Dict(), metadata={"description": "shorter than VISIT_SHORT_SHARE of the "
                                                                       "contract's hours per visit"})
    unrecorded_visits = fields.List(fields.Dict())
    late_visits = fields.List(fields.Dict())
    counting = fields.List(fields.Str(), metadata={"description": "how the account counted, in words"})
    consultations = fields.Int()
    people = fields.Int()
    by_category = fields.Dict(keys=fields.Str(), values=fields.Int())
    people_by_category = fields.Dict(keys=fields.Str(), values=fields.Int())
    referrals = fields.Dict(keys=fields.Str(), values=fields.Int())
    follow_ups = fields.Int()
    missed_visits = fields.List(fields.Dict())
    fees = fields.Dict(allow_none=True, metadata={
        "description": "the contract's fees in yuan (text with two decimals): per_visit, per_month, visits_paid "
                       "(delivered with both times), for_visits, total; null when the contract sets no fee"})


class AccountQuery(Schema):
    month = fields.Str(required=True, validate=MONTH, metadata={"example": "2026-11"})
