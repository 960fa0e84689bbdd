"""Rotation training pages (以干代训): programme years, trainees, the plan, my rotation, daily logs,
evaluations, certificates and coverage."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role, User
from trainer.auth.permissions import (
    STAFF,
    allow,
    can_see_district,
    check_district,
    working_district,
)
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput, form_errors_from
from trainer.org.models import District, Station, Union
from trainer.rotation import access, operations, reports
from trainer.rotation.forms import (
    OUTCOME_LABELS,
    PHASE_LABELS,
    ROLE_LABELS,
    RUBRIC_LABELS,
    STATUS_LABELS,
    AccountForm,
    BlackoutForm,
    CaseLogForm,
    EvaluationForm,
    ImportForm,
    MentorForm,
    MoveForm,
    PlanForm,
    ProgrammeYearForm,
    RemarksForm,
    SelectionForm,
    TraineeForm,
    UnavailableForm,
)
from trainer.rotation.models import (
    RUBRIC,
    Blackout,
    CentreMentor,
    Certification,
    Mentor,
    Placement,
    PlacementDay,
    ProgrammeYear,
    Trainee,
)
from trainer.web.navigation import register_nav

bp = Blueprint("rotation", __name__, url_prefix="/rotation")

register_nav(_l("Rotation training"), "rotation.years", STAFF, order=40)
register_nav(_l("My rotation"), "rotation.my_rotation", {Role.TRAINEE}, order=5)
register_nav(_l("Mentoring"), "rotation.mentoring", {Role.LAWYER}, order=45)
register_nav(_l("Mediator coverage"), "rotation.coverage", STAFF, order=42)


@bp.app_context_processor
def _labels():
    return {"rotation_labels": {"phase": PHASE_LABELS, "role": ROLE_LABELS, "outcome": OUTCOME_LABELS,
                                "rubric": RUBRIC_LABELS, "status": STATUS_LABELS}}


# --- access helpers ----------------------------------------------------------------------------------------

_year = access.programme_year
_staff = access.is_staff
_my_mentor = access.my_mentor
_mentors_trainee = access.mentors_trainee
_trainee_for = access.trainee
_day_for = access.placement_day
_case_for = access.case_log
_may_write_log = access.may_write_log
_may_remark = access.may_remark


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --- programme years --------------------------------------------------------------------------------------

@bp.route("/")
@allow(STAFF)
def years():
    district = working_district()
    rows = operations.years_for(district.id)
    counts = reports.year_counts([py.id for py in rows])
    return render_template("rotation/years.html", district=district, years=rows, counts=counts)


def _year_form(py: ProgrammeYear | None) -> ProgrammeYearForm:
    form = ProgrammeYearForm(obj=py)
    if py is None and request.method == "GET":
        form.year.data = today_local().year + 1
        form.centre_name.data = operations.DEFAULT_CENTRE
    return form


@bp.route("/years/new", methods=["GET", "POST"])
@bp.route("/years/<int:year_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def year_edit(year_id: int | None = None):
    py = _year(year_id) if year_id else None
    district = py.district if py else working_district()
    check_district(district.id)
    form = _year_form(py)
    if py is None and request.method == "GET" and district is not None:
        form.centre_name.data = f"{district.name}劳动人事争议仲裁院工会劳动争议调解中心"
    if form.validate_on_submit():
        try:
            py = operations.save_programme_year(
                py, district_id=district.id, year=form.year.data, centre_name=form.centre_name.data,
                centre_address=form.centre_address.data, trainee_target=form.trainee_target.data,
                capacity=form.capacity.data, placement_length=form.placement_length.data,
                mentor_max_trainees=form.mentor_max_trainees.data, status=form.status.data,
                window_start=form.window_start.data, window_end=form.window_end.data, version=form.version.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Programme year %(year)s saved.", year=py.year), "success")
            return redirect(url_for("rotation.year", year_id=py.id))
    return render_template("rotation/year_form.html", form=form, py=py, district=district)


@bp.route("/years/<int:year_id>")
@allow(STAFF)
def year(year_id: int):
    py = _year(year_id)
    trainees = db.session.scalars(
        select(Trainee).where(Trainee.programme_year_id == py.id)
        .options(selectinload(Trainee.union), selectinload(Trainee.station), selectinload(Trainee.user),
                 selectinload(Trainee.evaluation), selectinload(Trainee.certification),
                 selectinload(Trainee.placement).selectinload(Placement.days).selectinload(PlacementDay.mentor))
        .order_by(Trainee.id)).all()
    links = db.session.scalars(select(CentreMentor).where(CentreMentor.programme_year_id == py.id)
                               .options(selectinload(CentreMentor.mentor).selectinload(Mentor.unavailable))).all()
    timeline = reports.timeline(py, trainees)
    plan_form = PlanForm(formdata=None)
    blackout_form = BlackoutForm(formdata=None)
    unavailable_form = UnavailableForm(formdata=None)
    unavailable_form.mentor_id.choices = [(link.mentor_id, link.mentor.name) for link in links]
    return render_template("rotation/year.html", py=py, trainees=trainees, links=links, timeline=timeline,
                           problems=operations.stored_problems(py), plan_form=plan_form,
                           blackout_form=blackout_form, unavailable_form=unavailable_form,
                           selections=py.selections, today=today_local())


@bp.route("/years/<int:year_id>/blackouts", methods=["POST"])
@allow(STAFF)
def blackout_add(year_id: int):
    py = _year(year_id)
    form = BlackoutForm()
    if form.validate_on_submit():
        try:
            operations.add_blackout(py, start=form.start.data, end=form.end.data, label=form.label.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Blackout %(label)s added; plan again to apply it.", label=form.label.data), "success")
            return redirect(url_for("rotation.year", year_id=py.id) + "#blackouts")
    return render_template("rotation/blackout_form.html", form=form, py=py), 422


@bp.route("/blackouts/<int:blackout_id>/delete", methods=["POST"])
@allow(STAFF)
def blackout_delete(blackout_id: int):
    blackout = db.get_or_404(Blackout, blackout_id)
    py = _year(blackout.programme_year_id)
    operations.delete_blackout(blackout)
    db.session.commit()
    flash(_("Blackout removed."), "success")
    return redirect(url_for("rotation.year", year_id=py.id) + "#blackouts")


# --- mentors -----------------------------------------------------------------------------------------------

@bp.route("/years/<int:year_id>/mentors/new", methods=["GET", "POST"])
@bp.route("/years/<int:year_id>/mentors/<int:mentor_id>", methods=["GET", "POST"])
@allow(STAFF)
def mentor_edit(year_id: int, mentor_id: int | None = None):
    py = _year(year_id)
    mentor = db.get_or_404(Mentor, mentor_id) if mentor_id else None
    if mentor is not None and mentor.district_id != py.district_id:
        abort(404)
    link = None
    if mentor is not None:
        link = db.session.scalar(select(CentreMentor).where(CentreMentor.programme_year_id == py.id,
                                                            CentreMentor.mentor_id == mentor.id))
    form = MentorForm(obj=mentor)
    lawyers = db.session.scalars(select(User).where(User.role == Role.LAWYER, User.active.is_(True),
                                                    (User.district_id == py.district_id) | User.district_id.is_(None))
                                 .order_by(User.display_name)).all()
    form.user_id.choices = [(0, "—")] + [(u.id, f"{u.display_name} ({u.username})") for u in lawyers]
    existing = db.session.scalars(select(Mentor).where(Mentor.district_id == py.district_id)
                                  .order_by(Mentor.name)).all()
    if request.method == "GET":
        form.user_id.data = mentor.user_id if mentor and mentor.user_id else 0
        form.duty_weekdays.data = list(link.duty_weekdays) if link else [0, 1, 2, 3, 4]
        form.on_makeup_days.data = link.on_makeup_days if link else True
    if form.validate_on_submit():
        try:
            mentor = operations.save_mentor(mentor, district_id=py.district_id, name=form.name.data,
                                            phone=form.phone.data, user_id=form.user_id.data or None,
                                            lawyer_id=mentor.lawyer_id if mentor else None,
                                            version=form.version.data)
            operations.assign_mentor(py, mentor, duty_weekdays=form.duty_weekdays.data or [],
                                     on_makeup_days=form.on_makeup_days.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Mentor %(name)s saved.", name=mentor.name), "success")
            return redirect(url_for("rotation.year", year_id=py.id) + "#mentors")
    return render_template("rotation/mentor_form.html", form=form, py=py, mentor=mentor, existing=existing)


@bp.route("/years/<int:year_id>/mentors/<int:mentor_id>/add", methods=["POST"])
@allow(STAFF)
def mentor_add_existing(year_id: int, mentor_id: int):
    py = _year(year_id)
    mentor = db.get_or_404(Mentor, mentor_id)
    try:
        operations.assign_mentor(py, mentor, duty_weekdays=[0, 1, 2, 3, 4])
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Mentor %(name)s put on duty Monday to Friday.", name=mentor.name), "success")
    return redirect(url_for("rotation.year", year_id=py.id) + "#mentors")


@bp.route("/years/<int:year_id>/mentors/<int:mentor_id>/remove", methods=["POST"])
@allow(STAFF)
def mentor_remove(year_id: int, mentor_id: int):
    py = _year(year_id)
    link = db.session.scalar(select(CentreMentor).where(CentreMentor.programme_year_id == py.id,
                                                        CentreMentor.mentor_id == mentor_id))
    if link is None:
        abort(404)
    try:
        operations.remove_centre_mentor(link)
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Mentor taken off duty for this year."), "success")
    return redirect(url_for("rotation.year", year_id=py.id) + "#mentors")


@bp.route("/years/<int:year_id>/unavailable", methods=["POST"])
@allow(STAFF)
def unavailable_add(year_id: int):
    py = _year(year_id)
    form = UnavailableForm()
    links = db.session.scalars(select(CentreMentor).where(CentreMentor.programme_year_id == py.id)).all()
    form.mentor_id.choices = [(link.mentor_id, link.mentor.name) for link in links]
    if form.validate_on_submit():
        mentor = db.session.get(Mentor, form.mentor_id.data)
        try:
            operations.add_unavailable(mentor, start=form.start.data, end=form.end.data, reason=form.reason.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Leave of %(name)s recorded; re-plan to apply it.", name=mentor.name), "success")
            return redirect(url_for("rotation.year", year_id=py.id) + "#mentors")
    return render_template("rotation/unavailable_form.html", form=form, py=py), 422


# --- selection ----------------------------------------------------------------------------------------------

@bp.route("/years/<int:year_id>/selection", methods=["GET", "POST"])
@allow(STAFF)
def selection(year_id: int):
    py = _year(year_id)
    proposals = operations.propose_selection(py)
    form = SelectionForm()
    form.union_ids.choices = [(p.union.id, p.union.name) for p in proposals]
    if request.method == "GET":
        form.union_ids.data = [p.union.id for p in proposals if p.selected]
    if form.validate_on_submit():
        try:
            operations.select_unions(py, form.union_ids.data or [])
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("%(n)s unions selected for %(year)s.", n=len(form.union_ids.data or []), year=py.year),
                  "success")
            return redirect(url_for("rotation.year", year_id=py.id) + "#selection")
    chosen = set(form.union_ids.data or [])
    return render_template("rotation/selection.html", py=py, proposals=proposals, form=form, chosen=chosen)


# --- trainees -----------------------------------------------------------------------------------------------

def _trainee_form(py: ProgrammeYear, trainee: Trainee | None) -> TraineeForm:
    form = TraineeForm(obj=trainee)
    selected = [s.union for s in py.selections]
    others = db.session.scalars(select(Union).where(Union.district_id == py.district_id)
                                .order_by(Union.name)).all()
    ids = {u.id for u in selected}
    form.union_id.choices = ([(0, "—")] + [(u.id, f"★ {u.name}") for u in selected]
                             + [(u.id, u.name) for u in others if u.id not in ids])
    stations = db.session.scalars(select(Station).where(Station.district_id == py.district_id)
                                  .order_by(Station.name)).all()
    form.station_id.choices = [(0, "—")] + [(s.id, s.name) for s in stations]
    if request.method == "GET" and trainee is not None:
        form.unavailable.data = operations.format_dates(trainee.unavailable)
        form.station_id.data = trainee.station_id or 0
    return form


@bp.route("/years/<int:year_id>/trainees/new", methods=["GET", "POST"])
@bp.route("/trainees/<int:trainee_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def trainee_edit(year_id: int | None = None, trainee_id: int | None = None):
    trainee = _trainee_for(trainee_id) if trainee_id else None
    py = trainee.programme_year if trainee else _year(year_id)
    form = _trainee_form(py, trainee)
    if form.validate_on_submit():
        try:
            trainee = operations.save_trainee(
                trainee, py=py, union_id=form.union_id.data, name=form.name.data, phone=form.phone.data,
                station_id=form.station_id.data or None, prior_experience=form.prior_experience.data,
                unavailable=operations.parse_dates(form.unavailable.data), version=form.version.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Trainee %(name)s saved.", name=trainee.name), "success")
            return redirect(url_for("rotation.trainee", trainee_id=trainee.id))
    return render_template("rotation/trainee_form.html", form=form, py=py, trainee=trainee)


@bp.route("/trainees/<int:trainee_id>")
@allow(STAFF, Role.LAWYER, Role.TRAINEE)
def trainee(trainee_id: int):
    trainee = _trainee_for(trainee_id)
    if current_user.role == Role.TRAINEE:
        return redirect(url_for("rotation.my_rotation"))
    placement = trainee.placement
    days = _days_with_logs(placement)
    done, total = operations.progress(placement, today_local())
    return render_template("rotation/trainee.html", trainee=trainee, py=trainee.programme_year, days=days,
                           done=done, total=total, account_form=AccountForm(formdata=None),
                           move_form=MoveForm(formdata=None), today=today_local(), staff=_staff())


def _days_with_logs(placement: Placement | None) -> list[PlacementDay]:
    if placement is None:
        return []
    return db.session.scalars(select(PlacementDay).where(PlacementDay.placement_id == placement.id,
                                                         PlacementDay.status == "planned")
                              .options(selectinload(PlacementDay.logs), selectinload(PlacementDay.mentor))
                              .order_by(PlacementDay.day)).all()


@bp.route("/trainees/<int:trainee_id>/account", methods=["POST"])
@allow(STAFF)
def trainee_account(trainee_id: int):
    trainee = _trainee_for(trainee_id)
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user = operations.create_trainee_account(trainee, username=form.username.data,
                                                     password=form.password.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Account %(name)s created; the trainee sees their rotation after logging in.",
                    name=user.username), "success")
            return redirect(url_for("rotation.trainee", trainee_id=trainee.id))
    placement = trainee.placement
    done, total = operations.progress(placement, today_local())
    return render_template("rotation/trainee.html", trainee=trainee, py=trainee.programme_year,
                           days=_days_with_logs(placement), done=done, total=total, account_form=form,
                           move_form=MoveForm(formdata=None), today=today_local(), staff=True), 422


@bp.route("/trainees/<int:trainee_id>/delete", methods=["POST"])
@allow(STAFF)
def trainee_delete(trainee_id: int):
    trainee = _trainee_for(trainee_id)
    py_id = trainee.programme_year_id
    try:
        operations.delete_trainee(trainee)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for("rotation.trainee", trainee_id=trainee_id))
    db.session.commit()
    flash(_("Trainee removed."), "success")
    return redirect(url_for("rotation.year", year_id=py_id) + "#trainees")


# --- planning -----------------------------------------------------------------------------------------------

@bp.route("/years/<int:year_id>/plan", methods=["POST"])
@allow(STAFF)
def plan(year_id: int):
    py = _year(year_id)
    form = PlanForm()
    mode = form.mode.data if form.mode.data in ("replan", "full") else "replan"
    try:
        outcome = operations.plan_year(py, allow_provisional=bool(form.provisional.data), mode=mode,
                                       time_limit_s=current_app.config.get("ROTATION_PLAN_SECONDS", 10))
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("rotation.year", year_id=py.id) + "#plan")
    db.session.commit()
    message = _("%(placed)s of %(total)s trainees placed.", placed=outcome.placed,
                total=outcome.placed + outcome.unplaced)
    if outcome.provisional:
        message += " " + _("Planned on a provisional working-day calendar: check again once it is official.")
    flash(message, "success" if not outcome.problems else "info")
    return redirect(url_for("rotation.year", year_id=py.id) + "#plan")


@bp.route("/placements/<int:placement_id>/move", methods=["POST"])
@allow(STAFF)
def placement_move(placement_id: int):
    placement = db.get_or_404(Placement, placement_id)
    check_district(placement.district_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(_("Give the first day of the placement."), "error")
    else:
        try:
            operations.move_placement(placement, form.start.data,
                                      allow_provisional=bool(request.form.get("provisional")))
        except InvalidInput as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Placement moved to %(day)s and pinned.", day=form.start.data.isoformat()), "success")
    return redirect(url_for("rotation.trainee", trainee_id=placement.trainee_id))


@bp.route("/placements/<int:placement_id>/pin", methods=["POST"])
@allow(STAFF)
def placement_pin(placement_id: int):
    placement = db.get_or_404(Placement, placement_id)
    check_district(placement.district_id)
    operations.set_pinned(placement, not placement.pinned)
    db.session.commit()
    flash(_("Placement pinned: re-planning keeps it.") if placement.pinned
          else _("Placement unpinned: re-planning may move it."), "success")
    return redirect(request.referrer if request.referrer and request.referrer.startswith(request.host_url)
                    else url_for("rotation.trainee", trainee_id=placement.trainee_id))


# --- my rotation and mentoring ---------------------------------------------------------------------------------

@bp.route("/mine")
@allow(Role.TRAINEE)
def my_rotation():
    trainee = operations.trainee_of_user(current_user)
    today = today_local()
    days, done, total, subscribe = [], 0, 0, None
    if trainee is not None:
        days = _days_with_logs(trainee.placement)
        done, total = operations.progress(trainee.placement, today)
    if "calendars.subscribe" in current_app.view_functions:
        subscribe = url_for("calendars.subscribe")
    return render_template("rotation/mine.html", trainee=trainee, days=days, done=done, total=total,
                           today=today, subscribe=subscribe, purposes=reports.day_purposes(days))


@bp.route("/mentoring")
@allow(Role.LAWYER)
def mentoring():
    mentor = _my_mentor()
    days = []
    if mentor is not None:
        start = today_local() - timedelta(days=30)
        days = db.session.scalars(
            select(PlacementDay).where(PlacementDay.mentor_id == mentor.id, PlacementDay.status == "planned",
                                       PlacementDay.day >= start)
            .options(selectinload(PlacementDay.placement).selectinload(Placement.trainee),
                     selectinload(PlacementDay.logs))
            .order_by(PlacementDay.day).limit(200)).all()
    return render_template("rotation/mentoring.html", mentor=mentor, days=days, today=today_local())


# --- daily log ----------------------------------------------------------------------------------------------

@bp.route("/days/<int:day_id>", methods=["GET", "POST"])
@allow(STAFF, Role.LAWYER, Role.TRAINEE)
def day_log(day_id: int):
    day = _day_for(day_id)
    form = CaseLogForm()
    if request.method == "GET":
        form.accepted_on.data = day.day
        if day.phase == "independent":
            form.role.data = "independent"
    if request.method == "POST":
        if not _may_write_log(day):
            abort(403)
        if form.validate_on_submit():
            try:
                operations.save_case_log(None, day=day, case_ref=form.case_ref.data, category=form.category.data,
                                         role=form.role.data, accepted_on=form.accepted_on.data,
                                         outcome=form.outcome.data or None, summary=form.summary.data)
            except InvalidInput as error:
                form_errors_from(form, error)
            else:
                db.session.commit()
                flash(_("Case %(ref)s logged.", ref=form.case_ref.data), "success")
                return redirect(url_for("rotation.day_log", day_id=day.id))
    status = 422 if request.method == "POST" else 200
    return render_template("rotation/day.html", day=day, form=form, trainee=day.placement.trainee,
                           py=day.placement.programme_year, may_write=_may_write_log(day),
                           may_remark=_may_remark(day), today=today_local(),
                           purposes=reports.day_purposes([day])), status


@bp.route("/cases/<int:case_id>", methods=["GET", "POST"])
@allow(STAFF, Role.TRAINEE)
def case_edit(case_id: int):
    case = _case_for(case_id)
    day = case.placement_day
    if not _may_write_log(day):
        abort(403)
    form = CaseLogForm(obj=case)
    if request.method == "GET":
        form.outcome.data = case.outcome or ""
    if form.validate_on_submit():
        try:
            operations.save_case_log(case, day=day, case_ref=form.case_ref.data, category=form.category.data,
                                     role=form.role.data, accepted_on=form.accepted_on.data,
                                     outcome=form.outcome.data or None, summary=form.summary.data,
                                     version=form.version.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Case %(ref)s saved.", ref=case.case_ref), "success")
            return redirect(url_for("rotation.day_log", day_id=day.id))
    return render_template("rotation/case_form.html", form=form, case=case, day=day, today=today_local())


@bp.route("/cases/<int:case_id>/delete", methods=["POST"])
@allow(STAFF, Role.TRAINEE)
def case_delete(case_id: int):
    case = _case_for(case_id)
    day = case.placement_day
    if not _may_write_log(day):
        abort(403)
    operations.delete_case_log(case)
    db.session.commit()
    flash(_("Case removed from the log."), "success")
    return redirect(url_for("rotation.day_log", day_id=day.id))


@bp.route("/cases/<int:case_id>/remarks", methods=["GET", "POST"])
@allow(STAFF, Role.LAWYER)
def case_remarks(case_id: int):
    case = _case_for(case_id)
    if not _may_remark(case.placement_day):
        abort(403)
    form = RemarksForm(obj=case)
    if form.validate_on_submit():
        operations.add_remarks(case, form.mentor_remarks.data, version=form.version.data)
        db.session.commit()
        flash(_("Remarks saved."), "success")
        return redirect(url_for("rotation.day_log", day_id=case.placement_day_id))
    return render_template("rotation/remarks_form.html", form=form, case=case, day=case.placement_day)


# --- evaluation and certification -------------------------------------------------------------------------------

@bp.route("/trainees/<int:trainee_id>/evaluation", methods=["GET", "POST"])
@allow(STAFF, Role.LAWYER, Role.TRAINEE)
def evaluation(trainee_id: int):
    trainee = _trainee_for(trainee_id)
    existing = trainee.evaluation
    may_edit = (_staff() or current_user.role == Role.LAWYER) and trainee.certification is None
    if current_user.role == Role.TRAINEE:
        # A trainee reads their own evaluation, nobody else's (checked in _trainee_for).
        if request.method == "POST":
            abort(403)
        return render_template("rotation/evaluation_view.html", trainee=trainee, evaluation=existing)
    form = EvaluationForm(obj=existing)
    mentors = db.session.scalars(select(Mentor).join(CentreMentor).where(
        CentreMentor.programme_year_id == trainee.programme_year_id).order_by(Mentor.name)).all()
    form.mentor_id.choices = [(0, "—")] + [(m.id, m.name) for m in mentors]
    my_mentor = _my_mentor()
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
    if form.validate_on_submit():
        mentor_id = my_mentor.id if my_mentor is not None else (form.mentor_id.data or None)
        try:
            operations.save_evaluation(
                trainee, scores={name: _int(getattr(form, name).data) for name in RUBRIC},
                comments={name: getattr(form, f"{name}_comment").data for name in RUBRIC},
                passed=form.passed.data, summary=form.summary.data, mentor_id=mentor_id,
                evaluated_by=current_user, version=form.version.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Evaluation of %(name)s saved.", name=trainee.name), "success")
            target = "rotation.trainee" if current_user.role != Role.LAWYER else "rotation.mentoring"
            return redirect(url_for(target, trainee_id=trainee.id) if target == "rotation.trainee"
                            else url_for(target))
    return render_template("rotation/evaluation_form.html", form=form, trainee=trainee, evaluation=existing,
                           may_edit=may_edit), 422 if request.method == "POST" else 200


@bp.route("/trainees/<int:trainee_id>/certify", methods=["POST"])
@allow(STAFF)
def certify(trainee_id: int):
    trainee = _trainee_for(trainee_id)
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
    certification = db.get_or_404(Certification, certification_id)
    trainee = _trainee_for(certification.trainee_id)
    return render_template("rotation/certificate.html", certification=certification, trainee=trainee,
                           py=trainee.programme_year, district=db.session.get(District, trainee.district_id))


# --- coverage ------------------------------------------------------------------------------------------------

@bp.route("/coverage")
@allow(STAFF)
def coverage():
    district = working_district()
    check_district(district.id)
    result = operations.coverage([district])[0]
    chart = reports.year_chart(result)
    return render_template("rotation/coverage.html", district=district, cov=result, chart=chart)


@bp.route("/coverage/city")
@allow(Role.ADMIN)
def city_coverage():
    districts = db.session.scalars(select(District).order_by(District.sort_order)).all()
    results = [c for c in operations.coverage(districts)]
    chart = reports.city_chart(results)
    return render_template("rotation/city_coverage.html", results=results, chart=chart)


# --- Excel ----------------------------------------------------------------------------------------------------

@bp.route("/years/<int:year_id>/import", methods=["GET", "POST"])
@allow(STAFF)
def import_trainees(year_id: int):
    from trainer.rotation import spreadsheets

    py = _year(year_id)
    form = ImportForm()
    problems: list[str] = []
    summary = None
    if form.validate_on_submit():
        try:
            created = spreadsheets.import_trainees(py, form.file.data)
        except InvalidInput as error:
            db.session.rollback()
            problems = list(error.fields.values()) or [error.message]
            summary = error.message
        else:
            db.session.commit()
            flash(_("%(n)s trainees imported.", n=len(created)), "success")
            return redirect(url_for("rotation.year", year_id=py.id) + "#trainees")
    status = 422 if request.method == "POST" else 200
    return render_template("rotation/import.html", form=form, py=py, problems=problems, summary=summary), status


@bp.route("/years/<int:year_id>/import/template.xlsx")
@allow(STAFF)
def import_template(year_id: int):
    from trainer.rotation import spreadsheets

    py = _year(year_id)
    return spreadsheets.template(py)


@bp.route("/years/<int:year_id>/plan.xlsx")
@allow(STAFF)
def export_plan(year_id: int):
    from trainer.rotation import spreadsheets

    py = _year(year_id)
    return spreadsheets.plan_workbook(py)


@bp.route("/coverage.xlsx")
@allow(STAFF)
def export_coverage(year_id: int | None = None):
    from trainer.rotation import spreadsheets

    if current_user.role == Role.ADMIN and request.args.get("scope") == "city":
        districts = db.session.scalars(select(District).order_by(District.sort_order)).all()
    else:
        district = working_district()
        if not can_see_district(district.id):
            abort(403)
        districts = [district]
    return spreadsheets.coverage_workbook(districts)
