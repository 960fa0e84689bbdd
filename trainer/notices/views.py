"""The notices page (通知): what changed in the user's own schedule, newest first; marking read; the unread count
in the header of every page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.permissions import ANY_USER, allow
from trainer.core.extensions import db
from trainer.notices import (
    changes,  # noqa: F401  (the session hook that writes the notices)
    operations,
    queries,
)
from trainer.visits.web import button_action

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.app_context_processor
def _unread():
    """``unread_notices()`` for the header: counted only when a page shows it, for a logged-in user."""
    def unread_notices() -> int:
        if not getattr(current_user, "is_authenticated", False):
            return 0
        return queries.unread_count(current_user.id)
    return {"unread_notices": unread_notices}


@bp.route("/")
@allow(ANY_USER)
def index():
    unread_only = request.args.get("unread") == "1"
    page = db.paginate(queries.notices_of(current_user.id, unread_only=unread_only),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("notices/list.html", page=page, unread_only=unread_only)


@bp.route("/<int:notice_id>/read", methods=["POST"])
@allow(ANY_USER)
def mark_read(notice_id: int):
    notice = queries.own_notice(current_user.id, notice_id)
    if notice is None:
        abort(404)
    return button_action(lambda: operations.mark_read(notice), message=_("Marked as read."),
                         next_url=url_for("notices.index"))


@bp.route("/read-all", methods=["POST"])
@allow(ANY_USER)
def mark_all_read():
    return button_action(lambda: operations.mark_all_read(current_user.id),
                         message=lambda n: _("%(n)s notice(s) marked as read.", n=n),
                         next_url=url_for("notices.index"))
