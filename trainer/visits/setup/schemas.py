"""The setup's API schemas: firms with their contracts, lawyers, leave, station assignments."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.helpers import StrictBool, StrictFloat, ref


class ContractSchema(Schema):
    id = fields.Int(dump_only=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    stations_covered = fields.Int(load_default=0, strict=True, validate=validate.Range(min=0, max=500))
    visits_per_station_month = fields.Int(load_default=2, strict=True, validate=validate.Range(min=1, max=8))
    hours_per_visit = StrictFloat(load_default=3, validate=validate.Range(min=0.5, max=12))
    reference = fields.Str(allow_none=True)
    fee_per_visit = StrictFloat(allow_none=True, load_default=None, validate=validate.Range(min=0, max=10_000_000),
                                metadata={"description": "yuan paid per delivered visit", "example": 300})
    fee_per_month = StrictFloat(allow_none=True, load_default=None, validate=validate.Range(min=0, max=10_000_000),
                                metadata={"description": "yuan paid per month of the contract"})


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
    user_id = fields.Int(allow_none=True, strict=True, metadata={
        "description": "the lawyer's login account (lawyer role); the same person's mentor and instructor records "
                       "may use it too (one agenda per person). Left out on update: unchanged"})
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
