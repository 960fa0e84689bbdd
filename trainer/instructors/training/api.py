"""/api/v1: an instructor's training hours and yearly assessments."""

from __future__ import annotations

from flask import abort
from marshmallow import Schema, fields, validate

from trainer.api.conventions import require_if_match
from trainer.api.helpers import StrictFloat, respond
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.instructors import access
from trainer.instructors.blueprint import WITH_INSTRUCTOR, blp
from trainer.instructors.models import ASSESSMENT_RESULTS
from trainer.instructors.training import operations, queries


class TrainingSchema(Schema):
    id = fields.Int(dump_only=True)
    instructor_id = fields.Int(dump_only=True)
    year = fields.Int(required=True, strict=True)
    course = fields.Str(required=True, validate=validate.Length(min=1, max=160))
    hours = StrictFloat(required=True, validate=validate.Range(min=0.5, max=500))
    day = fields.Date(allow_none=True, load_default=None)


class AssessmentSchema(Schema):
    id = fields.Int(dump_only=True)
    instructor_id = fields.Int(dump_only=True)
    year = fields.Int(dump_only=True)
    result = fields.Str(required=True, validate=validate.OneOf(ASSESSMENT_RESULTS))
    score = StrictFloat(allow_none=True, load_default=None, validate=validate.Range(min=0, max=100))
    remarks = fields.Str(allow_none=True, load_default=None)


@blp.route("/instructors/<int:instructor_id>/training")
@allow(WITH_INSTRUCTOR)
@blp.response(200, TrainingSchema(many=True))
@blp.errors(401, 403, 404)
def list_training(instructor_id: int):
    """Training records of an instructor, newest year first."""
    return queries.records_of(access.instructor(instructor_id))


@blp.route("/instructors/<int:instructor_id>/training", methods=["POST"])
@allow(STAFF)
@blp.arguments(TrainingSchema)
@blp.response(201, TrainingSchema)
@blp.errors(401, 403, 404, 422)
def add_training(data, instructor_id: int):
    """Record training hours."""
    record = operations.add_training(access.instructor(instructor_id, edit=True), **data)
    db.session.commit()
    return record


@blp.route("/instructors/<int:instructor_id>/assessments/<int:year>")
@allow(WITH_INSTRUCTOR)
@blp.response(200, AssessmentSchema)
@blp.errors(401, 403, 404)
def get_assessment(instructor_id: int, year: int):
    """The yearly assessment of an instructor, with its ETag (404 while the year is not assessed)."""
    row = queries.assessment_of(access.instructor(instructor_id), year)
    if row is None:
        abort(404)
    return respond(AssessmentSchema(), row)


@blp.route("/instructors/<int:instructor_id>/assessments/<int:year>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(AssessmentSchema)
@blp.response(200, AssessmentSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("get_assessment", "put_assessment", required=False)
def put_assessment(data, instructor_id: int, year: int):
    """Set the yearly assessment (excellent | competent | basic | not_competent). Changing one that exists needs
    `If-Match` (its ETag from the GET or the answer that set it)."""
    instructor = access.instructor(instructor_id, edit=True)
    existing = queries.assessment_of(instructor, year)
    if existing is not None:
        require_if_match(existing)
    row = operations.save_assessment(instructor, year=year, **data)
    db.session.commit()
    return respond(AssessmentSchema(), row)
