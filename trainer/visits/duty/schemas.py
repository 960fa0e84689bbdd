"""The duty roster's API schemas: a period with its roster, one shift, a change of one shift."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.helpers import StrictBool, UtcDateTime, ref


class DutyShiftSchema(Schema):
    id = fields.Int(dump_only=True)
    day = fields.Date(dump_only=True)
    shift_code = fields.Str(dump_only=True)
    lawyer_id = fields.Int(dump_only=True)
    lawyer_name = fields.Function(lambda r: r.lawyer.name, dump_only=True)
    pinned = StrictBool(dump_only=True)


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
