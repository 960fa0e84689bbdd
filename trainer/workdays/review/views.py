"""The conflicts page (/workdays/conflicts): what of the plans breaks a rule now, in every programme, each with
its current day, the reason and a proposal; apply one or all proposals, keep an item where it is (with a reason),
re-plan the affected months; and the district's minimum notice."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, check_district, district_scope
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.models import District
from trainer.web.paging import page_of
from trainer.workdays import changes, queries
from trainer.workdays.conflicts import PlannedItem, open_conflicts
from trainer.workdays.notice_period import first_open_day, notice_days, set_notice_days
from trainer.workdays.views import bp

RACE_MESSAGE = _l("Someone changed these items at the same time. Nothing was changed; look at the list again.")


def chosen_district() -> District | None:
    """A coordinator's own district; the admin's ``?district=CODE`` (None: every district)."""
    if current_user.role != Role.ADMIN:
        return db.session.get(District, district_scope())
    return District.by_code(request.values.get("district"))


def _district_id(district: District | None) -> int | None:
    return district.id if district is not None else None


def _check_item(item: PlannedItem) -> None:
    check_district(item.district_id)


def _back(district: District | None):
    target = request.form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("workdays.conflicts", district=district.code if district else None))


@bp.route("/conflicts")
@allow(STAFF)
def conflicts():
    """Everything planned from today on that breaks a rule now; kept items below."""
    district = chosen_district()
    found = queries.conflicts_now(_district_id(district))
    listed = open_conflicts(found)
    kept = [c for c in found if c.kept is not None]
    notice = {"days": notice_days(_district_id(district)),
              "until": changes.notice_words(first_open_day(_district_id(district)))} if district else None
    districts = queries.districts_by_id() if current_user.role == Role.ADMIN else {}
    page = page_of(listed, request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"])
    return render_template("workdays/conflicts.html", conflicts=listed, page=page, kept=kept, district=district,
                           notice=notice, held=[c for c in listed if c.proposal and c.proposal.notice],
                           districts=districts, today=today_local())


def _chosen() -> list[tuple[str, str, str | None]]:
    only = request.form.get("only")
    tokens = [only] if only else request.form.getlist("apply")
    return [(t, request.form.get(f"place_{t}", ""), request.form.get(f"version_{t}")) for t in tokens]


def _tell(result: changes.ApplyResult) -> None:
    if result.applied:
        flash(ngettext("%(num)s suggestion applied.", "%(num)s suggestions applied.", len(result.applied)),
              "success")
    for message in result.refused:
        flash(message, "error")
    if not result.applied and not result.refused:
        flash(_("Nothing was chosen."), "info")


def _apply(run) -> None:
    """Carry out proposals and commit; a race lost in the database changes nothing and says so."""
    try:
        result = run()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(RACE_MESSAGE, "error")
    else:
        _tell(result)


@bp.route("/conflicts/apply", methods=["POST"])
@allow(STAFF)
def conflicts_apply():
    """Apply the chosen proposals (each checked again, all of them together)."""
    district = chosen_district()
    _apply(lambda: changes.apply_places(_district_id(district), _chosen(), check=_check_item))
    return _back(district)


@bp.route("/conflicts/apply-all", methods=["POST"])
@allow(STAFF)
def conflicts_apply_all():
    district = chosen_district()
    _apply(lambda: changes.apply_all(_district_id(district)))
    return _back(district)


@bp.route("/conflicts/replan", methods=["POST"])
@allow(STAFF)
def conflicts_replan():
    """Re-plan the months of the district's conflicts (the admin names the district)."""
    district = chosen_district()
    if district is None:
        flash(_("Choose a district first."), "error")
        return _back(None)
    outcomes, left = changes.replan_affected(district, user_id=current_user.id)
    db.session.commit()
    moved = sum(len(getattr(o, "moved", ())) for o in outcomes)
    flash(_("The affected months were re-planned: %(moved)s items moved; %(left)s conflicts left.", moved=moved,
            left=len(left)), "success" if not left else "warning")
    return _back(district)


@bp.route("/conflicts/keep", methods=["GET", "POST"])
@allow(STAFF)
def conflicts_keep():
    """Keep one item where it is, saying why: it stays kept while it stays there."""
    token = request.values.get("item", "")
    key = changes.parse_token(token)
    found = queries.conflict_of(key, district_scope()) if key else None
    if found is None:
        flash(_("This item breaks no rule now; there is nothing to keep."), "info")
        return redirect(url_for("workdays.conflicts"))
    check_district(found.item.district_id)
    errors = {}
    if request.method == "POST":
        try:
            changes.keep_item(token, request.form.get("reason", ""), current_user, district_id=district_scope(),
                              check=_check_item)
        except InvalidInput as error:
            db.session.rollback()
            errors = error.fields
        else:
            db.session.commit()
            flash(_("%(item)s stays where it is.", item=found.item.label), "success")
            return redirect(url_for("workdays.conflicts"))
    return render_template("workdays/keep.html", conflict=found, errors=errors,
                           reason=request.form.get("reason", "")), (422 if errors else 200)


@bp.route("/conflicts/kept/<int:kept_id>/delete", methods=["POST"])
@allow(STAFF)
def conflicts_unkeep(kept_id: int):
    row = queries.kept_row(kept_id)
    if row is None:
        return redirect(url_for("workdays.conflicts"))
    check_district(row.district_id)
    changes.unkeep(row)
    db.session.commit()
    flash(_("The item is listed as a conflict again."), "success")
    return redirect(url_for("workdays.conflicts"))


@bp.route("/notice-period", methods=["POST"])
@allow(STAFF)
def notice_period():
    """Change the district's minimum notice (working days)."""
    district = chosen_district()
    if district is None:
        flash(_("Choose a district first."), "error")
        return _back(None)
    try:
        set_notice_days(district, request.form.get("working_days"))
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Minimum notice: %(n)s working days.", n=district.notice_working_days), "success")
    return _back(district)
