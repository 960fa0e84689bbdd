"""/api/v1/rotation/years: programme years (settings and blackouts); planning a year is in placements/api.py."""

from __future__ import annotations

from flask import abort
from marshmallow import Schema, fields, validate

from trainer.api.conventions import require_if_match
from trainer.api.helpers import respond
from trainer.api.schemas import PageArgs
from trainer.auth.permissions import STAFF, allow, working_district
from trainer.core.extensions import db
from trainer.rotation import access
from trainer.rotation.blueprint import blp
from trainer.rotation.models import YEAR_STATUSES
from trainer.rotation.years import operations, queries


class RotationBlackoutSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    label = fields.Str(required=True, metadata={"example": "春节"})


class RotationProgrammeYearSchema(Schema):
    id = fields.Int(dump_only=True)
    district_id = fields.Int(dump_only=True)
    year = fields.Int(required=True, strict=True, validate=validate.Range(2000, 2100), metadata={"example": 2027})
    trainee_target = fields.Int(load_default=8, strict=True, validate=validate.Range(0, 500))
    centre_name = fields.Str(required=True, validate=validate.Length(min=1, max=120),
                             metadata={"example": "朝阳区劳动人事争议仲裁院工会劳动争议调解中心"})
    centre_address = fields.Str(load_default="", validate=validate.Length(max=250))
    capacity = fields.Int(load_default=2, strict=True, validate=validate.Range(1, 50))
    placement_length = fields.Int(load_default=10, strict=True, validate=validate.Range(2, 30))
    mentor_max_trainees = fields.Int(load_default=2, strict=True, validate=validate.Range(1, 10))
    window_start = fields.Date(allow_none=True, load_default=None)
    window_end = fields.Date(allow_none=True, load_default=None)
    status = fields.Str(load_default="draft", validate=validate.OneOf(YEAR_STATUSES))
    blackouts = fields.List(fields.Nested(RotationBlackoutSchema), dump_only=True)
    version = fields.Int(dump_only=True)


@blp.route("/years")
@allow(STAFF)
@blp.arguments(PageArgs, location="query")
@blp.response(200, RotationProgrammeYearSchema(many=True))
@blp.errors(401, 403)
def list_years(args):
    """Programme years of the caller's district (the admin: all), newest first."""
    return queries.page_of_years(args)


@blp.route("/years", methods=["POST"])
@allow(STAFF)
@blp.arguments(RotationProgrammeYearSchema)
@blp.response(201, RotationProgrammeYearSchema)
@blp.errors(401, 403, 422)
def create_year(data):
    """Create a programme year in the caller's district (the admin: the district of ?district=)."""
    district = working_district()
    if district is None:
        abort(403)
    py = operations.save_programme_year(None, district_id=district.id, **data)
    db.session.commit()
    return respond(RotationProgrammeYearSchema(), py, 201)


@blp.route("/years/<int:year_id>")
@allow(STAFF)
@blp.response(200, RotationProgrammeYearSchema)
@blp.errors(401, 403, 404)
def get_year(year_id: int):
    """One programme year; its `ETag` is needed to change it."""
    return respond(RotationProgrammeYearSchema(), access.programme_year(year_id))


@blp.route("/years/<int:year_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(RotationProgrammeYearSchema)
@blp.response(200, RotationProgrammeYearSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("get_year", "create_year")
def update_year(data, year_id: int):
    """Replace a programme year's settings. Send `If-Match` with the ETag you read."""
    py = access.programme_year(year_id)
    require_if_match(py)
    operations.save_programme_year(py, district_id=py.district_id, **data)
    db.session.commit()
    return respond(RotationProgrammeYearSchema(), py)
