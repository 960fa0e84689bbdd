"""/api/v1/notices: the caller's own notices (what changed in their schedule) and marking them read."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from marshmallow import Schema, fields

from trainer.api import Blueprint
from trainer.api.schemas import PageArgs, paginate
from trainer.auth.permissions import ANY_USER, allow
from trainer.core.extensions import db
from trainer.notices import operations, queries

blp = Blueprint("notices_api", __name__, url_prefix="/api/v1/notices",
                description="The caller's notices: items of their schedule added, changed or cancelled.")


class ScheduleNoticeItemSchema(Schema):
    change = fields.Str(metadata={"description": "added | changed | cancelled"})
    text = fields.Str(metadata={"description": "the item (and, when changed, before → after), in the user's "
                                              "language"})
    url = fields.Str()


class ScheduleNoticeSchema(Schema):
    id = fields.Int(dump_only=True)
    subject = fields.Str(dump_only=True)
    items = fields.List(fields.Nested(ScheduleNoticeItemSchema), dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    read_at = fields.DateTime(dump_only=True, allow_none=True)


class ScheduleNoticeArgs(PageArgs):
    unread = fields.Bool(load_default=False, metadata={"description": "only the unread notices"})


@blp.route("")
@allow(ANY_USER)
@blp.arguments(ScheduleNoticeArgs, location="query")
@blp.response(200, ScheduleNoticeSchema(many=True))
@blp.errors(401, 422)
def list_notices(args):
    """The caller's notices, newest first (X-Total-Count, X-Page, X-Page-Size)."""
    return paginate(queries.notices_of(current_user.id, unread_only=args["unread"]), args)


@blp.route("/<int:notice_id>/read", methods=["POST"])
@allow(ANY_USER)
@blp.response(200, ScheduleNoticeSchema)
@blp.errors(401, 404)
def mark_read(notice_id: int):
    """Mark one of the caller's notices read (another person's answers 404)."""
    notice = queries.own_notice(current_user.id, notice_id)
    if notice is None:
        abort(404)
    operations.mark_read(notice)
    db.session.commit()
    return notice
