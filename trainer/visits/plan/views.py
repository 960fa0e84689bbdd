"""The plan's pages: the month calendar, planning (and re-planning) months, one visit with move, swap, pin and
cancel, a station's page and the schedule printed for its door, and the plan as an Excel file."""

from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, working_district
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.months import month_bounds, month_key, month_of, parse_month, shift_month
from trainer.core.validation import InvalidInput, form_errors_from
from trainer.exchange.excel import workbook_response
from trainer.visits import access
from trainer.visits.blueprint import bp
from trainer.visits.labels import choices, half_label, short_day
from trainer.visits.models import Visit
from trainer.visits.plan import operations, planner, queries, sheets
from trainer.visits.plan.forms import CancelForm, MoveForm, PinForm, PlanForm, SwapForm
from trainer.visits.plan.messages import describe_all
from trainer.visits.records import rules
from trainer.visits.setup import queries as setup_queries
from trainer.visits.setup.operations import current_assignment
from trainer.visits.setup.views import excel_page
from trainer.visits.web import month_arg, month_links, range_args
from trainer.web.forms import save_form
from trainer.workdays import YearNotAnnounced

# ------------------------------------------------------------------------------------------------- calendar

PRINT_LINES = 48  # lines of 6.5 pt type in the grid of an A4 landscape page (print-month.css)


@bp.route("/")
@allow(STAFF)
def calendar():
    district = working_district()
    month = month_arg()
    first, last = month_bounds(month)
    filters = {key: request.args.get(key, type=int) for key in ("firm", "lawyer", "station")}
    visits = queries.month_visits(district.id, first, last, **filters)
    # What each visit shows, worked out here once (a city-size month holds a thousand visits): its link, its
    # station's short name, its half of the day and its state now.
    href = url_for("visits.visit", visit_id=0).removesuffix("0")
    halves = {"am": half_label("am"), "pm": half_label("pm")}
    said = {kind: {code: str(text) for code, text in choices(kind)} for kind in ("state", "missed")}
    places = {}
    now = rules.now()
    by_day = defaultdict(list)
    for visit in visits:
        place = places.get(visit.station.id)
        if place is None:
            place = places[visit.station.id] = visit.station.name.replace("工会服务站", "")
        by_day[visit.day].append((visit, f"{href}{visit.id}", place, halves.get(visit.half, ""),
                                   rules.state(visit, now)))
    working, provisional = queries.calendar_days(first, last)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(*month)
    return render_template("visits/calendar.html", district=district, month=month, weeks=weeks, by_day=by_day,
                           print_scale=print_scale(weeks, by_day), working=working, provisional=provisional,
                           holidays=queries.holiday_names(first, last), visits=visits, said=said, filters=filters,
                           **setup_queries.district_choices(district.id), **month_links(month))


def print_scale(weeks: list[list], by_day: dict) -> float:
    """How much the printed month is shrunk to fit one A4 landscape page: the grid holds about PRINT_LINES lines
    of visits (a week takes as many as its busiest day, plus the day's number)."""
    lines = sum(1 + max(len(by_day.get(day, [])) for day in week) for week in weeks)
    return round(min(1.0, PRINT_LINES / lines), 3) if lines else 1.0


# ----------------------------------------------------------------------------------------------------- plan

@bp.route("/plan", methods=["GET", "POST"])
@allow(STAFF)
def plan():
    district = working_district()
    form = PlanForm()
    if request.method == "GET":
        following = shift_month(month_of(today_local()), 1)
        form.first_month.data = request.args.get("from") or month_key(following)
        form.last_month.data = request.args.get("to") or month_key(shift_month(following, 2))
    not_announced = None
    if form.validate_on_submit():
        # Not save_form: a year not announced and a clash with another planner are told on the plan page.
        try:
            outcome = planner.plan_range(district, form.first_month.data, form.last_month.data,
                                         allow_provisional=form.provisional.data, mode=form.mode.data,
                                         user_id=current_user.id)
        except YearNotAnnounced as error:
            db.session.rollback()
            not_announced = error.localized()
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        except IntegrityError:
            db.session.rollback()
            form.form_errors.append(_("Someone else changed visits of these months at the same time. "
                                      "Nothing was saved; plan again."))
        else:
            db.session.commit()
            return redirect(url_for("visits.plan", run=outcome.run.id))
    run_id = request.args.get("run", type=int)
    run = access.plan_run(run_id) if run_id else None
    recent = queries.recent_runs(district.id)
    problems = describe_all(run.problems) if run else []
    return render_template("visits/plan.html", district=district, form=form, run=run, problems=problems,
                           recent=recent, not_announced=not_announced, figures=_figures(district, run),
                           rhythm_share=planner.rhythm_share())


def _figures(district, run) -> dict | None:
    """The run's months as the plan stands now (edits since the run included): rhythm, gaps, load."""
    if run is None or run.status == "none" or run.district_id != district.id:
        return None
    first = month_bounds(parse_month(run.first_month))[0]
    last = month_bounds(parse_month(run.last_month))[1]
    figures = operations.plan_figures(district, first, last)
    if not figures["visits"]:
        return None
    return {**figures, "rhythm": f"{figures['rhythm_month_share']:.0%}",
            "gap_mean": f"{figures['gap_sum'] / figures['gaps']:.1f}" if figures["gaps"] else "0"}


# --------------------------------------------------------------------------------------------------- visits

def _visit_forms(visit: Visit):
    move = MoveForm(prefix="move", obj=None if request.method == "POST" else visit)
    assignment = current_assignment(visit.station_id)
    choices = [(visit.lawyer.id, visit.lawyer.name)]
    if assignment is not None:
        for lawyer in (assignment.lead, assignment.backup):
            if lawyer is not None and lawyer.id != visit.lawyer_id:
                choices.append((lawyer.id, lawyer.name))
    move.lawyer_id.choices = choices
    swap = SwapForm(prefix="swap")
    others = queries.swap_partners(visit, today_local())
    swap.other_id.choices = [(o.id, f"{short_day(o.day)} {half_label(o.half)} · {o.station.name} · {o.lawyer.name}")
                             for o in others]
    if request.method == "GET":
        move.version.data = swap.version.data = visit.version
    return move, swap, CancelForm(prefix="cancel", obj=None), others


@bp.route("/v/<int:visit_id>", methods=["GET", "POST"])
@allow(STAFF)
def visit(visit_id: int):
    visit = access.visit(visit_id)
    move, swap, cancel, others = _visit_forms(visit)
    status = 200
    if request.method == "POST":
        action = request.form.get("action")
        # Pin, unpin and cancel are buttons: their form is only the CSRF token and the visit's version.
        form = {"move": move, "swap": swap}.get(action) or PinForm()
        response = save_form(form, lambda: _apply_visit_action(visit, action, move, swap, others), record=visit,
                             message=lambda done: done, next_url=url_for("visits.visit", visit_id=visit.id))
        if response is not None:
            return response
        status = 422
        if form not in (move, swap):
            for message in form.form_errors:
                flash(message, "error")
    # What this visit breaks now (leave recorded since, a holiday announced, …), from the present, not stored.
    broken = (operations.visit_conflicts(visit, lawyer_id=visit.lawyer_id, day=visit.day, half=visit.half)
              if visit.status == "planned" and visit.day >= today_local() else [])
    return render_template("visits/visit.html", visit=visit, move=move, swap=swap, cancel=cancel,
                           neighbours=queries.neighbours(visit), broken=broken), status


def _apply_visit_action(visit: Visit, action: str | None, move: MoveForm, swap: SwapForm, others) -> str:
    if action == "move":
        operations.move_visit(visit, day=move.day.data, half=move.half.data, lawyer_id=move.lawyer_id.data,
                              version=move.version.data)
        return _("Visit moved to %(day)s %(half)s and pinned.", day=short_day(visit.day),
                 half=half_label(visit.half))
    if action == "swap":
        other = next((o for o in others if o.id == swap.other_id.data), None)
        if other is None:
            raise InvalidInput({"other_id": _("Choose another visit to swap with.")})
        operations.swap_visits(visit, other, first_version=swap.version.data)
        return _("Visits swapped and pinned.")
    if action == "cancel":
        operations.cancel_visit(visit, version=request.form.get("cancel-version"),
                                note=request.form.get("cancel-note"))
        return _("Visit cancelled.")
    if action in ("pin", "unpin"):
        operations.set_pinned(visit, action == "pin", version=request.form.get("version"))
        if action == "pin":
            return _("Visit pinned: re-planning will not move it.")
        return _("Visit unpinned: re-planning may move it.")
    raise InvalidInput(message=_("This action is not allowed here."))


# ---------------------------------------------------------------------------------------------- stations

@bp.route("/stations/<int:station_id>")
@allow(STAFF, Role.LAWYER)
def station(station_id: int):
    station, current = access.station_for_viewer(station_id)
    today = today_local()
    upcoming = queries.station_upcoming(station, today)
    history = queries.station_history(station, today)
    me = access.my_lawyer()
    personal = {v.id: access.may_see_personal(current_user, v, own_lawyer_id=me.id if me else None)
                for v in [*upcoming, *history]}
    return render_template("visits/station.html", station=station, current=current, upcoming=upcoming,
                           history=history, past_assignments=queries.past_assignments(station), personal=personal,
                           own_lawyer_id=me.id if me else None, this_month=month_key(month_of(today)))


@bp.route("/stations/<int:station_id>/print")
@allow(STAFF, Role.LAWYER)
def station_print(station_id: int):
    station, current = access.station_for_viewer(station_id)
    month = month_arg()
    first, last = month_bounds(month)
    return render_template("visits/station_print.html", station=station, current=current,
                           visits=queries.station_month(station, first, last), month=month, **month_links(month))


@bp.route("/export/plan.xlsx")
@allow(STAFF)
def export_plan():
    district = working_district()
    try:
        first, last = range_args()
    except InvalidInput as error:
        return excel_page(request.args.get("from", ""), request.args.get("to", ""), error)
    return workbook_response([sheets.visits_sheet(district.id, first, last)],
                             f"走访计划-{district.name}-{first.isoformat()}-{last.isoformat()}.xlsx")
