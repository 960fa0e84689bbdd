"""/api/v1: guidance meeting series (RRULE) and their meetings, moved or cancelled one by one."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from trainer.api.conventions import require_if_match
from trainer.api.helpers import respond
from trainer.api.schemas import DateRangeArgs, PageArgs
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.instructors import access
from trainer.instructors.blueprint import WITH_INSTRUCTOR, blp
from trainer.instructors.meetings import operations, queries
from trainer.instructors.models import PAIRS
from trainer.instructors.times import HHMM as HHMM_PATTERN

HHMM = validate.Regexp(HHMM_PATTERN)


class SeriesSchema(Schema):
    id = fields.Int(dump_only=True)
    organiser_id = fields.Int(required=True, strict=True)
    pair = fields.Str(required=True, validate=validate.OneOf(PAIRS))
    district_id = fields.Int(allow_none=True, load_default=None, strict=True)
    title = fields.Str(required=True, validate=validate.Length(min=1, max=120))
    rrule = fields.Str(required=True, validate=validate.Length(max=200), metadata={"example": "FREQ=MONTHLY;BYDAY=2TU"})
    starts_on = fields.Date(required=True)
    until = fields.Date(allow_none=True, load_default=None)
    start_time = fields.Str(required=True, validate=HHMM, metadata={"example": "09:30"})
    end_time = fields.Str(required=True, validate=HHMM, metadata={"example": "11:30"})
    location = fields.Str(load_default="", validate=validate.Length(max=200))
    active = fields.Bool(load_default=True)
    blocked_year = fields.Int(dump_only=True, allow_none=True, attribute="waiting_year", metadata={
        "description": "the year expansion stops before (its holidays are not announced yet); null once announced"})
    version = fields.Int(dump_only=True)


class ExpandSchema(Schema):
    until = fields.Date(required=True)
    provisional = fields.Bool(load_default=False)


class ExpansionSchema(Schema):
    created = fields.Int()
    stopped_year = fields.Int(allow_none=True)
    provisional = fields.Int()
    message = fields.Str()


class AttendanceSchema(Schema):
    instructor_id = fields.Int()
    name = fields.Function(lambda a: a.instructor.name)
    present = fields.Bool(allow_none=True)


class MeetingSchema(Schema):
    id = fields.Int(dump_only=True)
    series_id = fields.Int(allow_none=True)
    organiser_id = fields.Int()
    district_id = fields.Int(allow_none=True)
    title = fields.Str()
    original_day = fields.Date(allow_none=True)
    day = fields.Date()
    moved_reason = fields.Method("_moved")
    start_time = fields.Str()
    end_time = fields.Str()
    location = fields.Str()
    status = fields.Str()
    provisional = fields.Bool()
    minutes = fields.Str(allow_none=True)
    attendance = fields.List(fields.Nested(AttendanceSchema))
    sequence = fields.Int()
    version = fields.Int()

    def _moved(self, meeting):
        return operations.moved_reason(meeting) or None


class MoveSchema(Schema):
    day = fields.Date(required=True)
    start_time = fields.Str(required=True, validate=HHMM)
    end_time = fields.Str(required=True, validate=HHMM)
    location = fields.Str(load_default="", validate=validate.Length(max=200))


class CancelSchema(Schema):
    reason = fields.Str(load_default="", validate=validate.Length(max=200))


class MeetingQuery(DateRangeArgs):
    series_id = fields.Int()


@blp.route("/meeting-series")
@allow(STAFF)
@blp.arguments(PageArgs, location="query")
@blp.response(200, SeriesSchema(many=True))
@blp.errors(401, 403)
def list_series(args):
    """Guidance meeting series of the caller's district and the city-wide ones."""
    return queries.api_series(args)


@blp.route("/meeting-series", methods=["POST"])
@allow(STAFF)
@blp.arguments(SeriesSchema)
@blp.response(201, SeriesSchema)
@blp.errors(401, 403, 422)
def create_series(data):
    """Create a series (RRULE such as `FREQ=MONTHLY;BYDAY=2TU`) and place its meetings up to the horizon."""
    organiser = access.organiser(data.pop("organiser_id"))
    data["district_id"] = access.meeting_district(data["district_id"])
    series, _placed = operations.save_and_place(None, place_until=operations.horizon(), organiser=organiser, **data)
    db.session.commit()
    return respond(SeriesSchema(), series, 201)


@blp.route("/meeting-series/<int:series_id>/expand", methods=["POST"])
@allow(STAFF)
@blp.arguments(ExpandSchema)
@blp.response(200, ExpansionSchema)
@blp.errors(401, 403, 404)
def expand(data, series_id: int):
    """Place meetings up to `until` (idempotent). A year whose holidays are not announced stops the expansion
    (`stopped_year`) unless `provisional` is true (then those meetings are marked provisional)."""
    series = access.series(series_id, edit=True)
    result = operations.expand_series(series, data["until"], provisional=data["provisional"])
    db.session.commit()
    return {"created": result.created, "stopped_year": result.stopped_year, "provisional": result.provisional,
            "message": result.summary()}


@blp.route("/meetings")
@allow(WITH_INSTRUCTOR)
@blp.arguments(MeetingQuery, location="query")
@blp.response(200, MeetingSchema(many=True))
@blp.errors(401, 403)
def list_meetings(args):
    """Meetings between `from` and `to` (an instructor: their own; staff: their district's and the city's)."""
    return queries.api_meetings(args)


@blp.route("/meetings/<int:meeting_id>")
@allow(WITH_INSTRUCTOR)
@blp.response(200, MeetingSchema)
@blp.errors(401, 403, 404)
def get_meeting(meeting_id: int):
    """One meeting, with why it moved; its `ETag` is needed to move or cancel it."""
    meeting = access.meeting(meeting_id)
    return respond(MeetingSchema(), meeting)


@blp.route("/meetings/<int:meeting_id>/move", methods=["POST"])
@allow(WITH_INSTRUCTOR)
@blp.arguments(MoveSchema)
@blp.response(200, MeetingSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def move_meeting(data, meeting_id: int):
    """Move one meeting to another working day (a holiday or weekend is refused). Needs `If-Match`."""
    meeting = access.meeting(meeting_id, edit=True)
    require_if_match(meeting)
    operations.move_meeting(meeting, **data)
    db.session.commit()
    return respond(MeetingSchema(), meeting)


@blp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@allow(WITH_INSTRUCTOR)
@blp.arguments(CancelSchema)
@blp.response(200, MeetingSchema)
@blp.errors(401, 403, 404, 412, 428)
def cancel_meeting(data, meeting_id: int):
    """Cancel one meeting (it stays in calendars as cancelled). Needs `If-Match`."""
    meeting = access.meeting(meeting_id, edit=True)
    require_if_match(meeting)
    operations.cancel_meeting(meeting, data["reason"])
    db.session.commit()
    return respond(MeetingSchema(), meeting)
