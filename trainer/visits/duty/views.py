"""The duty roster's pages: the periods, a period's form and roster, planning it, changing one shift by hand, and
the roster as an Excel file."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, working_district
from trainer.core.extensions import db
from trainer.exchange.excel import workbook_response
from trainer.visits import access
from trainer.visits.blueprint import bp
from trainer.visits.duty import operations, queries, sheets
from trainer.visits.duty.forms import DutyPeriodForm, ShiftChangeForm
from trainer.visits.duty.messages import describe_all, shift_label
from trainer.visits.models import DutyPeriod
from trainer.visits.setup import queries as setup_queries
from trainer.web.forms import form_page, save_form


@bp.route("/duty")
@allow(STAFF)
def duty_periods():
    district = working_district()
    return render_template("visits/duty_list.html", district=district,
                           periods=queries.district_periods(district.id))


def _period_form(period: DutyPeriod | None, district) -> DutyPeriodForm:
    form = DutyPeriodForm(obj=period)
    form.lawyer_ids.choices = [(lw.id, f"{lw.name}（{lw.firm.name}）") for lw in setup_queries.active_lawyers(district.id)]
    if request.method == "GET" and period is not None:
        form.lawyer_ids.data = [lw.id for lw in period.lawyers]
        form.shifts.data = ", ".join(f"{s['start']}-{'24:00' if s['end'] == '00:00' else s['end']}"
                                     for s in period.shifts)
        form.version.data = period.version
    return form


@bp.route("/duty/new", methods=["GET", "POST"])
@bp.route("/duty/<int:period_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def duty_edit(period_id: int | None = None):
    period = access.period(period_id) if period_id else None
    district = period.district if period else working_district()
    form = _period_form(period, district)
    response = save_form(form, lambda: operations.save_period(
        period, district_id=district.id, title=form.title.data, first_day=form.first_day.data,
        last_day=form.last_day.data, shifts=form.shifts.data, per_shift=form.per_shift.data,
        lawyer_ids=form.lawyer_ids.data, phone=form.phone.data, version=form.version.data), record=period,
        message=_("Duty period saved. Plan the roster now."),
        next_url=lambda saved: url_for("visits.duty_period", period_id=saved.id))
    return response or form_page("visits/duty_form.html", form=form, period=period, district=district)


@bp.route("/duty/<int:period_id>")
@allow(STAFF, Role.LAWYER)
def duty_period(period_id: int):
    """The roster; a lawyer on it reads it (the link of their duty shifts in their calendar), staff change it."""
    period = access.readable_period(period_id)
    _days, grid = operations.roster_grid(period)
    days = operations.roster_days(period)
    return render_template("visits/duty_period.html", period=period, days=days, grid=grid,
                           spread=operations.lawyer_spread(period), problems=describe_all(period),
                           shift_label=shift_label, provisional=any(d.provisional for d in days),
                           staff=current_user.role != Role.LAWYER)


@bp.route("/duty/<int:period_id>/plan", methods=["POST"])
@allow(STAFF)
def duty_plan(period_id: int):
    period = access.period(period_id)
    outcome = operations.plan_period(period)
    db.session.commit()
    if outcome.problems:
        flash(_("Roster planned with %(n)s problems; see below.", n=len(outcome.problems)), "error")
    else:
        flash(_("Roster planned: every shift is covered, no lawyer is on two shifts at once or on leave."),
              "success")
    return redirect(url_for("visits.duty_period", period_id=period.id))


@bp.route("/duty/<int:period_id>/change", methods=["GET", "POST"])
@allow(STAFF)
def duty_change(period_id: int):
    period = access.period(period_id)
    try:
        day = date.fromisoformat(request.values.get("day", ""))
    except ValueError:
        abort(404)
    code = request.values.get("shift", "")
    shift = period.shift(code)
    if shift is None or not period.first_day <= day <= period.last_day:
        abort(404)
    on_duty = [r for r in period.duty_shifts if r.status == "planned" and r.day == day and r.shift_code == code]
    form = ShiftChangeForm()
    form.remove_lawyer_id.choices = [("", _("— nobody —"))] + [(r.lawyer_id, r.lawyer.name) for r in on_duty]
    form.lawyer_id.choices = [("", _("— nobody —"))] + [(lw.id, lw.name) for lw in period.lawyers]
    if request.method == "GET":
        form.version.data = period.version
    response = save_form(form, lambda: operations.change_shift(
        period, day=day, shift_code=code, remove_lawyer_id=form.remove_lawyer_id.data,
        lawyer_id=form.lawyer_id.data, version=form.version.data), record=period,
        message=_("Shift changed."), next_url=url_for("visits.duty_period", period_id=period.id))
    return response or form_page("visits/duty_change.html", period=period, day=day, shift=shift, on_duty=on_duty,
                                 form=form, shift_label=shift_label)


@bp.route("/duty/<int:period_id>/roster.xlsx")
@allow(STAFF)
def duty_xlsx(period_id: int):
    period = access.period(period_id)
    return workbook_response([sheets.roster_sheet(period)], f"值班表-{period.title}.xlsx")
