"""Mentor pages: a mentor with their duty days in a programme year, putting a mentor on or off duty, their
leave; and the mentor's own page (their trainees' days)."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.rotation import access
from trainer.rotation.blueprint import bp
from trainer.rotation.mentors import operations, queries
from trainer.rotation.mentors.forms import MentorForm, UnavailableForm
from trainer.web.forms import form_page, save_form


def _mentors_url(py_id: int) -> str:
    return url_for("rotation.year", year_id=py_id) + "#mentors"


@bp.route("/years/<int:year_id>/mentors/new", methods=["GET", "POST"])
@bp.route("/years/<int:year_id>/mentors/<int:mentor_id>", methods=["GET", "POST"])
@allow(STAFF)
def mentor_edit(year_id: int, mentor_id: int | None = None):
    py = access.programme_year(year_id)
    mentor = access.year_mentor(py, mentor_id) if mentor_id else None
    link = queries.centre_link(py, mentor.id) if mentor is not None else None
    form = MentorForm(obj=mentor)
    form.user_id.choices = [(0, "—")] + [(u.id, f"{u.display_name} ({u.username})")
                                         for u in queries.lawyer_accounts(py.district_id)]
    form.lawyer_id.choices = [(0, "—")] + [(lw.id, f"{lw.name} ({lw.firm.name})")
                                           for lw in queries.district_lawyers(py.district_id)]
    if request.method == "GET":
        form.user_id.data = mentor.user_id if mentor and mentor.user_id else 0
        form.lawyer_id.data = mentor.lawyer_id if mentor and mentor.lawyer_id else 0
        form.duty_weekdays.data = list(link.duty_weekdays) if link else [0, 1, 2, 3, 4]
        form.on_makeup_days.data = link.on_makeup_days if link else True
    response = save_form(
        form, lambda: operations.save_mentor_on_duty(
            py, mentor, name=form.name.data, phone=form.phone.data, user_id=form.user_id.data or None,
            lawyer_id=form.lawyer_id.data or None,
            duty_weekdays=form.duty_weekdays.data or [], on_makeup_days=form.on_makeup_days.data,
            version=form.version.data),
        record=mentor, message=lambda saved: _("Mentor %(name)s saved.", name=saved.name),
        next_url=_mentors_url(py.id))
    return response or form_page("rotation/mentor_form.html", form=form, py=py, mentor=mentor,
                                       existing=queries.district_mentors(py.district_id))


@bp.route("/years/<int:year_id>/mentors/<int:mentor_id>/add", methods=["POST"])
@allow(STAFF)
def mentor_add_existing(year_id: int, mentor_id: int):
    py = access.programme_year(year_id)
    mentor = access.year_mentor(py, mentor_id)
    try:
        operations.assign_mentor(py, mentor, duty_weekdays=[0, 1, 2, 3, 4])
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Mentor %(name)s put on duty Monday to Friday.", name=mentor.name), "success")
    return redirect(_mentors_url(py.id))


@bp.route("/years/<int:year_id>/mentors/<int:mentor_id>/remove", methods=["POST"])
@allow(STAFF)
def mentor_remove(year_id: int, mentor_id: int):
    py = access.programme_year(year_id)
    link = access.centre_mentor(py, mentor_id)
    try:
        operations.remove_centre_mentor(link)
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Mentor taken off duty for this year."), "success")
    return redirect(_mentors_url(py.id))


@bp.route("/years/<int:year_id>/unavailable", methods=["POST"])
@allow(STAFF)
def unavailable_add(year_id: int):
    py = access.programme_year(year_id)
    form = UnavailableForm()
    form.mentor_id.choices = [(link.mentor_id, link.mentor.name) for link in queries.centre_links(py)]
    response = save_form(
        form, lambda: operations.add_unavailable(access.year_mentor(py, form.mentor_id.data), start=form.start.data,
                                                 end=form.end.data, reason=form.reason.data),
        message=lambda leave: _("Leave of %(name)s recorded; re-plan to apply it.", name=leave.mentor.name),
        next_url=_mentors_url(py.id))
    return response or (render_template("rotation/unavailable_form.html", form=form, py=py), 422)


@bp.route("/mentoring")
@allow(Role.LAWYER)
def mentoring():
    """The mentor's own page: their trainees' days from a month ago on."""
    mentor = access.my_mentor()
    days = queries.mentoring_days(mentor, today_local() - timedelta(days=30)) if mentor is not None else []
    return render_template("rotation/mentoring.html", mentor=mentor, days=days, today=today_local())
