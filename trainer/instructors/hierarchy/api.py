"""/api/v1/instructors: the instructors and their guide links (same conventions as every Trainer API)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.conventions import require_if_match
from trainer.api.helpers import respond, respond_page, target_district
from trainer.api.schemas import PageArgs
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.exchange.rows import MOBILE_RE
from trainer.instructors import access
from trainer.instructors.blueprint import WITH_INSTRUCTOR, blp
from trainer.instructors.hierarchy import operations, queries
from trainer.instructors.models import BACKGROUNDS, INSTRUCTOR_STATUSES, TIERS, Instructor


class InstructorSchema(Schema):
    id = fields.Int(dump_only=True)
    tier = fields.Str(required=True, validate=validate.OneOf(TIERS))
    district = fields.Str(allow_none=True, load_default=None,
                          metadata={"description": "district code; null for a city instructor", "example": "chaoyang"})
    name = fields.Str(required=True, validate=validate.Length(min=1, max=60), metadata={"example": "赵建国"})
    phone = fields.Str(allow_none=True, load_default=None, validate=validate.Regexp(MOBILE_RE))
    background = fields.Str(required=True, validate=validate.OneOf(BACKGROUNDS))
    specialities = fields.List(fields.Str(validate=validate.Length(max=60)), load_default=list)
    term_from = fields.Date(allow_none=True, load_default=None)
    term_to = fields.Date(allow_none=True, load_default=None)
    status = fields.Str(load_default="active", validate=validate.OneOf(INSTRUCTOR_STATUSES))
    guide_id = fields.Int(allow_none=True, load_default=None, strict=True)
    user_id = fields.Int(allow_none=True, load_default=None, strict=True)
    guides = fields.Int(dump_only=True, metadata={"description": "how many instructors this one guides (span)"})
    version = fields.Int(dump_only=True)


class GuideSchema(Schema):
    guide_id = fields.Int(required=True, allow_none=True, strict=True)


class InstructorQuery(PageArgs):
    tier = fields.Str(validate=validate.OneOf(TIERS))
    district = fields.Str(metadata={"description": "district code (admin only)"})


def _dump(p: Instructor) -> dict:
    data = InstructorSchema().dump(p)
    data["district"] = p.district.code if p.district else None
    data["guides"] = sum(1 for g in p.guided if g.status != "ended")
    return data


def _save(instructor: Instructor | None, data: dict) -> Instructor:
    district = target_district(data.pop("district", None), required=False)
    district_id = access.writing_district(data["tier"], district.id if district else None)
    guide = access.guide(data.pop("guide_id"))
    return operations.save_instructor(instructor, district_id=district_id, guide=guide, **data)


@blp.route("/instructors")
@allow(STAFF)
@blp.arguments(InstructorQuery, location="query")
@blp.response(200, InstructorSchema(many=True))
@blp.errors(401, 403)
def list_instructors(args):
    """Instructors: the city ones and those of the caller's district (the admin: all, or ?district=)."""
    return respond_page(_dump, queries.api_listing(args))


@blp.route("/instructors", methods=["POST"])
@allow(STAFF)
@blp.arguments(InstructorSchema)
@blp.response(201, InstructorSchema)
@blp.errors(401, 403, 422)
def create_instructor(data):
    """Create an instructor; a broken hierarchy rule answers 422 with `fields.guide_id` naming the rule."""
    instructor = _save(None, data)
    db.session.commit()
    return respond(_dump(instructor), instructor, 201)


@blp.route("/instructors/<int:instructor_id>")
@allow(WITH_INSTRUCTOR)
@blp.response(200, InstructorSchema)
@blp.errors(401, 403, 404)
def get_instructor(instructor_id: int):
    """One instructor (an instructor may read their own record); its `ETag` is needed to change it."""
    p = access.instructor(instructor_id)
    return respond(_dump(p), p)


@blp.route("/instructors/<int:instructor_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(InstructorSchema)
@blp.response(200, InstructorSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("get_instructor", "create_instructor")
def update_instructor(data, instructor_id: int):
    """Replace an instructor. Send `If-Match` with the ETag you read."""
    p = access.instructor(instructor_id, edit=True)
    require_if_match(p)
    _save(p, data)
    db.session.commit()
    return respond(_dump(p), p)


@blp.route("/instructors/<int:instructor_id>/guide", methods=["PUT"])
@allow(STAFF)
@blp.arguments(GuideSchema)
@blp.response(200, InstructorSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("get_instructor", "create_instructor")
def change_guide(data, instructor_id: int):
    """Change the hierarchy link only. 422 names the rule, e.g. a part-time instructor under a city one."""
    p = access.instructor(instructor_id, edit=True)
    require_if_match(p)
    operations.set_guide(p, access.guide(data["guide_id"]))
    db.session.commit()
    return respond(_dump(p), p)
