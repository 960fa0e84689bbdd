"""/api/v1/workdays/conflicts: the conflicts of the present with their proposals; apply, keep, re-plan; the
district's minimum notice. The same operations as the page (``trainer.workdays.changes``)."""

from __future__ import annotations

from flask import abort, make_response
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy.exc import IntegrityError

from trainer.api.helpers import StrictBool, target_district
from trainer.api.schemas import PageArgs
from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, check_district, district_scope
from trainer.core.extensions import db
from trainer.org.models import District
from trainer.web.errors import api_error
from trainer.web.paging import page_of
from trainer.workdays import changes, queries
from trainer.workdays.api import blp
from trainer.workdays.conflicts import PlannedItem, open_conflicts
from trainer.workdays.notice_period import MAX_DAYS, set_notice_days
from trainer.workdays.review.views import RACE_MESSAGE


class DistrictArgs(Schema):
    district = fields.Str(metadata={"description": "district code (admin only; others work in their own); "
                                                   "none: every district"})


class ConflictListArgs(DistrictArgs, PageArgs):
    """The district, and which page of the open conflicts (`page`, `page_size`; all of them counted in `count`
    and `X-Total-Count`)."""


class ReasonSchema(Schema):
    rule = fields.Str(metadata={"example": "not_working_day"})
    message = fields.Str(metadata={"example": "2027年2月11日 周四 是节假日（春节）。"})


class PersonSchema(Schema):
    role = fields.Str(metadata={"example": "lawyer"})
    id = fields.Int()
    name = fields.Str()


class ProposalSchema(Schema):
    kind = fields.Str(metadata={"description": "other_day | other_slot | other_person | none"})
    message = fields.Str()
    place = fields.Str(metadata={"description": "send it back to apply: day|half|start|end|people"})
    notice = StrictBool(metadata={"description": "nothing proposed because of the minimum notice"})
    day = fields.Str(allow_none=True, metadata={"format": "date"})
    half = fields.Str(allow_none=True)
    start = fields.Str(allow_none=True)
    end = fields.Str(allow_none=True)
    people = fields.List(fields.Nested(PersonSchema))


class KeptSchema(Schema):
    by = fields.Str(allow_none=True)
    reason = fields.Str()
    at = fields.Str()


class ConflictSchema(Schema):
    item = fields.Str(metadata={"example": "visit:118", "description": "kind:id"})
    kind = fields.Str(metadata={"description": "visit | duty_shift | placement_day | meeting | bargaining_session"})
    id = fields.Int()
    label = fields.Str()
    district_id = fields.Int(allow_none=True)
    day = fields.Str(metadata={"format": "date", "description": "the item's day now"})
    half = fields.Str(allow_none=True)
    start = fields.Str()
    end = fields.Str()
    people = fields.List(fields.Nested(PersonSchema))
    url = fields.Str()
    provisional = StrictBool()
    version = fields.Int(allow_none=True)
    reasons = fields.List(fields.Nested(ReasonSchema))
    kept = fields.Nested(KeptSchema, allow_none=True)
    proposal = fields.Nested(ProposalSchema, allow_none=True)


class ConflictListSchema(Schema):
    count = fields.Int(metadata={"description": "open conflicts (kept ones not counted)"})
    conflicts = fields.List(fields.Nested(ConflictSchema))
    kept = fields.List(fields.Nested(ConflictSchema))
    notice_until = fields.Date(allow_none=True, metadata={"description": "last day of the district's minimum "
                                                                         "notice"})


class ChosenSchema(Schema):
    item = fields.Str(required=True, validate=validate.Length(max=60), metadata={"example": "visit:118"})
    place = fields.Str(required=True, validate=validate.Length(max=200),
                       metadata={"description": "the proposal's place, as the list gave it"})
    version = fields.Int(strict=True, allow_none=True, load_default=None)


class ApplyArgs(DistrictArgs):
    items = fields.List(fields.Nested(ChosenSchema), load_default=None, validate=validate.Length(max=2000))
    all = StrictBool(load_default=False, metadata={"description": "apply every current proposal instead"})


class ApplySchema(Schema):
    applied = fields.List(fields.Str(), metadata={"description": "the items moved (kind:id)"})
    refused = fields.List(fields.Str(), metadata={"description": "why the others were not"})
    conflicts = fields.Int(metadata={"description": "open conflicts left"})


class KeepArgs(Schema):
    item = fields.Str(required=True, validate=validate.Length(max=60))
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class ReplanSchema(Schema):
    moved = fields.Int()
    runs = fields.List(fields.Int(), metadata={"description": "the plan runs (visits)"})
    conflicts = fields.Int(metadata={"description": "open conflicts left"})


class NoticeArgs(DistrictArgs):
    working_days = fields.Int(required=True, strict=True, validate=validate.Range(min=0, max=MAX_DAYS))


class NoticePeriodSchema(Schema):
    district = fields.Str()
    working_days = fields.Int()
    until = fields.Date(metadata={"description": "automatic changes leave everything up to this day alone"})


def _district(args) -> District | None:
    if current_user.role != Role.ADMIN:
        return db.session.get(District, district_scope())
    return target_district(args.get("district"), required=False)


def _check_item(item: PlannedItem) -> None:
    check_district(item.district_id)


def _open_count(district: District | None) -> int:
    return len(open_conflicts(queries.conflicts_now(district.id if district else None)))


@blp.route("/conflicts")
@allow(STAFF)
@blp.arguments(ConflictListArgs, location="query")
@blp.response(200, ConflictListSchema)
@blp.errors(401, 403, 422)
def list_conflicts(args):
    """What is planned from today on and breaks a rule now, each once with every reason and a proposal, a page
    at a time (`count` and `X-Total-Count`: all of them); the proposals are consistent with each other
    (applying all of them breaks nothing)."""
    district = _district(args)
    found = queries.conflicts_now(district.id if district else None)
    listed = open_conflicts(found)
    page = page_of(listed, args["page"], args["page_size"], clamp=False)
    headers = {"X-Total-Count": str(len(listed)), "X-Page": str(page.page), "X-Page-Size": str(args["page_size"])}
    return {"count": len(listed), "conflicts": [changes.conflict_json(c) for c in page.items],
            "kept": [changes.conflict_json(c) for c in found if c.kept is not None],
            "notice_until": changes.notice_until(district.id) if district else None}, 200, headers


@blp.route("/conflicts/apply", methods=["POST"])
@allow(STAFF)
@blp.arguments(ApplyArgs)
@blp.response(200, ApplySchema)
@blp.errors(401, 403, 409, 422)
def apply_conflicts(args):
    """Apply chosen proposals (`items`: each `item` with the `place` the list gave) or every proposal
    (`all: true`). Each is checked again, all together; the refused ones say why."""
    district = _district(args)
    district_id = district.id if district else None
    try:
        if args["all"]:
            result = changes.apply_all(district_id)
        else:
            chosen = [(c["item"], c["place"], c["version"]) for c in args["items"] or []]
            result = changes.apply_places(district_id, chosen, check=_check_item)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return api_error(409, str(RACE_MESSAGE))
    return {"applied": [i.token for i in result.applied], "refused": result.refused,
            "conflicts": _open_count(district)}


@blp.route("/conflicts/keep", methods=["POST"])
@allow(STAFF)
@blp.arguments(KeepArgs)
@blp.response(201, ConflictSchema)
@blp.errors(401, 403, 422)
def keep_conflict(args):
    """Keep an item where it is although it breaks a rule, saying why; it stays kept while it stays there."""
    row = changes.keep_item(args["item"], args["reason"], current_user, district_id=district_scope(),
                            check=_check_item)
    db.session.commit()
    found = queries.conflict_of((row.kind, row.item_id), row.district_id)
    return changes.conflict_json(found)


@blp.route("/conflicts/kept/<int:kept_id>", methods=["DELETE"])
@allow(STAFF)
@blp.response(204)
@blp.errors(401, 403, 404)
def unkeep_conflict(kept_id: int):
    """Withdraw a decision to keep: the item is listed as a conflict again (if it still breaks a rule)."""
    row = queries.kept_row(kept_id)
    if row is None:
        abort(404)
    check_district(row.district_id)
    changes.unkeep(row)
    db.session.commit()
    return make_response("", 204)


@blp.route("/conflicts/replan", methods=["POST"])
@allow(STAFF)
@blp.arguments(DistrictArgs)
@blp.response(200, ReplanSchema)
@blp.errors(401, 403, 422)
def replan_conflicts(args):
    """Re-plan the months of the district's conflicts (visits: the planner's re-plan, everything unbroken
    stays)."""
    district = target_district(args.get("district"))
    outcomes, left = changes.replan_affected(district, user_id=current_user.id)
    db.session.commit()
    return {"moved": sum(len(getattr(o, "moved", ())) for o in outcomes),
            "runs": [o.run.id for o in outcomes if getattr(o, "run", None) is not None], "conflicts": len(left)}


@blp.route("/notice-period")
@allow(STAFF)
@blp.arguments(DistrictArgs, location="query")
@blp.response(200, NoticePeriodSchema)
@blp.errors(401, 403, 422)
def get_notice_period(args):
    """The district's minimum notice: automatic changes never place or move anything up to `until`."""
    district = target_district(args.get("district"))
    return _notice_payload(district)


@blp.route("/notice-period", methods=["PUT"])
@allow(STAFF)
@blp.arguments(NoticeArgs)
@blp.response(200, NoticePeriodSchema)
@blp.errors(401, 403, 422)
def put_notice_period(args):
    """Change the district's minimum notice (0–20 working days; default 2)."""
    district = target_district(args.get("district"))
    set_notice_days(district, args["working_days"])
    db.session.commit()
    return _notice_payload(district)


def _notice_payload(district: District) -> dict:
    return {"district": district.code, "working_days": district.notice_working_days,
            "until": changes.notice_until(district.id)}

