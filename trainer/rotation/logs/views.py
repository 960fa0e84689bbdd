"""Daily-log pages: a placement day with its cases, a case and the mentor's remarks, the evaluation, the
certification and the certificate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.models import District
from trainer.rotation import access
from trainer.rotation.blueprint import bp
from trainer.rotation.logs import operations
from trainer.rotation.logs.forms import CaseLogForm, EvaluationForm, ReflectionForm, RemarksForm
from trainer.rotation.mentors.queries import mentors_on_duty
from trainer.rotation.models import RUBRIC, PlacementDay
from trainer.rotation.placements.timeline import day_purposes
from trainer.web.forms import form_page, save_form


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _day_url(day: PlacementDay) -> str:
    return url_for("rotation.day_log", day_id=day.id)


def _case_fields(form: CaseLogForm) -> dict:
    return {"case_ref": form.case_ref.data, "category": form.category.data, "role": form.role.data,
            "accepted_on": form.accepted_on.data, "outcome": form.outcome.data or None,
            "summary": form.summary.data}


@bp.route("/days/<int:day_id>", methods=["GET", "POST"])
@allow(STAFF, Role.LAWYER, Role.TRAINEE)
def day_log(day_id: int):
    day = access.placement_day(day_id)
    if request.method == "GET":
        return _day_page(day)
    if not access.may_write_log(day):
        abort(403)
    form = CaseLogForm()
    response = save_form(form, lambda: operations.save_case_log(None, day=day, **_case_fields(form)),
                         message=lambda case: _("Case %(ref)s logged.", ref=case.case_ref), next_url=_day_url(day))
    if response is not None:
        return response
    return _day_page(day, form=form, status=422)


def _day_page(day: PlacementDay, *, form=None, reflection_form=None, status: int = 200):
    if form is None:
        form = CaseLogForm(formdata=None)
        form.accepted_on.data = day.day
        if day.phase == "independent":
            form.role.data = "independent"
    if reflection_form is None:
        reflection_form = ReflectionForm(formdata=None, obj=day.reflection)
    return render_template("rotation/day.html", day=day, form=form,
                           reflection_form=reflection_form, trainee=day.placement.trainee,
                           py=day.placement.programme_year, may_write=access.may_write_log(day),
                           may_reflect=access.may_write_reflection(day), may_remark=access.may_remark(day),
                           today=today_local(), purposes=day_purposes([day]),
                           day_mentors=mentors_on_duty(day.placement.programme_year_id)), status


@bp.route("/days/<int:day_id>/reflection", methods=["POST"])
@allow(Role.TRAINEE)
def day_reflection(day_id: int):
    """The trainee writes (or rewrites) the day's reflection; nobody else may."""
    day = access.placement_day(day_id)
    if not access.may_write_reflection(day):
        abort(404)
    form = ReflectionForm()
    response = save_form(form, lambda: operations.save_reflection(day, text=form.text.data, today=today_local(),
                                                                  version=form.version.data),
                         record=day.reflection, message=_("Your reflection on the day is saved."),
                         next_url=_day_url(day) + "#reflection")
    return response or _day_page(day, reflection_form=form, status=422)


@bp.route("/cases/<int:case_id>", methods=["GET", "POST"])
@allow(STAFF, Role.TRAINEE)
def case_edit(case_id: int):
    case = access.case_to_write(case_id)
    day = case.placement_day
    form = CaseLogForm(obj=case)
    if request.method == "GET":
        form.outcome.data = case.outcome or ""
    response = save_form(
        form, lambda: operations.save_case_log(case, day=day, **_case_fields(form), version=form.version.data),
        record=case, message=lambda saved: _("Case %(ref)s saved.", ref=saved.case_ref), next_url=_day_url(day))
    return response or form_page("rotation/case_form.html", form=form, case=case, day=day, today=today_local())


@bp.route("/cases/<int:case_id>/delete", methods=["POST"])
@allow(STAFF, Role.TRAINEE)
def case_delete(case_id: int):
    case = access.case_to_write(case_id)
    day = case.placement_day
    operations.delete_case_log(case)
    db.session.commit()
    flash(_("Case removed from the log."), "success")
    return redirect(_day_url(day))


@bp.route("/cases/<int:case_id>/remarks", methods=["GET", "POST"])
@allow(STAFF, Role.LAWYER)
def case_remarks(case_id: int):
    case = access.case_to_remark(case_id)
    form = RemarksForm(obj=case)
    response = save_form(form, lambda: operations.add_remarks(case, form.mentor_remarks.data, version=form.version.data),
                         record=case, message=_("Remarks saved."), next_url=_day_url(case.placement_day))
    return response or form_page("rotation/remarks_form.html", form=form, case=case, day=case.placement_day)


@bp.route("/trainees/<int:trainee_id>/evaluation", methods=["GET", "POST"])
@allow(STAFF, Role.LAWYER, Role.TRAINEE)
def evaluation(trainee_id: int):
    trainee = access.trainee(trainee_id)
    existing = trainee.evaluation
    if current_user.role == Role.TRAINEE:
        # A trainee reads their own evaluation, nobody else's (checked in access.trainee).
        if request.method == "POST":
            abort(403)
        return render_template("rotation/evaluation_view.html", trainee=trainee, evaluation=existing)
    may_edit = trainee.certification is None
    form = EvaluationForm(obj=existing)
    form.mentor_id.choices = [(0, "—")] + [(m.id, m.name) for m in mentors_on_duty(trainee.programme_year_id)]
    my_mentor = access.my_mentor()
    if request.method == "GET":
        if existing is not None:
            for name in RUBRIC:
                getattr(form, name).data = str(getattr(existing, name))
                getattr(form, f"{name}_comment").data = (existing.comments or {}).get(name, "")
            form.mentor_id.data = existing.mentor_id or 0
        elif my_mentor is not None:
            form.mentor_id.data = my_mentor.id
    if request.method == "POST" and not may_edit:
        abort(403)
    response = save_form(
        form, lambda: operations.save_evaluation(
            trainee, scores={name: _int(getattr(form, name).data) for name in RUBRIC},
            comments={name: getattr(form, f"{name}_comment").data for name in RUBRIC},
            passed=form.passed.data, summary=form.summary.data,
            mentor_id=my_mentor.id if my_mentor is not None else (form.mentor_id.data or None),
            evaluated_by=current_user, version=form.version.data),
        record=existing, message=_("Evaluation of %(name)s saved.", name=trainee.name),
        next_url=(url_for("rotation.mentoring") if current_user.role == Role.LAWYER
                  else url_for("rotation.trainee", trainee_id=trainee.id)))
    return response or form_page("rotation/evaluation_form.html", form=form, trainee=trainee, evaluation=existing,
                                 may_edit=may_edit)


@bp.route("/trainees/<int:trainee_id>/certify", methods=["POST"])
@allow(STAFF)
def certify(trainee_id: int):
    trainee = access.trainee(trainee_id)
    try:
        certification = operations.confirm_completion(trainee, by=current_user)
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("rotation.trainee", trainee_id=trainee.id))
    db.session.commit()
    flash(_("%(name)s is now a certified independent mediator of %(union)s (certificate %(number)s).",
            name=trainee.name, union=trainee.union.name, number=certification.number), "success")
    return redirect(url_for("rotation.certificate", certification_id=certification.id))


@bp.route("/certificates/<int:certification_id>")
@allow(STAFF, Role.TRAINEE)
def certificate(certification_id: int):
    certification = access.certification(certification_id)
    trainee = certification.trainee
    return render_template("rotation/certificate.html", certification=certification, trainee=trainee,
                           py=trainee.programme_year, district=db.session.get(District, trainee.district_id))
