"""Programme-year pages: the district's years, a year's settings and its page (blackouts, mentors, selection,
trainees, plan and timeline), blackout periods, and the selection of the unions that send a trainee."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from trainer.auth.permissions import STAFF, allow
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.rotation import access
from trainer.rotation.blueprint import bp
from trainer.rotation.mentors.forms import UnavailableForm
from trainer.rotation.mentors.queries import centre_links
from trainer.rotation.placements.forms import PlanForm
from trainer.rotation.placements.problems import stored_problems
from trainer.rotation.placements.timeline import timeline
from trainer.rotation.years import operations, queries
from trainer.rotation.years.forms import BlackoutForm, ProgrammeYearForm, SelectionForm
from trainer.web.forms import form_page, save_form


def _year_url(py_id: int, anchor: str = "") -> str:
    return url_for("rotation.year", year_id=py_id) + anchor


@bp.route("/")
@allow(STAFF)
def years():
    district = access.district_at_work()
    rows = queries.years_for(district.id)
    counts = queries.year_counts([py.id for py in rows])
    return render_template("rotation/years.html", district=district, years=rows, counts=counts)


@bp.route("/years/new", methods=["GET", "POST"])
@bp.route("/years/<int:year_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def year_edit(year_id: int | None = None):
    py = access.programme_year(year_id) if year_id else None
    district = py.district if py else access.district_at_work()
    form = ProgrammeYearForm(obj=py)
    if py is None and request.method == "GET":
        form.year.data = today_local().year + 1
        form.centre_name.data = f"{district.name}{operations.DEFAULT_CENTRE}"
    response = save_form(
        form, lambda: operations.save_programme_year(
            py, district_id=district.id, year=form.year.data, centre_name=form.centre_name.data,
            centre_address=form.centre_address.data, trainee_target=form.trainee_target.data,
            capacity=form.capacity.data, placement_length=form.placement_length.data,
            mentor_max_trainees=form.mentor_max_trainees.data, status=form.status.data,
            window_start=form.window_start.data, window_end=form.window_end.data, version=form.version.data),
        record=py, message=lambda saved: _("Programme year %(year)s saved.", year=saved.year),
        next_url=lambda saved: _year_url(saved.id))
    return response or form_page("rotation/year_form.html", form=form, py=py, district=district)


@bp.route("/years/<int:year_id>")
@allow(STAFF)
def year(year_id: int):
    py = access.programme_year(year_id)
    trainees = queries.year_trainees(py)
    links = centre_links(py)
    unavailable_form = UnavailableForm(formdata=None)
    unavailable_form.mentor_id.choices = [(link.mentor_id, link.mentor.name) for link in links]
    return render_template("rotation/year.html", py=py, trainees=trainees, links=links,
                           timeline=timeline(py, trainees), problems=stored_problems(py),
                           plan_form=PlanForm(formdata=None), blackout_form=BlackoutForm(formdata=None),
                           unavailable_form=unavailable_form, selections=py.selections, today=today_local())


@bp.route("/years/<int:year_id>/blackouts", methods=["POST"])
@allow(STAFF)
def blackout_add(year_id: int):
    py = access.programme_year(year_id)
    form = BlackoutForm()
    response = save_form(
        form, lambda: operations.add_blackout(py, start=form.start.data, end=form.end.data, label=form.label.data),
        message=lambda blackout: _("Blackout %(label)s added; plan again to apply it.", label=form.label.data),
        next_url=_year_url(py.id, "#blackouts"))
    return response or (render_template("rotation/blackout_form.html", form=form, py=py), 422)


@bp.route("/blackouts/<int:blackout_id>/delete", methods=["POST"])
@allow(STAFF)
def blackout_delete(blackout_id: int):
    blackout = access.blackout(blackout_id)
    py_id = blackout.programme_year_id
    operations.delete_blackout(blackout)
    db.session.commit()
    flash(_("Blackout removed."), "success")
    return redirect(_year_url(py_id, "#blackouts"))


@bp.route("/years/<int:year_id>/selection", methods=["GET", "POST"])
@allow(STAFF)
def selection(year_id: int):
    py = access.programme_year(year_id)
    proposals = operations.propose_selection(py)
    form = SelectionForm()
    form.union_ids.choices = [(p.union.id, p.union.name) for p in proposals]
    if request.method == "GET":
        # The year's choice once made; before that, the proposal's first ``trainee_target`` unions ticked.
        chosen_before = [p.union.id for p in proposals if p.selected]
        form.union_ids.data = chosen_before or [p.union.id for p in proposals[:py.trainee_target]]
    response = save_form(
        form, lambda: operations.select_unions(py, form.union_ids.data or []),
        message=lambda chosen: _("%(n)s unions selected for %(year)s.", n=len(chosen), year=py.year),
        next_url=_year_url(py.id, "#selection"))
    chosen = set(form.union_ids.data or [])
    return response or form_page("rotation/selection.html", py=py, proposals=proposals, form=form,
                                       chosen=chosen)
