"""The desk's pages: the search (/search). The desk itself is the staff's home page (``auth.home`` renders
``home_context``)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, district_scope, working_district
from trainer.core.clock import today_local
from trainer.desk import queries

bp = Blueprint("desk", __name__)


def home_context() -> dict:
    """What the staff's home page shows: the things to do in the district it works on (the admin chooses)."""
    district = working_district()
    today = today_local()
    items = queries.desk_items(district, today) if district is not None else []
    return {"district": district, "today": today, "items": items,
            "todo": [i for i in items if i.needs_doing], "clear": [i for i in items if not i.needs_doing
                                                                   and not i.informative],
            "info": [i for i in items if i.informative]}


@bp.route("/search")
@allow(STAFF)
def search():
    query = request.args.get("q", "").strip()[:queries.MAX_QUERY]
    results = queries.search(query, district_scope())
    return render_template("desk/search.html", query=query, results=results,
                           total=sum(len(found) for found, _more in results.values()),
                           show_district=current_user.role == Role.ADMIN)
