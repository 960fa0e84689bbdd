"""/api/v1 endpoints of the instructor system (same conventions as trainer/org/api.py)."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, make_response
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select

from trainer.api import Blueprint
from trainer.api.conventions import require_if_match, with_etag
from trainer.api.schemas import DateRangeArgs, PageArgs, paginate_select
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, can_see_district, check_district, district_scope
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.instructors import operations
from trainer.instructors.models import (
    AREA_KINDS,
    ASSESSMENT_RESULTS,
    BACKGROUNDS,
    INSTRUCTOR_STATUSES,
    PAIRS,
    STAGES,
    TIERS,
    BargainingSession,
    Engagement,
    Instructor,
    Meeting,
    MeetingAttendance,
    MeetingSeries,
    Responsibility,
    Tier,
    TrainingRecord,
    engagement_instructors,
)
from trainer.org.models import District

blp = Blueprint("instructors_api", __name__, url_prefix="/api/v1",
                description="Three-tier collective-bargaining instructors: hierarchy, duties, meetings, engagements")

WITH_INSTRUCTOR = {Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR}
HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$")




# --- schemas ---------------------------------------------------------------------------------------------

class InstructorSchema(Schema):
    id = fields.Int(dump_only=True)
    tier = fields.Str(required=True, validate=validate.OneOf(TIERS))
    district = fields.Str(allow_none=True, load_default=None,
                          metadata={"description": "district code; null for a city instructor", "example": "chaoyang"})
    name = fields.Str(required=True, validate=validate.Length(min=1, max=60), metadata={"example": "赵建国"})
    phone = fields.Str(allow_none=True, load_default=None, validate=validate.Regexp(r"^1[3-9]\d{9}$"))
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
    blocked_year = fields.Int(dump_only=True, allow_none=True,
                              metadata={"description": "the year expansion stopped at (holidays not announced)"})
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
    reply_due = fields.Date(dump_only=True, metadata={"description": "request_sent_on + 20 calendar days"})
    reply_days_left = fields.Method("_reply_left", dump_only=True, allow_none=True)
    filing_due = fields.Date(dump_only=True, allow_none=True,
                             metadata={"description": "agreement_signed_on + 10 calendar days"})
    filing_days_left = fields.Method("_filing_left", dump_only=True, allow_none=True)
    version = fields.Int(dump_only=True)

    def _reply_left(self, e):
        return operations.days_left(e.reply_due) if e.reply_pending else None

    def _filing_left(self, e):
        return operations.days_left(e.filing_due) if e.filing_pending else None


class SessionSchema(Schema):
    id = fields.Int(dump_only=True)
    engagement_id = fields.Int(dump_only=True)
    day = fields.Date(required=True)
    start_time = fields.Str(required=True, validate=HHMM)
    end_time = fields.Str(required=True, validate=HHMM)
    location = fields.Str(load_default="", validate=validate.Length(max=200))
    notes = fields.Str(allow_none=True, load_default=None)
    status = fields.Str(dump_only=True)
    provisional = fields.Bool(dump_only=True)
    version = fields.Int(dump_only=True)


class TrainingSchema(Schema):
    id = fields.Int(dump_only=True)
    instructor_id = fields.Int(dump_only=True)
    year = fields.Int(required=True, strict=True)
    course = fields.Str(required=True, validate=validate.Length(min=1, max=160))
    hours = fields.Float(required=True, validate=validate.Range(min=0.5, max=500))
    day = fields.Date(allow_none=True, load_default=None)


class AssessmentSchema(Schema):
    id = fields.Int(dump_only=True)
    instructor_id = fields.Int(dump_only=True)
    year = fields.Int(dump_only=True)
    result = fields.Str(required=True, validate=validate.OneOf(ASSESSMENT_RESULTS))
    score = fields.Float(allow_none=True, load_default=None, validate=validate.Range(min=0, max=100))
    remarks = fields.Str(allow_none=True, load_default=None)


class InstructorQuery(PageArgs):
    tier = fields.Str(validate=validate.OneOf(TIERS))
    district = fields.Str(metadata={"description": "district code (admin only)"})


# --- helpers ---------------------------------------------------------------------------------------------

def _is_staff() -> bool:
    return current_user.role in (Role.ADMIN, Role.COORDINATOR)


def _me() -> Instructor | None:
    return operations.instructor_for_user(current_user) if current_user.role == Role.INSTRUCTOR else None


def _district_from_code(code: str | None, *, field_name: str = "district") -> int | None:
    if current_user.role != Role.ADMIN:
        return current_user.district_id
    if not code:
        return None
    district = db.session.scalar(select(District).where(District.code == code))
    if district is None:
        raise InvalidInput({field_name: _("No such district.")})
    return district.id


def _dump_instructor(p: Instructor) -> dict:
    data = InstructorSchema().dump(p)
    data["district"] = p.district.code if p.district else None
    data["guides"] = sum(1 for g in p.guided if g.status != "ended")
    return data


def _respond(schema_or_data, obj, status: int = 200):
    data = schema_or_data if isinstance(schema_or_data, dict) else schema_or_data.dump(obj)
    return with_etag(make_response(data, status), obj)


def _instructor(instructor_id: int, *, edit: bool = False) -> Instructor:
    p = db.session.get(Instructor, instructor_id)
    if p is None:
        abort(404)
    if not _is_staff():
        me = _me()
        if me is None or me.id != p.id or edit:
            abort(403)
        return p
    if p.tier == Tier.CITY_FULL:
        if edit and current_user.role != Role.ADMIN:
            abort(403)
        return p
    check_district(p.district_id)
    return p


def _guide(guide_id: int | None) -> Instructor | None:
    if guide_id is None:
        return None
    guide = db.session.get(Instructor, guide_id)
    if guide is None or (guide.tier != Tier.CITY_FULL and not can_see_district(guide.district_id)):
        raise InvalidInput({"guide_id": _("No such instructor.")})
    return guide


# --- instructors -----------------------------------------------------------------------------------------

@blp.route("/instructors")
@allow(STAFF)
@blp.arguments(InstructorQuery, location="query")
@blp.response(200, InstructorSchema(many=True))
@blp.errors(401, 403)
def list_instructors(args):
    """Instructors: the city ones and those of the caller's district (the admin: all, or ?district=)."""
    stmt = operations.visible_instructors_stmt(district_scope()).order_by(Instructor.id)
    if args.get("tier"):
        stmt = stmt.where(Instructor.tier == args["tier"])
    if args.get("district") and current_user.role == Role.ADMIN:
        stmt = stmt.join(District, Instructor.district_id == District.id).where(District.code == args["district"])
    items, status, headers = paginate_select(stmt, args)
    return [_dump_instructor(p) for p in items], status, headers


def _save_instructor(instructor, data):
    district_id = None if data["tier"] == Tier.CITY_FULL else _district_from_code(data.pop("district", None))
    data.pop("district", None)
    if data["tier"] == Tier.CITY_FULL and current_user.role != Role.ADMIN:
        abort(403)
    if instructor is not None and instructor.tier == Tier.CITY_FULL and current_user.role != Role.ADMIN:
        abort(403)
    guide = _guide(data.pop("guide_id"))
    return operations.save_instructor(instructor, district_id=district_id, guide=guide, **data)


@blp.route("/instructors", methods=["POST"])
@allow(STAFF)
@blp.arguments(InstructorSchema)
@blp.response(201, InstructorSchema)
@blp.errors(401, 403, 422)
def create_instructor(data):
    """Create an instructor; a broken hierarchy rule answers 422 with `fields.guide_id` naming the rule."""
    instructor = _save_instructor(None, data)
    db.session.commit()
    return _respond(_dump_instructor(instructor), instructor, 201)


@blp.route("/instructors/<int:instructor_id>")
@allow(WITH_INSTRUCTOR)
@blp.response(200, InstructorSchema)
@blp.errors(401, 403, 404)
def get_instructor(instructor_id: int):
    """One instructor (an instructor may read their own record); its `ETag` is needed to change it."""
    p = _instructor(instructor_id)
    return _respond(_dump_instructor(p), p)


@blp.route("/instructors/<int:instructor_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(InstructorSchema)
@blp.response(200, InstructorSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def update_instructor(data, instructor_id: int):
    """Replace an instructor. Send `If-Match` with the ETag you read."""
    p = _instructor(instructor_id, edit=True)
    require_if_match(p)
    _save_instructor(p, data)
    db.session.commit()
    return _respond(_dump_instructor(p), p)


@blp.route("/instructors/<int:instructor_id>/guide", methods=["PUT"])
@allow(STAFF)
@blp.arguments(GuideSchema)
@blp.response(200, InstructorSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def change_guide(data, instructor_id: int):
    """Change the hierarchy link only. 422 names the rule, e.g. a part-time instructor under a city one."""
    p = _instructor(instructor_id, edit=True)
    require_if_match(p)
    operations.set_guide(p, _guide(data["guide_id"]))
    db.session.commit()
    return _respond(_dump_instructor(p), p)


@blp.route("/instructors/<int:instructor_id>/responsibilities")
@allow(WITH_INSTRUCTOR)
@blp.response(200, ResponsibilitySchema(many=True))
@blp.errors(401, 403, 404)
def list_responsibilities(instructor_id: int):
    """The areas (streets, industries, enterprises) an instructor covers."""
    return _instructor(instructor_id).responsibilities


@blp.route("/instructors/<int:instructor_id>/responsibilities", methods=["POST"])
@allow(STAFF)
@blp.arguments(ResponsibilitySchema)
@blp.response(201, ResponsibilitySchema)
@blp.errors(401, 403, 404, 422)
def add_responsibility(data, instructor_id: int):
    """Add an area to an instructor's duties."""
    area = operations.add_responsibility(_instructor(instructor_id, edit=True), data["kind"], data["value"])
    db.session.commit()
    return area


@blp.route("/responsibilities/<int:area_id>", methods=["DELETE"])
@allow(STAFF)
@blp.response(204)
@blp.errors(401, 403, 404)
def remove_responsibility(area_id: int):
    """Remove an area from an instructor's duties."""
    area = db.session.get(Responsibility, area_id)
    if area is None:
        abort(404)
    _instructor(area.instructor_id, edit=True)
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
    district_id = _district_from_code(args.get("district"))
    if district_id is None:
        raise InvalidInput({"district": _("Choose a district.")})
    cover = operations.coverage(district_id)
    return {"district": db.session.get(District, district_id).code, "gaps": cover.gaps,
            "overlaps": [{"kind": k, "value": v, "tier": t, "instructors": [p.name for p in people]}
                         for k, v, t, people in cover.overlaps]}


# --- meeting series and meetings ------------------------------------------------------------------------------

def _series(series_id: int, *, edit: bool = False) -> MeetingSeries:
    series = db.session.get(MeetingSeries, series_id)
    if series is None:
        abort(404)
    if series.district_id is None:
        if edit and current_user.role != Role.ADMIN:
            abort(403)
    else:
        check_district(series.district_id)
    return series


@blp.route("/meeting-series")
@allow(STAFF)
@blp.arguments(PageArgs, location="query")
@blp.response(200, SeriesSchema(many=True))
@blp.errors(401, 403)
def list_series(args):
    """Guidance meeting series of the caller's district and the city-wide ones."""
    stmt = select(MeetingSeries).order_by(MeetingSeries.id)
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(or_(MeetingSeries.district_id == scope, MeetingSeries.district_id.is_(None)))
    return paginate_select(stmt, args)


@blp.route("/meeting-series", methods=["POST"])
@allow(STAFF)
@blp.arguments(SeriesSchema)
@blp.response(201, SeriesSchema)
@blp.errors(401, 403, 422)
def create_series(data):
    """Create a series (RRULE such as `FREQ=MONTHLY;BYDAY=2TU`) and place its meetings up to the horizon."""
    organiser = db.session.get(Instructor, data.pop("organiser_id"))
    if organiser is None:
        raise InvalidInput({"organiser_id": _("No such instructor.")})
    if current_user.role != Role.ADMIN:
        data["district_id"] = current_user.district_id
    series = operations.save_series(None, organiser=organiser, **data)
    if series.district_id is not None:
        check_district(series.district_id)
    horizon = today_local() + timedelta(days=current_app.config["JOBS_MEETING_HORIZON_DAYS"])
    operations.expand_series(series, horizon)
    db.session.commit()
    return _respond(SeriesSchema(), series, 201)


@blp.route("/meeting-series/<int:series_id>/expand", methods=["POST"])
@allow(STAFF)
@blp.arguments(ExpandSchema)
@blp.response(200, ExpansionSchema)
@blp.errors(401, 403, 404)
def expand(data, series_id: int):
    """Place meetings up to `until` (idempotent). A year whose holidays are not announced stops the expansion
    (`stopped_year`) unless `provisional` is true (then those meetings are marked provisional)."""
    series = _series(series_id, edit=True)
    result = operations.expand_series(series, data["until"], provisional=data["provisional"])
    db.session.commit()
    return {"created": result.created, "stopped_year": result.stopped_year, "provisional": result.provisional,
            "message": result.summary()}


def _meeting(meeting_id: int, *, edit: bool = False) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        abort(404)
    if _is_staff():
        if meeting.district_id is None:
            if edit and current_user.role != Role.ADMIN:
                abort(403)
        else:
            check_district(meeting.district_id)
        return meeting
    me = _me()
    if me is None:
        abort(403)
    if meeting.organiser_id == me.id:
        return meeting
    if edit or not any(a.instructor_id == me.id for a in meeting.attendance):
        abort(403)
    return meeting


@blp.route("/meetings")
@allow(WITH_INSTRUCTOR)
@blp.arguments(MeetingQuery, location="query")
@blp.response(200, MeetingSchema(many=True))
@blp.errors(401, 403)
def list_meetings(args):
    """Meetings between `from` and `to` (an instructor: their own; staff: their district's and the city's)."""
    stmt = select(Meeting).order_by(Meeting.day, Meeting.id)
    if _is_staff():
        scope = district_scope()
        if scope is not None:
            stmt = stmt.where(or_(Meeting.district_id == scope, Meeting.district_id.is_(None)))
    else:
        me = _me()
        my_id = me.id if me else -1
        attending = select(MeetingAttendance.meeting_id).where(MeetingAttendance.instructor_id == my_id)
        stmt = stmt.where(or_(Meeting.organiser_id == my_id, Meeting.id.in_(attending)))
    if args.get("from_"):
        stmt = stmt.where(Meeting.day >= args["from_"])
    if args.get("to"):
        stmt = stmt.where(Meeting.day <= args["to"])
    if args.get("series_id"):
        stmt = stmt.where(Meeting.series_id == args["series_id"])
    return paginate_select(stmt, args)


@blp.route("/meetings/<int:meeting_id>")
@allow(WITH_INSTRUCTOR)
@blp.response(200, MeetingSchema)
@blp.errors(401, 403, 404)
def get_meeting(meeting_id: int):
    """One meeting, with why it moved; its `ETag` is needed to move or cancel it."""
    meeting = _meeting(meeting_id)
    return _respond(MeetingSchema(), meeting)


@blp.route("/meetings/<int:meeting_id>/move", methods=["POST"])
@allow(WITH_INSTRUCTOR)
@blp.arguments(MoveSchema)
@blp.response(200, MeetingSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def move_meeting(data, meeting_id: int):
    """Move one meeting to another working day (a holiday or weekend is refused). Needs `If-Match`."""
    meeting = _meeting(meeting_id, edit=True)
    require_if_match(meeting)
    operations.move_meeting(meeting, **data)
    db.session.commit()
    return _respond(MeetingSchema(), meeting)


@blp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@allow(WITH_INSTRUCTOR)
@blp.arguments(CancelSchema)
@blp.response(200, MeetingSchema)
@blp.errors(401, 403, 404, 412, 428)
def cancel_meeting(data, meeting_id: int):
    """Cancel one meeting (it stays in calendars as cancelled). Needs `If-Match`."""
    meeting = _meeting(meeting_id, edit=True)
    require_if_match(meeting)
    operations.cancel_meeting(meeting, data["reason"])
    db.session.commit()
    return _respond(MeetingSchema(), meeting)


# --- engagements ----------------------------------------------------------------------------------------

def _engagement(engagement_id: int, *, edit: bool = False) -> Engagement:
    engagement = db.session.get(Engagement, engagement_id)
    if engagement is None:
        abort(404)
    if _is_staff():
        check_district(engagement.district_id)
        return engagement
    me = _me()
    if edit or me is None or all(p.id != me.id for p in engagement.instructors):
        abort(403)
    return engagement


def _people(ids: list[int], district_id: int) -> list[Instructor]:
    people = db.session.scalars(select(Instructor).where(Instructor.id.in_(ids))).all() if ids else []
    if len(people) != len(set(ids)):
        raise InvalidInput({"instructor_ids": _("No such instructor.")})
    return list(people)


def _save_engagement(engagement, data):
    district_id = engagement.district_id if engagement else _district_from_code(data.get("district"))
    data.pop("district", None)
    if district_id is None:
        raise InvalidInput({"district": _("Choose a district.")})
    people = _people(data.pop("instructor_ids"), district_id)
    return operations.save_engagement(engagement, district_id=district_id, instructors=people, **data)


@blp.route("/engagements")
@allow(WITH_INSTRUCTOR)
@blp.arguments(InstructorQuery, location="query")
@blp.response(200, EngagementSchema(many=True))
@blp.errors(401, 403)
def list_engagements(args):
    """Bargaining engagements with their deadlines (an instructor: those they are assigned to)."""
    stmt = select(Engagement).order_by(Engagement.id)
    if _is_staff():
        scope = district_scope()
        if scope is not None:
            stmt = stmt.where(Engagement.district_id == scope)
        elif args.get("district"):
            stmt = stmt.join(District).where(District.code == args["district"])
    else:
        me = _me()
        mine = select(engagement_instructors.c.engagement_id).where(
            engagement_instructors.c.instructor_id == (me.id if me else -1))
        stmt = stmt.where(Engagement.id.in_(mine))
    items, status, headers = paginate_select(stmt, args)
    return [_dump_engagement(e) for e in items], status, headers


def _dump_engagement(e: Engagement) -> dict:
    data = EngagementSchema().dump(e)
    data["district"] = e.district.code
    data["instructor_ids"] = [p.id for p in e.instructors]
    return data


@blp.route("/engagements", methods=["POST"])
@allow(STAFF)
@blp.arguments(EngagementSchema)
@blp.response(201, EngagementSchema)
@blp.errors(401, 403, 422)
def create_engagement(data):
    """Start an engagement; `reply_due` (request + 20 days) and `filing_due` (signed + 10 days) are computed."""
    engagement = _save_engagement(None, data)
    db.session.commit()
    return _respond(_dump_engagement(engagement), engagement, 201)


@blp.route("/engagements/<int:engagement_id>")
@allow(WITH_INSTRUCTOR)
@blp.response(200, EngagementSchema)
@blp.errors(401, 403, 404)
def get_engagement(engagement_id: int):
    """One engagement with its deadlines and days left."""
    engagement = _engagement(engagement_id)
    return _respond(_dump_engagement(engagement), engagement)


@blp.route("/engagements/<int:engagement_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(EngagementSchema)
@blp.response(200, EngagementSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def update_engagement(data, engagement_id: int):
    """Replace an engagement (stage, dates, instructors). Needs `If-Match`."""
    engagement = _engagement(engagement_id, edit=True)
    require_if_match(engagement)
    _save_engagement(engagement, data)
    db.session.commit()
    return _respond(_dump_engagement(engagement), engagement)


@blp.route("/engagements/<int:engagement_id>/sessions")
@allow(WITH_INSTRUCTOR)
@blp.response(200, SessionSchema(many=True))
@blp.errors(401, 403, 404)
def list_sessions(engagement_id: int):
    """The bargaining sessions of an engagement."""
    return _engagement(engagement_id).sessions


@blp.route("/engagements/<int:engagement_id>/sessions", methods=["POST"])
@allow(STAFF)
@blp.arguments(SessionSchema)
@blp.response(201, SessionSchema)
@blp.errors(401, 403, 404, 422)
def add_session(data, engagement_id: int):
    """Plan a session on a working day; it appears on the assigned instructors' calendars."""
    session = operations.save_session(None, engagement=_engagement(engagement_id, edit=True), **data)
    db.session.commit()
    return _respond(SessionSchema(), session, 201)


@blp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@allow(STAFF)
@blp.response(200, SessionSchema)
@blp.errors(401, 403, 404, 412, 428)
def cancel_session(session_id: int):
    """Cancel a session. Needs `If-Match`."""
    session = db.session.get(BargainingSession, session_id)
    if session is None:
        abort(404)
    check_district(session.district_id)
    require_if_match(session)
    operations.cancel_session(session)
    db.session.commit()
    return _respond(SessionSchema(), session)


# --- training and assessment -------------------------------------------------------------------------------

@blp.route("/instructors/<int:instructor_id>/training")
@allow(WITH_INSTRUCTOR)
@blp.response(200, TrainingSchema(many=True))
@blp.errors(401, 403, 404)
def list_training(instructor_id: int):
    """Training records of an instructor, newest year first."""
    p = _instructor(instructor_id)
    return db.session.scalars(select(TrainingRecord).where(TrainingRecord.instructor_id == p.id)
                              .order_by(TrainingRecord.year.desc(), TrainingRecord.id)).all()


@blp.route("/instructors/<int:instructor_id>/training", methods=["POST"])
@allow(STAFF)
@blp.arguments(TrainingSchema)
@blp.response(201, TrainingSchema)
@blp.errors(401, 403, 404, 422)
def add_training(data, instructor_id: int):
    """Record training hours."""
    record = operations.add_training(_instructor(instructor_id, edit=True), **data)
    db.session.commit()
    return record


@blp.route("/instructors/<int:instructor_id>/assessments/<int:year>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(AssessmentSchema)
@blp.response(200, AssessmentSchema)
@blp.errors(401, 403, 404, 422)
def put_assessment(data, instructor_id: int, year: int):
    """Set the yearly assessment (excellent | competent | basic | not_competent)."""
    row = operations.save_assessment(_instructor(instructor_id, edit=True), year=year, **data)
    db.session.commit()
    return row
