"""/api/v1: an instructor's areas of duty, and a district's gaps and overlaps."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.helpers import target_district
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.instructors import access
from trainer.instructors.blueprint import WITH_INSTRUCTOR, blp
from trainer.instructors.duties import operations
from trainer.instructors.models import AREA_KINDS


class ResponsibilitySchema(Schema):
    id = fields.Int(dump_only=True)
    instructor_id = fields.Int(dump_only=True)
    kind = fields.Str(required=True, validate=validate.OneOf(AREA_KINDS))
    value = fields.Str(required=True, validate=validate.Length(min=1, max=120), metadata={"example": "望京街道"})


class OverlapSchema(Schema):
    kind = fields.Str()
    value = fields.Str()
    tier = fields.Str()
    instructors = fields.List(fields.Str())


class CoverageSchema(Schema):
    district = fields.Str()
    gaps = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()))
    overlaps = fields.List(fields.Nested(OverlapSchema))


class CoverageArgs(Schema):
    district = fields.Str(metadata={"description": "district code (admin); others get their own"})


@blp.route("/instructors/<int:instructor_id>/responsibilities")
@allow(WITH_INSTRUCTOR)
@blp.response(200, ResponsibilitySchema(many=True))
@blp.errors(401, 403, 404)
def list_responsibilities(instructor_id: int):
    """The areas (streets, industries, enterprises) an instructor covers."""
    return access.instructor(instructor_id).responsibilities


@blp.route("/instructors/<int:instructor_id>/responsibilities", methods=["POST"])
@allow(STAFF)
@blp.arguments(ResponsibilitySchema)
@blp.response(201, ResponsibilitySchema)
@blp.errors(401, 403, 404, 422)
def add_responsibility(data, instructor_id: int):
    """Add an area to an instructor's duties."""
    area = operations.add_responsibility(access.instructor(instructor_id, edit=True), data["kind"], data["value"])
    db.session.commit()
    return area


@blp.route("/responsibilities/<int:area_id>", methods=["DELETE"])
@allow(STAFF)
@blp.response(204)
@blp.errors(401, 403, 404)
def remove_responsibility(area_id: int):
    """Remove an area from an instructor's duties."""
    area = access.responsibility(area_id)
    operations.remove_responsibility(area)
    db.session.commit()
    return ""


@blp.route("/instructors/coverage")
@allow(STAFF)
@blp.arguments(CoverageArgs, location="query")
@blp.response(200, CoverageSchema)
@blp.errors(401, 403, 422)
def coverage(args):
    """Gaps (streets and industries nobody covers) and overlaps (covered twice within one tier) of a district."""
    district = target_district(args.get("district"))
    cover = operations.coverage(district.id)
    return {"district": district.code, "gaps": cover.gaps,
            "overlaps": [{"kind": k, "value": v, "tier": t, "instructors": [p.name for p in people]}
                         for k, v, t, people in cover.overlaps]}
