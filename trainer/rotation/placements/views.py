"""Placement pages: planning the year, moving and pinning a placement, the plan in Excel, and the trainee's
own landing page (my rotation)."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.core.validation import InvalidInput, form_errors_from
from trainer.rotation import access
from trainer.rotation.blueprint import bp
from trainer.rotation.mentors.queries import mentors_on_duty
from trainer.rotation.placements import operations, sheets
from trainer.rotation.placements.forms import DayMentorForm, MoveForm, PlanForm
from trainer.rotation.placements.queries import days_with_logs
from trainer.rotation.placements.timeline import day_purposes, progress
from trainer.rotation.trainees.queries import trainee_of_user
from trainer.rotation.trainees.views import trainee_page


@bp.route("/years/<int:year_id>/plan", methods=["POST"])
@allow(STAFF)
def plan(year_id: int):
    py = access.programme_year(year_id)
    back = url_for("rotation.year", year_id=py.id) + "#plan"
    form = PlanForm()
    mode = form.mode.data if form.mode.data in ("replan", "full") else "replan"
    try:
        outcome = operations.plan_year(py, allow_provisional=bool(form.provisional.data), mode=mode,
                                       time_limit_s=current_app.config.get("ROTATION_PLAN_SECONDS", 10))
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    message = _("%(placed)s of %(total)s trainees placed.", placed=outcome.placed,
                total=outcome.placed + outcome.unplaced)
    if outcome.provisional:
        message += " " + _("Planned on a provisional working-day calendar: check again once it is official.")
    flash(message, "success" if not outcome.problems else "info")
    return redirect(back)


@bp.route("/placements/<int:placement_id>/move", methods=["POST"])
@allow(STAFF)
def placement_move(placement_id: int):
    placement = access.placement(placement_id)
    back = url_for("rotation.trainee", trainee_id=placement.trainee_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return trainee_page(placement.trainee, move_form=form), 422
    try:
        operations.move_placement(placement, form.start.data, allow_provisional=bool(request.form.get("provisional")))
    except InvalidInput as error:
        db.session.rollback()
        form_errors_from(form, error)
        return trainee_page(access.placement(placement_id).trainee, move_form=form), 422
    db.session.commit()
    flash(_("Placement moved to %(day)s and pinned.", day=format_day(form.start.data)), "success")
    return redirect(back)


@bp.route("/days/<int:day_id>/mentor", methods=["POST"])
@allow(STAFF)
def day_mentor(day_id: int):
    """Change one day's mentor by hand: refused (with both items named) when the mentor is busy elsewhere."""
    day = access.placement_day(day_id)
    back = url_for("rotation.day_log", day_id=day.id)
    form = DayMentorForm()
    form.mentor_id.choices = [(m.id, m.name) for m in mentors_on_duty(day.placement.programme_year_id)]
    if not form.validate_on_submit():
        flash(_("Choose a mentor on duty at the centre."), "error")
        return redirect(back)
    try:
        operations.change_day_mentor(day, form.mentor_id.data)
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    db.session.commit()
    flash(_("Mentor changed to %(name)s.", name=day.mentor.name), "success")
    return redirect(back)


@bp.route("/placements/<int:placement_id>/pin", methods=["POST"])
@allow(STAFF)
def placement_pin(placement_id: int):
    placement = access.placement(placement_id)
    operations.set_pinned(placement, not placement.pinned)
    db.session.commit()
    flash(_("Placement pinned: re-planning keeps it.") if placement.pinned
          else _("Placement unpinned: re-planning may move it."), "success")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("rotation.trainee", trainee_id=placement.trainee_id))


@bp.route("/years/<int:year_id>/plan.xlsx")
@allow(STAFF)
def export_plan(year_id: int):
    return sheets.plan_workbook(access.programme_year(year_id))


@bp.route("/mine")
@allow(Role.TRAINEE)
def my_rotation():
    """The trainee's landing page: their days, mentors, what each day is for, and their progress."""
    trainee = trainee_of_user(current_user)
    today = today_local()
    days, done, total, subscribe = [], 0, 0, None
    if trainee is not None:
        days = days_with_logs(trainee.placement)
        done, total = progress(trainee.placement, today)
    if "calendars.subscribe" in current_app.view_functions:
        subscribe = url_for("calendars.subscribe")
    return render_template("rotation/mine.html", trainee=trainee, days=days, done=done, total=total,
                           today=today, subscribe=subscribe, purposes=day_purposes(days))
