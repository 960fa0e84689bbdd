"""/api/v1/rotation/.../trainees: enrolling trainees and their details."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.conventions import require_if_match
from trainer.api.helpers import StoredDates, respond
from trainer.api.schemas import PageArgs
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.rotation import access
from trainer.rotation.blueprint import blp
from trainer.rotation.trainees import operations, queries

MOBILE = validate.Regexp(r"^1[3-9]\d{9}$")


class RotationTraineeSchema(Schema):
    id = fields.Int(dump_only=True)
    programme_year_id = fields.Int(dump_only=True)
    union_id = fields.Int(required=True, strict=True)
    station_id = fields.Int(allow_none=True, strict=True, load_default=None)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=60), metadata={"example": "李晓红"})
    phone = fields.Str(allow_none=True, load_default=None, validate=MOBILE)
    prior_experience = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    unavailable = StoredDates(load_default=list)
    user_id = fields.Int(dump_only=True, allow_none=True, metadata={"description": "the trainee's login, if any"})
    certified = fields.Method("_certified", dump_only=True)
    version = fields.Int(dump_only=True)

    def _certified(self, obj):
        return obj.certification.number if obj.certification else None


@blp.route("/years/<int:year_id>/trainees")
@allow(STAFF)
@blp.arguments(PageArgs, location="query")
@blp.response(200, RotationTraineeSchema(many=True))
@blp.errors(401, 403, 404)
def list_trainees(args, year_id: int):
    """The trainees of a programme year."""
    py = access.programme_year(year_id)
    return queries.page_of_trainees(py, args)


@blp.route("/years/<int:year_id>/trainees", methods=["POST"])
@allow(STAFF)
@blp.arguments(RotationTraineeSchema)
@blp.response(201, RotationTraineeSchema)
@blp.errors(401, 403, 404, 422)
def create_trainee(data, year_id: int):
    """Enrol a trainee (a mediation worker of a union of the district)."""
    py = access.programme_year(year_id)
    trainee = operations.save_trainee(None, py=py, **data)
    db.session.commit()
    return respond(RotationTraineeSchema(), trainee, 201)


@blp.route("/trainees/<int:trainee_id>")
@allow(STAFF, Role.TRAINEE, Role.LAWYER)
@blp.response(200, RotationTraineeSchema)
@blp.errors(401, 403, 404)
def get_trainee(trainee_id: int):
    """A trainee: staff of the district, the trainee themselves, or their mentor."""
    return respond(RotationTraineeSchema(), access.trainee(trainee_id))


@blp.route("/trainees/<int:trainee_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(RotationTraineeSchema)
@blp.response(200, RotationTraineeSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("get_trainee", "create_trainee")
def update_trainee(data, trainee_id: int):
    """Replace a trainee's details. Send `If-Match` with the ETag you read."""
    trainee = access.trainee(trainee_id)
    require_if_match(trainee)
    operations.save_trainee(trainee, py=trainee.programme_year, **data)
    db.session.commit()
    return respond(RotationTraineeSchema(), trainee)
