"""The plan's API schemas: a visit (also the base of a visit's record), a change to it, the list's query, a
planning request and its result."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.helpers import MAX_ID, StrictBool, ref
from trainer.api.schemas import DateRangeArgs

MONTH = validate.Regexp(r"^20\d\d-(0[1-9]|1[0-2])$")


HALF = fields.Str(validate=validate.OneOf(["am", "pm"]), metadata={"example": "am"})


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
    station = fields.Int(validate=validate.Range(min=1, max=MAX_ID))
    lawyer = fields.Int(validate=validate.Range(min=1, max=MAX_ID))
    firm = fields.Int(validate=validate.Range(min=1, max=MAX_ID))
    status = fields.Str(validate=validate.OneOf(["planned", "cancelled", "delivered", "missed"]))
    district = fields.Str(metadata={"description": "district code (admin only)"})


class PlanSchema(Schema):
    first_month = fields.Str(required=True, data_key="from", validate=MONTH, metadata={"example": "2027-01"})
    last_month = fields.Str(required=True, data_key="to", validate=MONTH, metadata={"example": "2027-03"})
    mode = fields.Str(load_default="replan", validate=validate.OneOf(["full", "replan"]))
    provisional = StrictBool(load_default=False)
    district = fields.Str(metadata={"description": "district code (admin only)"})


class QualityQuery(Schema):
    first_month = fields.Str(required=True, data_key="from", validate=MONTH, metadata={"example": "2027-01"})
    last_month = fields.Str(required=True, data_key="to", validate=MONTH, metadata={"example": "2027-12"})
    district = fields.Str(metadata={"description": "district code (admin only)"})


class QualitySchema(Schema):
    visits = fields.Int(metadata={"description": "planned and delivered visits in the months"})
    gap_sum = fields.Int(metadata={"description": "Σ|gap − 14| over each station's consecutive visits, in days"})
    gaps = fields.Int(metadata={"description": "how many gaps that sum is over"})
    rhythm_month_share = fields.Float(metadata={"description": "share of station-months that keep the station's "
                                                               "rhythm (0..1)"})
    backup_visits = fields.Int()
    violations = fields.Int(metadata={"description": "hard-rule violations"})
    unassigned_stations = fields.Int()
    visits_per_lead_min = fields.Int()
    visits_per_lead_max = fields.Int()


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
