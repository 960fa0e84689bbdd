"""/api/v1/rotation: a placement day's case logs and the mentor's remarks, the trainee's daily reflection, a
trainee's evaluation and certification."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from marshmallow import Schema, fields, validate

from trainer.api.conventions import require_if_match
from trainer.api.helpers import StrictBool, UtcDateTime, respond
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.rotation import access
from trainer.rotation.blueprint import blp
from trainer.rotation.logs import operations
from trainer.rotation.models import CASE_ROLES, CATEGORIES, OUTCOMES, RUBRIC


class RotationCaseLogSchema(Schema):
    id = fields.Int(dump_only=True)
    placement_day_id = fields.Int(dump_only=True)
    case_ref = fields.Str(required=True, validate=validate.Length(min=1, max=60))
    category = fields.Str(required=True, validate=validate.OneOf(CATEGORIES))
    role = fields.Str(required=True, validate=validate.OneOf(CASE_ROLES))
    outcome = fields.Str(allow_none=True, load_default=None, validate=validate.OneOf(OUTCOMES))
    accepted_on = fields.Date(required=True)
    deadline = fields.Date(dump_only=True, metadata={"description": "accepted_on + 15 days (调解期限)"})
    summary = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=4000))
    mentor_remarks = fields.Str(dump_only=True, allow_none=True)
    version = fields.Int(dump_only=True)


class RotationRemarksSchema(Schema):
    mentor_remarks = fields.Str(required=True, validate=validate.Length(max=4000))


class RotationReflectionSchema(Schema):
    id = fields.Int(dump_only=True)
    placement_day_id = fields.Int(dump_only=True)
    text = fields.Str(required=True, validate=validate.Length(min=1, max=operations.REFLECTION_MAX),
                      metadata={"description": "the trainee's reflection on the day (每日心得)"})
    written_at = UtcDateTime(dump_only=True)
    updated_at = UtcDateTime(dump_only=True)
    version = fields.Int(dump_only=True)


class RotationEvaluationSchema(Schema):
    id = fields.Int(dump_only=True)
    trainee_id = fields.Int(dump_only=True)
    mentor_id = fields.Int(allow_none=True, load_default=None)
    law_policy = fields.Int(required=True, strict=True, validate=validate.Range(1, 5))
    procedure = fields.Int(required=True, strict=True, validate=validate.Range(1, 5))
    communication = fields.Int(required=True, strict=True, validate=validate.Range(1, 5))
    drafting = fields.Int(required=True, strict=True, validate=validate.Range(1, 5))
    independent_handling = fields.Int(required=True, strict=True, validate=validate.Range(1, 5))
    comments = fields.Dict(keys=fields.Str(validate=validate.OneOf(RUBRIC)), values=fields.Str(), load_default=dict)
    summary = fields.Str(allow_none=True, load_default=None)
    passed = StrictBool(required=True)
    evaluated_on = fields.Date(dump_only=True)
    version = fields.Int(dump_only=True)


class RotationCertificationSchema(Schema):
    id = fields.Int()
    trainee_id = fields.Int()
    union_id = fields.Int()
    number = fields.Str(metadata={"example": "CY-2027-001"})
    certified_on = fields.Date()


@blp.route("/days/<int:day_id>/logs")
@allow(STAFF, Role.TRAINEE, Role.LAWYER)
@blp.response(200, RotationCaseLogSchema(many=True))
@blp.errors(401, 403, 404)
def list_logs(day_id: int):
    """The cases logged on a placement day."""
    return access.placement_day(day_id).logs


@blp.route("/days/<int:day_id>/logs", methods=["POST"])
@allow(STAFF, Role.TRAINEE)
@blp.arguments(RotationCaseLogSchema)
@blp.response(201, RotationCaseLogSchema)
@blp.errors(401, 403, 404, 422)
def create_log(data, day_id: int):
    """Log a case (independent mediation only on a week-two day)."""
    day = access.placement_day(day_id)
    if not access.may_write_log(day):
        abort(403)
    case = operations.save_case_log(None, day=day, **data)
    db.session.commit()
    return respond(RotationCaseLogSchema(), case, 201)


@blp.route("/logs/<int:case_id>/remarks", methods=["PUT"])
@allow(STAFF, Role.LAWYER)
@blp.arguments(RotationRemarksSchema)
@blp.response(200, RotationCaseLogSchema)
@blp.errors(401, 403, 404)
@blp.requires_if_match("create_log")
def put_remarks(data, case_id: int):
    """The mentor's remarks on a logged case. Send `If-Match` with the case's ETag."""
    case = access.case_to_remark(case_id)
    require_if_match(case)
    operations.add_remarks(case, data["mentor_remarks"])
    db.session.commit()
    return respond(RotationCaseLogSchema(), case)


@blp.route("/days/<int:day_id>/reflection")
@allow(STAFF, Role.TRAINEE, Role.LAWYER)
@blp.response(200, RotationReflectionSchema)
@blp.errors(401, 403, 404)
def get_reflection(day_id: int):
    """The trainee's reflection on a placement day: the trainee, their mentor, staff (404 while none is written)."""
    return respond(RotationReflectionSchema(), access.present(access.placement_day(day_id).reflection))


@blp.route("/days/<int:day_id>/reflection", methods=["PUT"])
@allow(Role.TRAINEE)
@blp.arguments(RotationReflectionSchema)
@blp.response(200, RotationReflectionSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("get_reflection", required=False)
def put_reflection(data, day_id: int):
    """The trainee writes the day's reflection, on the day or later. Rewriting it needs `If-Match`."""
    day = access.placement_day(day_id)
    if not access.may_write_reflection(day):
        abort(404)
    if day.reflection is not None:
        require_if_match(day.reflection)
    reflection = operations.save_reflection(day, text=data["text"], today=today_local())
    db.session.commit()
    return respond(RotationReflectionSchema(), reflection)


@blp.route("/trainees/<int:trainee_id>/evaluation")
@allow(STAFF, Role.TRAINEE, Role.LAWYER)
@blp.response(200, RotationEvaluationSchema)
@blp.errors(401, 403, 404)
def get_evaluation(trainee_id: int):
    """A trainee's evaluation: staff, their mentor, or the trainee themselves (nobody else's)."""
    return respond(RotationEvaluationSchema(), access.present(access.trainee(trainee_id).evaluation))


@blp.route("/trainees/<int:trainee_id>/evaluation", methods=["PUT"])
@allow(STAFF, Role.LAWYER)
@blp.arguments(RotationEvaluationSchema)
@blp.response(200, RotationEvaluationSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("get_evaluation", "put_evaluation", required=False)
def put_evaluation(data, trainee_id: int):
    """Evaluate a trainee against the rubric (scores 1-5). Changing an existing one needs `If-Match`."""
    trainee = access.trainee(trainee_id)
    if trainee.evaluation is not None:
        require_if_match(trainee.evaluation)
    mentor = access.my_mentor()
    mentor_id = mentor.id if mentor is not None else data.pop("mentor_id", None)
    data.pop("mentor_id", None)
    scores = {name: data.pop(name) for name in RUBRIC}
    evaluation = operations.save_evaluation(trainee, scores=scores, mentor_id=mentor_id, evaluated_by=current_user,
                                            **data)
    db.session.commit()
    return respond(RotationEvaluationSchema(), evaluation)


@blp.route("/trainees/<int:trainee_id>/certification", methods=["POST"])
@allow(STAFF)
@blp.response(201, RotationCertificationSchema)
@blp.errors(401, 403, 404, 422)
def certify(trainee_id: int):
    """Confirm completion: the trainee becomes a certified independent mediator of their union."""
    trainee = access.trainee(trainee_id)
    certification = operations.confirm_completion(trainee, by=current_user)
    db.session.commit()
    return certification
