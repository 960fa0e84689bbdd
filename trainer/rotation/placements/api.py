"""/api/v1/rotation: planning a programme year, its placements with their days, a trainee's placement."""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.rotation import access
from trainer.rotation.blueprint import blp
from trainer.rotation.placements import operations
from trainer.rotation.placements.queries import placements_of_year
from trainer.rotation.trainees.queries import trainee_of_user


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


@blp.route("/years/<int:year_id>/placements")
@allow(STAFF)
@blp.response(200, RotationPlacementSchema(many=True))
@blp.errors(401, 403, 404)
def list_placements(year_id: int):
    """Every placement of a programme year with its days (phase and mentor of each)."""
    return placements_of_year(access.programme_year(year_id))


@blp.route("/mine")
@allow(Role.TRAINEE)
@blp.response(200, RotationPlacementSchema)
@blp.errors(401, 403, 404)
def my_placement():
    """The calling trainee's own placement."""
    trainee = trainee_of_user(current_user)
    if trainee is None or trainee.placement is None:
        abort(404, _("You have no placement yet."))
    return trainee.placement


class DayMentorSchema(Schema):
    mentor_id = fields.Int(required=True, strict=True)


@blp.route("/days/<int:day_id>/mentor", methods=["POST"])
@allow(STAFF)
@blp.arguments(DayMentorSchema)
@blp.response(200, RotationDaySchema)
@blp.errors(401, 403, 404, 422)
def change_day_mentor(data, day_id: int):
    """Change one placement day's mentor. Refused (422, both items named) when the mentor is not on duty, guides
    too many trainees that day, or is busy elsewhere then as the same person (a visit, a duty shift, a meeting)."""
    day = access.placement_day(day_id)
    operations.change_day_mentor(day, data["mentor_id"])
    db.session.commit()
    return day


@blp.route("/trainees/<int:trainee_id>/placement")
@allow(STAFF, Role.TRAINEE, Role.LAWYER)
@blp.response(200, RotationPlacementSchema)
@blp.errors(401, 403, 404)
def get_placement(trainee_id: int):
    """A trainee's placement with its days."""
    return access.present(access.trainee(trainee_id).placement)
