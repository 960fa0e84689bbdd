"""/api/v1/rotation/coverage: streets and unions with certified independent mediators, per district."""

from __future__ import annotations

from marshmallow import Schema, fields

from trainer.api.helpers import district_filter
from trainer.auth.permissions import STAFF, allow
from trainer.core.extensions import db
from trainer.org.models import District
from trainer.rotation.blueprint import blp
from trainer.rotation.coverage import operations


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


@blp.route("/coverage")
@allow(STAFF)
@blp.arguments(RotationCoverageArgs, location="query")
@blp.response(200, RotationCoverageSchema(many=True))
@blp.errors(401, 403)
def coverage(args):
    """Streets and unions with certified independent mediators; trainees and week-two success per year.
    Coordinators get their district; the admin every district, or ?district=."""
    stmt = district_filter(operations.districts_in_order(), District.id, args.get("district"))
    return operations.coverage(db.session.scalars(stmt).all())
