"""/api/v1/rotation/mentors: the centre's mentors and who they are elsewhere (their lawyer record and login), so
the same person's station visits, telephone duty, meetings and mentoring days make one agenda."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.conventions import require_if_match
from trainer.api.helpers import DistrictQuery, district_filter, load_scoped, respond, target_district
from trainer.api.schemas import paginate
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.rotation.blueprint import blp
from trainer.rotation.mentors import operations, queries
from trainer.rotation.models import Mentor


class MentorSchema(Schema):
    id = fields.Int(dump_only=True)
    district_id = fields.Int(dump_only=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=60), metadata={"example": "王律师"})
    phone = fields.Str(allow_none=True, load_default=None, validate=validate.Regexp(r"^1[3-9]\d{9}$"))
    lawyer_id = fields.Int(allow_none=True, load_default=None, strict=True, metadata={
        "description": "the lawyer (visits programme) who is the same person: their visits, duty shifts and leave "
                       "count as busy for placements, and their mentoring days for visits and duty"})
    user_id = fields.Int(allow_none=True, load_default=None, strict=True,
                         metadata={"description": "the mentor's login (a lawyer account)"})
    active = fields.Bool(dump_only=True)
    version = fields.Int(dump_only=True)


class MentorCreateArgs(Schema):
    district = fields.Str(load_default=None, metadata={"description": "the admin names the district (its code)"})


@blp.route("/mentors")
@allow(STAFF)
@blp.arguments(DistrictQuery, location="query")
@blp.response(200, MentorSchema(many=True))
@blp.errors(401, 403)
def list_mentors(args):
    """The mentors of the caller's district (the admin: every district's, or of ?district=), paginated."""
    return paginate(district_filter(queries.all_mentors(), Mentor.district_id, args.get("district")), args)


@blp.route("/mentors", methods=["POST"])
@allow(STAFF)
@blp.arguments(MentorSchema)
@blp.arguments(MentorCreateArgs, location="query")
@blp.response(201, MentorSchema)
@blp.errors(401, 403, 422)
def create_mentor(data, args):
    """A new mentor of the caller's district, linked to their lawyer record and login when given."""
    district = target_district(args.get("district"))
    mentor = operations.save_mentor(None, district_id=district.id, **data)
    db.session.commit()
    return respond(MentorSchema(), mentor, 201)


@blp.route("/mentors/<int:mentor_id>")
@allow(STAFF)
@blp.response(200, MentorSchema)
@blp.errors(401, 403, 404)
def get_mentor(mentor_id: int):
    """One mentor; its `ETag` is needed to change it."""
    return respond(MentorSchema(), load_scoped(Mentor, mentor_id))


@blp.route("/mentors/<int:mentor_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(MentorSchema)
@blp.response(200, MentorSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def update_mentor(data, mentor_id: int):
    """Replace a mentor's details and links (`lawyer_id`, `user_id`: null unlinks). Send `If-Match`."""
    mentor = load_scoped(Mentor, mentor_id)
    require_if_match(mentor)
    operations.save_mentor(mentor, district_id=mentor.district_id, **data)
    db.session.commit()
    return respond(MentorSchema(), mentor)
