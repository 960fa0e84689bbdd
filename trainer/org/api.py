"""/api/v1/districts and /api/v1/stations: the pattern every area's API follows."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate

from trainer.api import Blueprint
from trainer.api.conventions import require_if_match
from trainer.api.helpers import DistrictQuery, load_scoped, respond
from trainer.api.schemas import paginate
from trainer.auth.permissions import ANY_USER, STAFF, allow
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org import operations, queries
from trainer.org.models import Station, Union
from trainer.workdays.changes import Scope, impact_json, run_change

blp = Blueprint("org_api", __name__, url_prefix="/api/v1", description="Districts, unions and service stations")


class DistrictSchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(metadata={"example": "chaoyang"})
    name = fields.Str(metadata={"example": "朝阳区"})
    name_en = fields.Str(metadata={"example": "Chaoyang"})


class UnionSchema(Schema):
    id = fields.Int(dump_only=True)
    district_id = fields.Int(dump_only=True)
    name = fields.Str()
    kind = fields.Str(validate=validate.OneOf(["street", "industry", "zone"]))
    street = fields.Str(allow_none=True)


RECEIVING = fields.Str(validate=validate.Regexp(r"^[0-6]:(am|pm)$"), metadata={"example": "1:am"})


class StationSchema(Schema):
    id = fields.Int(dump_only=True)
    district_id = fields.Int(dump_only=True)
    union_id = fields.Int(required=True, strict=True)
    name = fields.Str(required=True, validate=validate.Length(min=1, max=120), metadata={"example": "八里庄街道工会服务站"})
    address = fields.Str(required=True, validate=validate.Length(min=1, max=250))
    contact_name = fields.Str(allow_none=True, validate=validate.Length(max=60))
    contact_phone = fields.Str(allow_none=True, validate=validate.Regexp(r"^1[3-9]\d{9}$"),
                               metadata={"example": "13800138000"})
    contact_email = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=200),
                                 metadata={"description": "told by e-mail when the station's visits change"})
    receiving = fields.List(RECEIVING, required=True, validate=validate.Length(min=1, max=14))
    am_hours = fields.Str(load_default="09:00-12:00", validate=validate.Regexp(operations.HOURS))
    pm_hours = fields.Str(load_default="14:00-17:00", validate=validate.Regexp(operations.HOURS))
    rhythm = fields.List(fields.List(fields.Int(strict=True), validate=validate.Length(equal=2)), load_default=list,
                         metadata={"description": "[[week of month 1-5, weekday 0=Mon..6=Sun], ...]"})
    version = fields.Int(dump_only=True)


@blp.route("/districts")
@allow(ANY_USER)
@blp.response(200, DistrictSchema(many=True))
@blp.errors(401)
def list_districts():
    """All districts of Beijing."""
    return queries.all_districts()


@blp.route("/unions")
@allow(STAFF)
@blp.arguments(DistrictQuery, location="query")
@blp.response(200, UnionSchema(many=True))
@blp.errors(401, 403)
def list_unions(args):
    """The unions of the caller's district (the admin: of every district, or of ?district=)."""
    return paginate(queries.unions_in_scope(args.get("district")), args)


@blp.route("/stations")
@allow(STAFF)
@blp.arguments(DistrictQuery, location="query")
@blp.response(200, StationSchema(many=True))
@blp.errors(401, 403)
def list_stations(args):
    """Service stations, paginated (`page`, `page_size`; totals in the `X-Total-Count` header)."""
    return paginate(queries.stations_in_scope(args.get("district")), args)


def _union_for(union_id: int) -> Union:
    union = db.session.get(Union, union_id)
    if union is None:
        raise InvalidInput({"union_id": _("No such union.")})
    if current_user.role != "admin" and union.district_id != current_user.district_id:
        raise InvalidInput({"union_id": _("Choose a union of your district.")})
    return union


@blp.route("/stations", methods=["POST"])
@allow(STAFF)
@blp.arguments(StationSchema)
@blp.response(201, StationSchema)
@blp.errors(401, 403, 422)
def create_station(data):
    """Create a station in a union of the caller's district."""
    station = operations.save_station(None, union=_union_for(data.pop("union_id")), **data)
    db.session.commit()
    return respond(StationSchema(), station, 201)


@blp.route("/stations/<int:station_id>")
@allow(STAFF)
@blp.response(200, StationSchema)
@blp.errors(404, 403, 401)
def get_station(station_id: int):
    """One station; its `ETag` is needed to change it."""
    return respond(StationSchema(), load_scoped(Station, station_id))


class StationChangeSchema(StationSchema):
    broken = fields.List(fields.Dict(), dump_only=True, metadata={
        "description": "the planned items the change breaks (e.g. visits outside new receiving half-days), each "
                       "with its reasons and a proposal, as GET /api/v1/workdays/conflicts lists them"})


@blp.route("/stations/<int:station_id>", methods=["PUT"])
@allow(STAFF)
@blp.arguments(StationSchema)
@blp.response(200, StationChangeSchema)
@blp.errors(404, 403, 401, 422)
@blp.requires_if_match("get_station", "create_station")
def update_station(data, station_id: int):
    """Replace a station. Send `If-Match` with the ETag you read: a stale one gets 412, nothing is lost."""
    station = load_scoped(Station, station_id)
    require_if_match(station)
    union = _union_for(data.pop("union_id"))
    impact = run_change(lambda: operations.save_station(station, union=union, **data), Scope.of(station.district_id))
    db.session.commit()
    return respond({**StationSchema().dump(station), "broken": impact_json(impact)["broken"]}, station)
