"""The training page: a year's training hours and assessments, with the forms recording them."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _

from trainer.auth.permissions import STAFF, allow, district_scope
from trainer.core.clock import today_local
from trainer.instructors import access
from trainer.instructors.blueprint import bp
from trainer.instructors.labels import instructor_label
from trainer.instructors.training import operations, queries
from trainer.instructors.training.forms import AssessmentForm, TrainingForm
from trainer.web.forms import form_page, save_form


def _year() -> int:
    try:
        year = int(request.args.get("year") or today_local().year)
    except ValueError:
        year = today_local().year
    return min(max(year, 2000), 2100)


@bp.route("/training", methods=["GET", "POST"])
@allow(STAFF)
def training():
    year = _year()
    rows = queries.training_year(year, district_scope())
    choices = [(r.instructor.id, instructor_label(r.instructor)) for r in rows if access.may_edit(r.instructor)]
    training_form, assessment_form = TrainingForm(prefix="t"), AssessmentForm(prefix="a")
    training_form.instructor_id.choices = assessment_form.instructor_id.choices = choices
    if request.form.get("which") == "training":
        form = training_form

        def save():
            return operations.add_training(access.instructor(form.instructor_id.data, edit=True), year=year,
                                           course=form.course.data, hours=float(form.hours.data), day=form.day.data)
    else:
        form = assessment_form

        def save():
            return operations.save_assessment(
                access.instructor(form.instructor_id.data, edit=True), year=year, result=form.result.data,
                score=float(form.score.data) if form.score.data is not None else None, remarks=form.remarks.data)

    response = save_form(form, save, message=lambda saved: _("Saved for %(name)s.", name=saved.instructor.name),
                         next_url=url_for("instructors.training", year=year))
    return response or form_page("instructors/training.html", rows=rows, year=year, training_form=training_form,
                                 assessment_form=assessment_form)
