"""Trainee pages: enrolling and editing a trainee, the trainee's page (placement, login, removal), and
trainees from Excel."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.exchange.rows import run_import
from trainer.rotation import access
from trainer.rotation.blueprint import bp
from trainer.rotation.models import ProgrammeYear, Trainee
from trainer.rotation.placements.forms import MoveForm
from trainer.rotation.placements.queries import days_with_logs
from trainer.rotation.placements.timeline import progress
from trainer.rotation.trainees import operations, queries, sheets
from trainer.rotation.trainees.forms import AccountForm, ImportForm, TraineeForm
from trainer.web.forms import form_page, save_form


def _trainee_form(py: ProgrammeYear, trainee: Trainee | None) -> TraineeForm:
    form = TraineeForm(obj=trainee)
    selected = [s.union for s in py.selections]
    ids = {u.id for u in selected}
    form.union_id.choices = ([(0, "—")] + [(u.id, f"★ {u.name}") for u in selected]
                             + [(u.id, u.name) for u in queries.district_unions(py.district_id) if u.id not in ids])
    form.station_id.choices = [(0, "—")] + [(s.id, s.name) for s in queries.district_stations(py.district_id)]
    if request.method == "GET" and trainee is not None:
        form.unavailable.data = operations.format_dates(trainee.unavailable)
        form.station_id.data = trainee.station_id or 0
    return form


@bp.route("/years/<int:year_id>/trainees/new", methods=["GET", "POST"])
@bp.route("/trainees/<int:trainee_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def trainee_edit(year_id: int | None = None, trainee_id: int | None = None):
    trainee = access.trainee(trainee_id) if trainee_id else None
    py = trainee.programme_year if trainee else access.programme_year(year_id)
    form = _trainee_form(py, trainee)
    response = save_form(
        form, lambda: operations.save_trainee(
            trainee, py=py, union_id=form.union_id.data, name=form.name.data, phone=form.phone.data,
            station_id=form.station_id.data or None, prior_experience=form.prior_experience.data,
            unavailable=operations.parse_dates(form.unavailable.data), version=form.version.data),
        record=trainee, message=lambda saved: _("Trainee %(name)s saved.", name=saved.name),
        next_url=lambda saved: url_for("rotation.trainee", trainee_id=saved.id))
    return response or form_page("rotation/trainee_form.html", form=form, py=py, trainee=trainee)


def trainee_page(trainee: Trainee, account_form: AccountForm | None = None, move_form: MoveForm | None = None):
    """A trainee's page; a form given (its post refused) is shown with what was typed and its errors."""
    placement = trainee.placement
    done, total = progress(placement, today_local())
    return render_template("rotation/trainee.html", trainee=trainee, py=trainee.programme_year,
                           days=days_with_logs(placement), done=done, total=total, account_form=account_form or AccountForm(formdata=None),
                           move_form=move_form or MoveForm(formdata=None), today=today_local(), staff=access.is_staff())


@bp.route("/trainees/<int:trainee_id>")
@allow(STAFF, Role.LAWYER, Role.TRAINEE)
def trainee(trainee_id: int):
    trainee = access.trainee(trainee_id)
    if current_user.role == Role.TRAINEE:
        return redirect(url_for("rotation.my_rotation"))
    return trainee_page(trainee, AccountForm(formdata=None))


@bp.route("/trainees/<int:trainee_id>/account", methods=["POST"])
@allow(STAFF)
def trainee_account(trainee_id: int):
    trainee = access.trainee(trainee_id)
    form = AccountForm()
    response = save_form(
        form, lambda: operations.create_trainee_account(trainee, username=form.username.data,
                                                        password=form.password.data),
        message=lambda user: _("Account %(name)s created; the trainee sees their rotation after logging in.",
                               name=user.username),
        next_url=url_for("rotation.trainee", trainee_id=trainee.id))
    return response or (trainee_page(trainee, form), 422)


@bp.route("/trainees/<int:trainee_id>/delete", methods=["POST"])
@allow(STAFF)
def trainee_delete(trainee_id: int):
    trainee = access.trainee(trainee_id)
    py_id = trainee.programme_year_id
    try:
        operations.delete_trainee(trainee)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for("rotation.trainee", trainee_id=trainee_id))
    db.session.commit()
    flash(_("Trainee removed."), "success")
    return redirect(url_for("rotation.year", year_id=py_id) + "#trainees")


@bp.route("/years/<int:year_id>/import", methods=["GET", "POST"])
@allow(STAFF)
def import_trainees(year_id: int):
    py = access.programme_year(year_id)
    form = ImportForm()
    problems: list[str] = []
    summary = None
    if form.validate_on_submit():
        try:
            created = run_import(lambda: sheets.import_trainees(py, form.file.data))
        except InvalidInput as error:
            problems = list(error.fields.values()) or [error.message]
            summary = error.message
        else:
            flash(_("%(n)s trainees imported.", n=len(created)), "success")
            return redirect(url_for("rotation.year", year_id=py.id) + "#trainees")
    return form_page("rotation/import.html", form=form, py=py, problems=problems, summary=summary)


@bp.route("/years/<int:year_id>/import/template.xlsx")
@allow(STAFF)
def import_template(year_id: int):
    return sheets.template(access.programme_year(year_id))
