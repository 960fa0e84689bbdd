"""/api/v1: bargaining engagements with their deadlines, and their sessions."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.conventions import require_if_match
from trainer.api.helpers import DistrictQuery, StrictBool, respond, respond_page, target_district
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.instructors import access
from trainer.instructors.blueprint import WITH_INSTRUCTOR, blp
from trainer.instructors.engagements import operations, queries
from trainer.instructors.models import STAGES, Engagement
from trainer.instructors.times import HHMM as HHMM_PATTERN

HHMM = validate.Regexp(HHMM_PATTERN)


class EngagementSchema(Schema):
    id = fields.Int(dump_only=True)
    district = fields.Str(load_default=None, allow_none=True,
                          metadata={"description": "district code (admin); others: their own"})
    enterprise = fields.Str(required=True, validate=validate.Length(min=1, max=160))
    union_name = fields.Str(required=True, validate=validate.Length(min=1, max=160))
    industry = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=60))
    street = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=80))
    stage = fields.Str(required=True, validate=validate.OneOf(STAGES))
    request_sent_on = fields.Date(required=True)
    reply_received_on = fields.Date(allow_none=True, load_default=None)
    agreement_signed_on = fields.Date(allow_none=True, load_default=None)
    filed_on = fields.Date(allow_none=True, load_default=None)
    in_force_on = fields.Date(allow_none=True, load_default=None)
    notes = fields.Str(allow_none=True, load_default=None)
    instructor_ids = fields.List(fields.Int(strict=True), load_default=list)
    reply_due = fields.Date(dump_only=True, metadata={
        "description": "request_sent_on + 20 days; a rest day or statutory holiday moves it to the next working "
                       "day (Civil Code art. 203)"})
    reply_due_reason = fields.Method("_reply_reason", dump_only=True, metadata={
        "description": "why reply_due is later than request_sent_on + 20 days (empty when it is not)"})
    reply_days_left = fields.Method("_reply_left", dump_only=True, allow_none=True)
    filing_due = fields.Date(dump_only=True, allow_none=True, metadata={
        "description": "agreement_signed_on + 10 days; a rest day or statutory holiday moves it to the next "
                       "working day (Civil Code art. 203)"})
    filing_due_reason = fields.Method("_filing_reason", dump_only=True, metadata={
        "description": "why filing_due is later than agreement_signed_on + 10 days (empty when it is not)"})
    filing_days_left = fields.Method("_filing_left", dump_only=True, allow_none=True)
    version = fields.Int(dump_only=True)

    def _reply_reason(self, e):
        return e.reply_deadline.reason()

    def _filing_reason(self, e):
        return e.filing_deadline.reason() if e.filing_deadline else ""

    def _reply_left(self, e):
        return operations.days_left(e.reply_due) if e.reply_pending else None

    def _filing_left(self, e):
        return operations.days_left(e.filing_due) if e.filing_pending else None


class ProgressSchema(Schema):
    """What an assigned instructor may change: the stage and its dates (any of them; the others stay)."""

    stage = fields.Str(validate=validate.OneOf(STAGES))
    reply_received_on = fields.Date(allow_none=True)
    agreement_signed_on = fields.Date(allow_none=True)
    filed_on = fields.Date(allow_none=True)
    in_force_on = fields.Date(allow_none=True)


class SessionSchema(Schema):
    id = fields.Int(dump_only=True)
    engagement_id = fields.Int(dump_only=True)
    day = fields.Date(required=True)
    start_time = fields.Str(required=True, validate=HHMM)
    end_time = fields.Str(required=True, validate=HHMM)
    location = fields.Str(load_default="", validate=validate.Length(max=200))
    notes = fields.Str(allow_none=True, load_default=None)
    status = fields.Str(dump_only=True)
    provisional = StrictBool(dump_only=True)
    version = fields.Int(dump_only=True)


def _dump(e: Engagement) -> dict:
    data = EngagementSchema().dump(e)
    data["district"] = e.district.code
    data["instructor_ids"] = [p.id for p in e.instructors]
    return data


def _save(engagement: Engagement | None, data: dict) -> Engagement:
    code = data.pop("district", None)
    district_id = engagement.district_id if engagement else target_district(code).id
    people = operations.assignable(data.pop("instructor_ids"))
    return operations.save_engagement(engagement, district_id=district_id, instructors=people, **data)


@blp.route("/engagements")
@allow(WITH_INSTRUCTOR)
@blp.arguments(DistrictQuery, location="query")
@blp.response(200, EngagementSchema(many=True))
@blp.errors(401, 403)
def list_engagements(args):
    """Bargaining engagements with their deadlines (an instructor: those they are assigned to)."""
    return respond_page(_dump, queries.api_engagements(args))


@blp.route("/engagements", methods=["POST"])
@allow(STAFF)
@blp.arguments(EngagementSchema)
@blp.response(201, EngagementSchema)
@blp.errors(401, 403, 422)
def create_engagement(data):
    """Start an engagement; `reply_due` (request + 20 days) and `filing_due` (signed + 10 days) are computed."""
    engagement = _save(None, data)
    db.session.commit()
    return respond(_dump(engagement), engagement, 201)


@blp.route("/engagements/<int:engagement_id>")
@allow(WITH_INSTRUCTOR)
@blp.response(200, EngagementSchema)
@blp.errors(401, 403, 404)
def get_engagement(engagement_id: int):
    """One engagement with its deadlines and days left."""
    engagement = access.engagement(engagement_id)
    return respond(_dump(engagement), engagement)


@blp.route("/engagements/<int:engagement_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(EngagementSchema)
@blp.response(200, EngagementSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("get_engagement", "create_engagement")
def update_engagement(data, engagement_id: int):
    """Replace an engagement (stage, dates, instructors). Needs `If-Match`."""
    engagement = access.engagement(engagement_id, edit=True)
    require_if_match(engagement)
    _save(engagement, data)
    db.session.commit()
    return respond(_dump(engagement), engagement)


@blp.route("/engagements/<int:engagement_id>/progress", methods=["PATCH"])
@allow(Role.INSTRUCTOR)
@blp.arguments(ProgressSchema)
@blp.response(200, EngagementSchema)
@blp.errors(401, 403, 404, 422)
@blp.requires_if_match("get_engagement")
def engagement_progress(data, engagement_id: int):
    """An assigned instructor reports progress: the stage and its dates, nothing else. Needs `If-Match`."""
    engagement = access.engagement(engagement_id)
    require_if_match(engagement)
    operations.update_progress(engagement, **data)
    db.session.commit()
    return respond(_dump(engagement), engagement)


@blp.route("/engagements/<int:engagement_id>/sessions")
@allow(WITH_INSTRUCTOR)
@blp.response(200, SessionSchema(many=True))
@blp.errors(401, 403, 404)
def list_sessions(engagement_id: int):
    """The bargaining sessions of an engagement."""
    return access.engagement(engagement_id).sessions


@blp.route("/engagements/<int:engagement_id>/sessions", methods=["POST"])
@allow(STAFF)
@blp.arguments(SessionSchema)
@blp.response(201, SessionSchema)
@blp.errors(401, 403, 404, 422)
def add_session(data, engagement_id: int):
    """Plan a session on a working day; it appears on the assigned instructors' calendars."""
    session = operations.save_session(None, engagement=access.engagement(engagement_id, edit=True), **data)
    db.session.commit()
    return respond(SessionSchema(), session, 201)


@blp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@allow(STAFF)
@blp.response(200, SessionSchema)
@blp.errors(401, 403, 404)
@blp.requires_if_match("add_session")
def cancel_session(session_id: int):
    """Cancel a session. Needs `If-Match`."""
    session = access.session(session_id)
    require_if_match(session)
    operations.cancel_session(session)
    db.session.commit()
    return respond(SessionSchema(), session)
