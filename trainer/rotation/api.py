"""/api/v1/rotation/...: programme years, trainees, placements and their days, daily logs, evaluations,
certification and coverage. Same conventions as trainer/org/api.py (tokens, ETag/If-Match, 422 with fields)."""

from __future__ import annotations

from flask import abort, make_response
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.api import Blueprint
from trainer.api.conventions import require_if_match, with_etag
from trainer.api.schemas import PageArgs, paginate_select
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, scoped, working_district
from trainer.core.extensions import db
from trainer.org.models import District
from trainer.rotation import access, operations
from trainer.rotation.models import (
    CASE_ROLES,
    CATEGORIES,
    OUTCOMES,
    RUBRIC,
    YEAR_STATUSES,
    Placement,
    PlacementDay,
    ProgrammeYear,
    Trainee,
)

blp = Blueprint("rotation_api", __name__, url_prefix="/api/v1/rotation",
                description="Rotation training (以干代训): programme years, trainees, placements, logs, evaluations")

MOBILE = validate.Regexp(r"^1[3-9]\d{9}$")


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


class RotationTraineeSchema(Schema):
    id = fields.Int(dump_only=True)
    programme_year_id = fields.Int(dump_only=True)
    union_id = fields.Int(required=True, strict=True)
    station_id = fields.Int(allow_none=True, strict=True, load_default=None)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=60), metadata={"example": "李晓红"})
    phone = fields.Str(allow_none=True, load_default=None, validate=MOBILE)
    prior_experience = fields.Str(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    unavailable = fields.List(fields.Date(), load_default=list)
    user_id = fields.Int(dump_only=True)
    certified = fields.Method("_certified", dump_only=True)
    version = fields.Int(dump_only=True)

    def _certified(self, obj):
        return obj.certification.number if obj.certification else None


class RotationDaySchema(Schema):
    id = fields.Int()
    day = fields.Date()
    number = fields.Int()
    phase = fields.Str(metadata={"description": "guided (week one) | independent (week two)"})
    mentor_id = fields.Int(allow_none=True)
    mentor = fields.Function(lambda d: d.mentor.name if d.mentor else None)


class RotationPlacementSchema(Schema):
    id = fields.Int()
    trainee_id = fields.Int()
    trainee = fields.Function(lambda p: p.trainee.name)
    start = fields.Date()
    end = fields.Date()
    pinned = fields.Bool()
    provisional = fields.Bool()
    days = fields.Method("_days")

    def _days(self, obj):
        return RotationDaySchema(many=True).dump(obj.active_days)


class RotationPlanArgs(Schema):
    mode = fields.Str(load_default="replan", validate=validate.OneOf(["replan", "full"]))
    provisional = fields.Bool(load_default=False)
    time_limit_s = fields.Float(load_default=10.0, validate=validate.Range(0.5, 60))


class RotationPlanResultSchema(Schema):
    placed = fields.Int()
    unplaced = fields.Int()
    moved = fields.Int()
    provisional = fields.Bool()
    problems = fields.List(fields.Str())


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
    passed = fields.Bool(required=True)
    evaluated_on = fields.Date(dump_only=True)
    version = fields.Int(dump_only=True)


class RotationCertificationSchema(Schema):
    id = fields.Int()
    trainee_id = fields.Int()
    union_id = fields.Int()
    number = fields.Str(metadata={"example": "CY-2027-001"})
    certified_on = fields.Date()


class RotationCoverageArgs(Schema):
    district = fields.Str(metadata={"description": "district code (admin only; others see their own)"})


class RotationUnionCoverageSchema(Schema):
    union_id = fields.Function(lambda u: u.union.id)
    union = fields.Function(lambda u: u.union.name)
    street = fields.Function(lambda u: u.union.street)
    mediators = fields.Function(lambda u: [{"name": c.trainee.name, "number": c.number,
                                            "certified_on": c.certified_on.isoformat()} for c in u.mediators])


class RotationYearStatsSchema(Schema):
    year = fields.Int()
    trainees = fields.Int()
    certified = fields.Int()
    independent_cases = fields.Int()
    agreements = fields.Int()
    success_rate = fields.Float(allow_none=True)
    covered_streets = fields.Int()


class RotationCoverageSchema(Schema):
    district = fields.Function(lambda c: c.district.code)
    streets_total = fields.Int()
    streets_covered = fields.Int()
    share = fields.Float()
    unions = fields.List(fields.Nested(RotationUnionCoverageSchema))
    years = fields.List(fields.Nested(RotationYearStatsSchema))


def _respond(schema, obj, status: int = 200):
    return with_etag(make_response(schema.dump(obj), status), obj)




# --- programme years ----------------------------------------------------------------------------------------

@blp.route("/years")
@allow(STAFF)
@blp.arguments(PageArgs, location="query")
@blp.response(200, RotationProgrammeYearSchema(many=True))
@blp.errors(401, 403)
def list_years(args):
    """Programme years of the caller's district (the admin: all), newest first."""
    stmt = scoped(select(ProgrammeYear).options(selectinload(ProgrammeYear.blackouts))
                  .order_by(ProgrammeYear.year.desc(), ProgrammeYear.id), ProgrammeYear.district_id)
    return paginate_select(stmt, args)


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
    return _respond(RotationProgrammeYearSchema(), py, 201)


@blp.route("/years/<int:year_id>")
@allow(STAFF)
@blp.response(200, RotationProgrammeYearSchema)
@blp.errors(401, 403, 404)
def get_year(year_id: int):
    """One programme year; its `ETag` is needed to change it."""
    return _respond(RotationProgrammeYearSchema(), access.programme_year(year_id))


@blp.route("/years/<int:year_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(RotationProgrammeYearSchema)
@blp.response(200, RotationProgrammeYearSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def update_year(data, year_id: int):
    """Replace a programme year's settings. Send `If-Match` with the ETag you read."""
    py = access.programme_year(year_id)
    require_if_match(py)
    operations.save_programme_year(py, district_id=py.district_id, **data)
    db.session.commit()
    return _respond(RotationProgrammeYearSchema(), py)


@blp.route("/years/<int:year_id>/plan", methods=["POST"])
@allow(STAFF)
@blp.arguments(RotationPlanArgs)
@blp.response(200, RotationPlanResultSchema)
@blp.errors(401, 403, 404, 422)
def plan_year(args, year_id: int):
    """Plan or re-plan the year's placements; `problems` explains what could not be planned."""
    py = access.programme_year(year_id)
    outcome = operations.plan_year(py, allow_provisional=args["provisional"], mode=args["mode"],
                                   time_limit_s=args["time_limit_s"])
    db.session.commit()
    return outcome


# --- trainees -------------------------------------------------------------------------------------------------

@blp.route("/years/<int:year_id>/trainees")
@allow(STAFF)
@blp.arguments(PageArgs, location="query")
@blp.response(200, RotationTraineeSchema(many=True))
@blp.errors(401, 403, 404)
def list_trainees(args, year_id: int):
    """The trainees of a programme year."""
    py = access.programme_year(year_id)
    stmt = (select(Trainee).where(Trainee.programme_year_id == py.id)
            .options(selectinload(Trainee.certification)).order_by(Trainee.id))
    return paginate_select(stmt, args)


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
    return _respond(RotationTraineeSchema(), trainee, 201)


@blp.route("/trainees/<int:trainee_id>")
@allow(STAFF, Role.TRAINEE, Role.LAWYER)
@blp.response(200, RotationTraineeSchema)
@blp.errors(401, 403, 404)
def get_trainee(trainee_id: int):
    """A trainee: staff of the district, the trainee themselves, or their mentor."""
    return _respond(RotationTraineeSchema(), access.trainee(trainee_id))


@blp.route("/trainees/<int:trainee_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(RotationTraineeSchema)
@blp.response(200, RotationTraineeSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
def update_trainee(data, trainee_id: int):
    """Replace a trainee's details. Send `If-Match` with the ETag you read."""
    trainee = access.trainee(trainee_id)
    require_if_match(trainee)
    operations.save_trainee(trainee, py=trainee.programme_year, **data)
    db.session.commit()
    return _respond(RotationTraineeSchema(), trainee)


# --- placements ------------------------------------------------------------------------------------------------

@blp.route("/years/<int:year_id>/placements")
@allow(STAFF)
@blp.response(200, RotationPlacementSchema(many=True))
@blp.errors(401, 403, 404)
def list_placements(year_id: int):
    """Every placement of a programme year with its days (phase and mentor of each)."""
    py = access.programme_year(year_id)
    return db.session.scalars(select(Placement).where(Placement.programme_year_id == py.id)
                              .options(selectinload(Placement.trainee),
                                       selectinload(Placement.days).selectinload(PlacementDay.mentor))
                              .order_by(Placement.start)).all()


@blp.route("/mine")
@allow(Role.TRAINEE)
@blp.response(200, RotationPlacementSchema)
@blp.errors(401, 403, 404)
def my_placement():
    """The calling trainee's own placement."""
    trainee = operations.trainee_of_user(current_user)
    if trainee is None or trainee.placement is None:
        abort(404, _("You have no placement yet."))
    return trainee.placement


@blp.route("/trainees/<int:trainee_id>/placement")
@allow(STAFF, Role.TRAINEE, Role.LAWYER)
@blp.response(200, RotationPlacementSchema)
@blp.errors(401, 403, 404)
def get_placement(trainee_id: int):
    """A trainee's placement with its days."""
    trainee = access.trainee(trainee_id)
    if trainee.placement is None:
        abort(404)
    return trainee.placement


# --- daily logs -------------------------------------------------------------------------------------------------

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
    return _respond(RotationCaseLogSchema(), case, 201)


@blp.route("/logs/<int:case_id>/remarks", methods=["PUT"])
@allow(STAFF, Role.LAWYER)
@blp.arguments(RotationRemarksSchema)
@blp.response(200, RotationCaseLogSchema)
@blp.errors(401, 403, 404, 412, 428)
def put_remarks(data, case_id: int):
    """The mentor's remarks on a logged case. Send `If-Match` with the case's ETag."""
    case = access.case_log(case_id)
    if not access.may_remark(case.placement_day):
        abort(403)
    require_if_match(case)
    operations.add_remarks(case, data["mentor_remarks"])
    db.session.commit()
    return _respond(RotationCaseLogSchema(), case)


# --- evaluation and certification ---------------------------------------------------------------------------------

@blp.route("/trainees/<int:trainee_id>/evaluation")
@allow(STAFF, Role.TRAINEE, Role.LAWYER)
@blp.response(200, RotationEvaluationSchema)
@blp.errors(401, 403, 404)
def get_evaluation(trainee_id: int):
    """A trainee's evaluation: staff, their mentor, or the trainee themselves (nobody else's)."""
    trainee = access.trainee(trainee_id)
    if trainee.evaluation is None:
        abort(404)
    return _respond(RotationEvaluationSchema(), trainee.evaluation)


@blp.route("/trainees/<int:trainee_id>/evaluation", methods=["PUT"])
@allow(STAFF, Role.LAWYER)
@blp.arguments(RotationEvaluationSchema)
@blp.response(200, RotationEvaluationSchema)
@blp.errors(401, 403, 404, 412, 422, 428)
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
    return _respond(RotationEvaluationSchema(), evaluation)


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


# --- coverage ---------------------------------------------------------------------------------------------------

@blp.route("/coverage")
@allow(STAFF)
@blp.arguments(RotationCoverageArgs, location="query")
@blp.response(200, RotationCoverageSchema(many=True))
@blp.errors(401, 403)
def coverage(args):
    """Streets and unions with certified independent mediators; trainees and week-two success per year.
    Coordinators get their district; the admin every district, or ?district=."""
    stmt = select(District).order_by(District.sort_order)
    if current_user.role != Role.ADMIN:
        stmt = stmt.where(District.id == current_user.district_id)
    elif args.get("district"):
        stmt = stmt.where(District.code == args["district"])
    return operations.coverage(db.session.scalars(stmt).all())

