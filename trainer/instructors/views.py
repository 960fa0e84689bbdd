"""Pages of the three-tier instructor system: instructors, org chart, duties, meetings, engagements, training."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role, User
from trainer.auth.permissions import (
    STAFF,
    allow,
    can_see_district,
    check_district,
    district_scope,
    working_district,
)
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.i18n import lang
from trainer.core.validation import InvalidInput, form_errors_from
from trainer.instructors import operations, spreadsheets
from trainer.instructors.forms import (
    RULE_PRESETS,
    AssessmentForm,
    CancelForm,
    EngagementForm,
    GuideForm,
    ImportForm,
    InstructorForm,
    MeetingForm,
    MoveMeetingForm,
    RecordForm,
    ResponsibilityForm,
    SeriesForm,
    SessionForm,
    TrainingForm,
)
from trainer.instructors.models import (
    STAGES,
    TIERS,
    BargainingSession,
    Engagement,
    Instructor,
    Meeting,
    MeetingAttendance,
    MeetingSeries,
    Responsibility,
    Tier,
    TrainingRecord,
    engagement_instructors,
    stage_index,
)
from trainer.instructors.operations import (
    AREA_LABELS,
    BACKGROUND_LABELS,
    MEETING_STATUS_LABELS,
    PAIR_LABELS,
    RESULT_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    TIER_LABELS,
)
from trainer.org.models import District
from trainer.web.navigation import register_nav

bp = Blueprint("instructors", __name__, url_prefix="/instructors")

INSTRUCTOR_ROLES = {Role.ADMIN, Role.COORDINATOR, Role.INSTRUCTOR}
register_nav(_l("Instructors"), "instructors.index", STAFF, order=40)
register_nav(_l("Bargaining"), "instructors.engagements", STAFF, order=41)
register_nav(_l("My instructor page"), "instructors.mine", {Role.INSTRUCTOR}, order=10)


@bp.context_processor
def _labels():
    return {"tier_labels": TIER_LABELS, "background_labels": BACKGROUND_LABELS, "status_labels": STATUS_LABELS,
            "area_labels": AREA_LABELS, "pair_labels": PAIR_LABELS, "stage_labels": STAGE_LABELS,
            "result_labels": RESULT_LABELS, "meeting_status_labels": MEETING_STATUS_LABELS,
            "moved_reason": lambda m: operations.moved_reason(m, lang()), "days_left": operations.days_left,
            "stages": STAGES, "stage_index": stage_index}


def _is_staff() -> bool:
    return current_user.role in (Role.ADMIN, Role.COORDINATOR)


def _me() -> Instructor | None:
    return operations.instructor_for_user(current_user) if current_user.role == Role.INSTRUCTOR else None


# --- access to single records -------------------------------------------------------------------------------

def _instructor_visible(instructor: Instructor) -> None:
    """Staff see city instructors and those of their district."""
    if instructor.tier == Tier.CITY_FULL and _is_staff():
        return
    check_district(instructor.district_id)


def _instructor_editable(instructor: Instructor) -> None:
    """City instructors are the city federation's; district ones their district's."""
    if instructor.tier == Tier.CITY_FULL:
        if current_user.role != Role.ADMIN:
            abort(403)
        return
    check_district(instructor.district_id)


def _meeting_visible(meeting: Meeting, me: Instructor | None) -> bool:
    if _is_staff():
        return meeting.district_id is None or can_see_district(meeting.district_id)
    if me is None:
        return False
    return meeting.organiser_id == me.id or any(a.instructor_id == me.id for a in meeting.attendance)


def _meeting_editable(meeting: Meeting, me: Instructor | None) -> bool:
    if _is_staff():
        return current_user.role == Role.ADMIN or (meeting.district_id is not None
                                                   and can_see_district(meeting.district_id))
    return me is not None and meeting.organiser_id == me.id


def _engagement_visible(engagement: Engagement, me: Instructor | None) -> bool:
    if _is_staff():
        return can_see_district(engagement.district_id)
    return me is not None and any(p.id == me.id for p in engagement.instructors)


def _districts_for_choice() -> list[District]:
    stmt = select(District).order_by(District.sort_order)
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(District.id == scope)
    return db.session.scalars(stmt).all()


def _district_name(d: District) -> str:
    return d.name if lang() == "zh" else d.name_en


def _instructor_label(person: Instructor) -> str:
    where = person.district.name if person.district else _("city")
    return f"{person.name}（{TIER_LABELS[person.tier]}·{where}）"


# --- instructors ------------------------------------------------------------------------------------------

@bp.route("/")
@allow(STAFF)
def index():
    scope = district_scope()
    tier = request.args.get("tier", "")
    status = request.args.get("status", "")
    district_code = request.args.get("district", "")
    stmt = (operations.visible_instructors_stmt(scope)
            .options(selectinload(Instructor.guide), selectinload(Instructor.district),
                     selectinload(Instructor.user))
            .order_by(Instructor.tier, Instructor.district_id, Instructor.name))
    if tier in TIERS:
        stmt = stmt.where(Instructor.tier == tier)
    if status in STATUS_LABELS:
        stmt = stmt.where(Instructor.status == status)
    if district_code and scope is None:
        district = db.session.scalar(select(District).where(District.code == district_code))
        if district is not None:
            stmt = stmt.where(Instructor.district_id == district.id)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("instructors/index.html", page=page, tier=tier, status=status,
                           district_code=district_code, districts=_districts_for_choice(),
                           spans=operations.spans(), limit=operations.span_limit())


def _guide_choices(district_ids: list[int] | None = None) -> list[tuple[int, str]]:
    stmt = (select(Instructor).where(Instructor.tier != Tier.DISTRICT_PART, Instructor.status != "ended")
            .options(selectinload(Instructor.district)).order_by(Instructor.tier, Instructor.name))
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(or_(Instructor.tier == Tier.CITY_FULL, Instructor.district_id == scope))
    return [(0, "—")] + [(p.id, _instructor_label(p)) for p in db.session.scalars(stmt)]


def _account_choices(instructor: Instructor | None) -> list[tuple[int, str]]:
    taken = select(Instructor.user_id).where(Instructor.user_id.is_not(None))
    if instructor is not None and instructor.user_id:
        taken = taken.where(Instructor.user_id != instructor.user_id)
    stmt = select(User).where(User.role == Role.INSTRUCTOR, User.id.not_in(taken)).order_by(User.username)
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(or_(User.district_id == scope, User.district_id.is_(None)))
    return [(0, "—")] + [(u.id, f"{u.username}（{u.display_name}）") for u in db.session.scalars(stmt)]


def _instructor_form(instructor: Instructor | None) -> InstructorForm:
    form = InstructorForm(obj=instructor)
    form.district_id.choices = [(0, "—")] + [(d.id, _district_name(d)) for d in _districts_for_choice()]
    if current_user.role != Role.ADMIN:
        form.tier.choices = [c for c in form.tier.choices if c[0] != Tier.CITY_FULL]
    form.guide_id.choices = _guide_choices()
    form.user_id.choices = _account_choices(instructor)
    industries = operations.known_industries()
    extra = [s for s in (instructor.specialities if instructor else []) if s not in industries]
    form.specialities.choices = [(i, i) for i in industries + extra]
    if request.method == "GET":
        if instructor is not None:
            form.district_id.data = instructor.district_id or 0
            form.guide_id.data = instructor.guide_id or 0
            form.user_id.data = instructor.user_id or 0
        elif current_user.role == Role.COORDINATOR:
            form.district_id.data = current_user.district_id
    return form


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:instructor_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def edit(instructor_id: int | None = None):
    instructor = db.get_or_404(Instructor, instructor_id) if instructor_id else None
    if instructor is not None:
        _instructor_editable(instructor)
    form = _instructor_form(instructor)
    if form.validate_on_submit():
        district_id = form.district_id.data or None
        if current_user.role != Role.ADMIN:
            district_id = current_user.district_id
            if form.tier.data == Tier.CITY_FULL:
                abort(403)
        guide = db.session.get(Instructor, form.guide_id.data) if form.guide_id.data else None
        try:
            if guide is not None and guide.tier != Tier.CITY_FULL and not can_see_district(guide.district_id):
                raise InvalidInput({"guide_id": _("Choose a guide you can see.")})
            user_id = form.user_id.data or None
            if form.new_username.data:
                from trainer.auth.operations import create_user

                if not form.new_password.data:
                    raise InvalidInput({"new_password": _("Set a first password for the new account.")})
                user = create_user(username=form.new_username.data, display_name=form.name.data,
                                   role=Role.INSTRUCTOR, password=form.new_password.data, district_id=district_id,
                                   phone=form.phone.data or None)
                user_id = user.id
            instructor = operations.save_instructor(
                instructor, tier=form.tier.data, district_id=district_id, name=form.name.data,
                background=form.background.data, phone=form.phone.data, specialities=form.specialities.data,
                term_from=form.term_from.data, term_to=form.term_to.data, status=form.status.data, guide=guide,
                user_id=user_id, notes=form.notes.data, version=form.version.data)
        except InvalidInput as error:
            db.session.rollback()
            if "password" in error.fields:
                error.fields["new_password"] = error.fields.pop("password")
            if "username" in error.fields:
                error.fields["new_username"] = error.fields.pop("username")
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Instructor %(name)s saved.", name=instructor.name), "success")
            return redirect(url_for("instructors.detail", instructor_id=instructor.id))
    return render_template("instructors/form.html", form=form, instructor=instructor)


def _detail_page(instructor: Instructor, guide_form: GuideForm | None = None, status: int = 200):
    from trainer.instructors.models import Assessment

    training_rows = db.session.scalars(select(TrainingRecord).where(TrainingRecord.instructor_id == instructor.id)
                                       .order_by(TrainingRecord.year.desc(), TrainingRecord.day)).all()
    assessments = db.session.scalars(select(Assessment).where(Assessment.instructor_id == instructor.id)
                                     .order_by(Assessment.year.desc())).all()
    guided = [g for g in instructor.guided if current_user.role == Role.ADMIN or can_see_district(g.district_id)]
    editable = current_user.role == Role.ADMIN or (instructor.tier != Tier.CITY_FULL
                                                   and can_see_district(instructor.district_id))
    if guide_form is None:
        guide_form = GuideForm(formdata=None, obj=instructor)
        guide_form.guide_id.data = instructor.guide_id or 0
    guide_form.guide_id.choices = _guide_choices()
    return render_template("instructors/detail.html", instructor=instructor, guided=guided,
                           training=training_rows, assessments=assessments, editable=editable,
                           guide_form=guide_form, upcoming=_upcoming_for(instructor),
                           limit=operations.span_limit()), status


@bp.route("/<int:instructor_id>")
@allow(STAFF)
def detail(instructor_id: int):
    instructor = db.session.scalar(select(Instructor).where(Instructor.id == instructor_id).options(
        selectinload(Instructor.guided), selectinload(Instructor.responsibilities)))
    if instructor is None:
        abort(404)
    _instructor_visible(instructor)
    return _detail_page(instructor)


@bp.route("/<int:instructor_id>/guide", methods=["POST"])
@allow(STAFF)
def relink(instructor_id: int):
    """Change only the hierarchy link; a broken rule comes back beside the field on the instructor's page."""
    instructor = db.get_or_404(Instructor, instructor_id)
    _instructor_editable(instructor)
    form = GuideForm()
    form.guide_id.choices = _guide_choices()
    if form.validate_on_submit():
        guide = db.session.get(Instructor, form.guide_id.data) if form.guide_id.data else None
        try:
            if guide is not None and guide.tier != Tier.CITY_FULL and not can_see_district(guide.district_id):
                raise InvalidInput({"guide_id": _("Choose a guide you can see.")})
            operations.set_guide(instructor, guide, version=form.version.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s is now guided by %(guide)s.", name=instructor.name,
                    guide=guide.name if guide else "—"), "success")
            return redirect(url_for("instructors.detail", instructor_id=instructor.id))
    instructor = db.get_or_404(Instructor, instructor_id)
    return _detail_page(instructor, form, 422)


# --- org chart ------------------------------------------------------------------------------------------

@bp.route("/chart")
@allow(STAFF)
def chart():
    scope = district_scope()
    district = None
    code = request.args.get("district", "")
    if scope is None and code:
        district = db.session.scalar(select(District).where(District.code == code))
    elif scope is not None:
        district = current_user.district
    tree = operations.org_chart(district.id if district else None)
    return render_template("instructors/chart.html", tree=tree, district=district,
                           districts=_districts_for_choice())


# --- division of duties ----------------------------------------------------------------------------------

@bp.route("/duties", methods=["GET", "POST"])
@allow(STAFF)
def duties():
    district = working_district()
    check_district(district.id)
    people = db.session.scalars(select(Instructor).where(Instructor.district_id == district.id,
                                                         Instructor.status != "ended")
                                .options(selectinload(Instructor.responsibilities))
                                .order_by(Instructor.tier, Instructor.name)).all()
    form = ResponsibilityForm()
    form.instructor_id.choices = [(p.id, _instructor_label(p)) for p in people]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            person = db.session.get(Instructor, form.instructor_id.data)
            if person is None or person.district_id != district.id:
                abort(403)
            try:
                operations.add_responsibility(person, form.kind.data, form.value.data)
            except InvalidInput as error:
                db.session.rollback()
                form_errors_from(form, error)
                status = 422
            else:
                db.session.commit()
                flash(_("%(value)s added to %(name)s's duties.", value=form.value.data.strip(), name=person.name),
                      "success")
                return redirect(url_for("instructors.duties"))
        else:
            status = 422
    cover = operations.coverage(district.id)
    return render_template("instructors/duties.html", district=district, people=people, cover=cover, form=form,
                           industries=operations.known_industries()), status


@bp.route("/duties/<int:area_id>/remove", methods=["POST"])
@allow(STAFF)
def duty_remove(area_id: int):
    area = db.get_or_404(Responsibility, area_id)
    check_district(area.instructor.district_id)
    name, value = area.instructor.name, area.value
    operations.remove_responsibility(area)
    db.session.commit()
    flash(_("%(value)s removed from %(name)s's duties.", value=value, name=name), "success")
    return redirect(url_for("instructors.duties"))


# --- meeting series and meetings ----------------------------------------------------------------------------

def _organiser_choices() -> list[tuple[int, str]]:
    stmt = (select(Instructor).where(Instructor.tier != Tier.DISTRICT_PART, Instructor.status == "active")
            .options(selectinload(Instructor.district)).order_by(Instructor.tier, Instructor.name))
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(or_(Instructor.tier == Tier.CITY_FULL, Instructor.district_id == scope))
    return [(p.id, _instructor_label(p)) for p in db.session.scalars(stmt)]


@bp.route("/series")
@allow(STAFF)
def series_list():
    scope = district_scope()
    stmt = select(MeetingSeries).options(selectinload(MeetingSeries.organiser), selectinload(MeetingSeries.district))
    if scope is not None:
        stmt = stmt.where(or_(MeetingSeries.district_id == scope, MeetingSeries.district_id.is_(None)))
    rows = db.session.scalars(stmt.order_by(MeetingSeries.pair, MeetingSeries.title)).all()
    return render_template("instructors/series_list.html", rows=rows)


@bp.route("/series/new", methods=["GET", "POST"])
@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def series_edit(series_id: int | None = None):
    series = db.get_or_404(MeetingSeries, series_id) if series_id else None
    if series is not None and not (current_user.role == Role.ADMIN or (
            series.district_id is not None and can_see_district(series.district_id))):
        abort(403)
    form = SeriesForm(obj=series)
    form.organiser_id.choices = _organiser_choices()
    districts = _districts_for_choice()
    form.district_id.choices = ([(0, "—")] if current_user.role == Role.ADMIN else []) + [
        (d.id, _district_name(d)) for d in districts]
    if request.method == "GET" and series is not None:
        form.district_id.data = series.district_id or 0
    if form.validate_on_submit():
        organiser = db.session.get(Instructor, form.organiser_id.data)
        district_id = form.district_id.data or None
        if current_user.role != Role.ADMIN:
            district_id = current_user.district_id
        try:
            if organiser is None:
                raise InvalidInput({"organiser_id": _("Choose the organiser.")})
            series = operations.save_series(
                series, organiser=organiser, pair=form.pair.data, district_id=district_id, title=form.title.data,
                rrule=form.rrule.data, starts_on=form.starts_on.data, until=form.until.data,
                start_time=form.start_time.data, end_time=form.end_time.data, location=form.location.data or "",
                active=form.active.data, version=form.version.data)
            if series.district_id is not None and not can_see_district(series.district_id):
                abort(403)
            horizon = today_local() + timedelta(days=current_app.config["JOBS_MEETING_HORIZON_DAYS"])
            result = operations.expand_series(series, max(horizon, date(series.starts_on.year, 12, 31)))
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Series saved.") + " " + result.summary(), "warning" if result.stopped_year else "success")
            return redirect(url_for("instructors.series_detail", series_id=series.id))
    return render_template("instructors/series_form.html", form=form, series=series, presets=RULE_PRESETS)


def _series_or_403(series_id: int) -> MeetingSeries:
    series = db.get_or_404(MeetingSeries, series_id)
    if series.district_id is not None:
        check_district(series.district_id)
    return series


@bp.route("/series/<int:series_id>")
@allow(STAFF)
def series_detail(series_id: int):
    series = _series_or_403(series_id)
    meetings = db.session.scalars(select(Meeting).where(Meeting.series_id == series.id)
                                  .options(selectinload(Meeting.attendance)).order_by(Meeting.day)).all()
    editable = current_user.role == Role.ADMIN or series.district_id is not None
    return render_template("instructors/series_detail.html", series=series, meetings=meetings, editable=editable)


@bp.route("/series/<int:series_id>/expand", methods=["POST"])
@allow(STAFF)
def series_expand(series_id: int):
    series = _series_or_403(series_id)
    if series.district_id is None and current_user.role != Role.ADMIN:
        abort(403)
    provisional = request.form.get("provisional") == "1"
    try:
        until = date.fromisoformat(request.form.get("until", ""))
    except ValueError:
        until = today_local() + timedelta(days=current_app.config["JOBS_MEETING_HORIZON_DAYS"])
    result = operations.expand_series(series, until, provisional=provisional)
    db.session.commit()
    flash(result.summary(), "warning" if result.stopped_year or result.provisional else "success")
    return redirect(url_for("instructors.series_detail", series_id=series.id))


@bp.route("/meetings")
@allow(INSTRUCTOR_ROLES)
def meetings():
    me = _me()
    show_past = request.args.get("past") == "1"
    today = today_local()
    stmt = select(Meeting).options(selectinload(Meeting.organiser), selectinload(Meeting.attendance))
    if _is_staff():
        scope = district_scope()
        if scope is not None:
            stmt = stmt.where(or_(Meeting.district_id == scope, Meeting.district_id.is_(None)))
    else:
        if me is None:
            stmt = stmt.where(Meeting.id.is_(None))
        else:
            attending = select(MeetingAttendance.meeting_id).where(MeetingAttendance.instructor_id == me.id)
            stmt = stmt.where(or_(Meeting.organiser_id == me.id, Meeting.id.in_(attending)))
    stmt = stmt.where(Meeting.day < today) if show_past else stmt.where(Meeting.day >= today)
    stmt = stmt.order_by(Meeting.day.desc() if show_past else Meeting.day, Meeting.start_time)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("instructors/meetings.html", page=page, show_past=show_past, me=me)


@bp.route("/meetings/new", methods=["GET", "POST"])
@allow(STAFF)
def meeting_new():
    form = MeetingForm()
    form.organiser_id.choices = _organiser_choices()
    if form.validate_on_submit():
        organiser = db.session.get(Instructor, form.organiser_id.data)
        try:
            if organiser is None:
                raise InvalidInput({"organiser_id": _("Choose the organiser.")})
            district_id = organiser.district_id or district_scope()
            meeting = operations.create_meeting(
                organiser=organiser, district_id=district_id, title=form.title.data, day=form.day.data,
                start_time=form.start_time.data, end_time=form.end_time.data, location=form.location.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Meeting planned."), "success")
            return redirect(url_for("instructors.meeting", meeting_id=meeting.id))
    return render_template("instructors/meeting_new.html", form=form)


def _meeting_page(meeting: Meeting, me, *, move_form=None, cancel_form=None, record_form=None, status=200):
    move_form = move_form or MoveMeetingForm(formdata=None, obj=meeting)
    cancel_form = cancel_form or CancelForm(formdata=None, obj=meeting)
    if record_form is None:
        record_form = RecordForm(formdata=None, obj=meeting)
        record_form.present.data = [a.instructor_id for a in meeting.attendance if a.present]
    record_form.present.choices = [(a.instructor_id, a.instructor.name) for a in meeting.attendance]
    return render_template("instructors/meeting.html", meeting=meeting, move_form=move_form,
                           cancel_form=cancel_form, record_form=record_form,
                           editable=_meeting_editable(meeting, me)), status


def _meeting_or_403(meeting_id: int, *, edit: bool = False) -> tuple[Meeting, Instructor | None]:
    meeting = db.session.scalar(select(Meeting).where(Meeting.id == meeting_id).options(
        selectinload(Meeting.attendance).selectinload(MeetingAttendance.instructor)))
    if meeting is None:
        abort(404)
    me = _me()
    if not _meeting_visible(meeting, me) or (edit and not _meeting_editable(meeting, me)):
        abort(403)
    return meeting, me


@bp.route("/meetings/<int:meeting_id>")
@allow(INSTRUCTOR_ROLES)
def meeting(meeting_id: int):
    meeting, me = _meeting_or_403(meeting_id)
    return _meeting_page(meeting, me)


@bp.route("/meetings/<int:meeting_id>/move", methods=["POST"])
@allow(INSTRUCTOR_ROLES)
def meeting_move(meeting_id: int):
    meeting, me = _meeting_or_403(meeting_id, edit=True)
    form = MoveMeetingForm()
    if form.validate_on_submit():
        try:
            operations.move_meeting(meeting, day=form.day.data, start_time=form.start_time.data,
                                    end_time=form.end_time.data, location=form.location.data or "",
                                    version=form.version.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Meeting moved; calendars will show the new time."), "success")
            return redirect(url_for("instructors.meeting", meeting_id=meeting.id))
    meeting, me = _meeting_or_403(meeting_id, edit=True)
    return _meeting_page(meeting, me, move_form=form, status=422)


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@allow(INSTRUCTOR_ROLES)
def meeting_cancel(meeting_id: int):
    meeting, me = _meeting_or_403(meeting_id, edit=True)
    form = CancelForm()
    if form.validate_on_submit():
        operations.cancel_meeting(meeting, form.reason.data or "", version=form.version.data)
        db.session.commit()
        flash(_("Meeting cancelled."), "success")
        return redirect(url_for("instructors.meeting", meeting_id=meeting.id))
    return _meeting_page(meeting, me, cancel_form=form, status=422)


@bp.route("/meetings/<int:meeting_id>/record", methods=["POST"])
@allow(INSTRUCTOR_ROLES)
def meeting_record(meeting_id: int):
    meeting, me = _meeting_or_403(meeting_id, edit=True)
    form = RecordForm()
    form.present.choices = [(a.instructor_id, a.instructor.name) for a in meeting.attendance]
    if form.validate_on_submit():
        try:
            operations.record_meeting(meeting, present_ids=set(form.present.data or []), minutes=form.minutes.data,
                                      version=form.version.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Attendance and minutes saved."), "success")
            return redirect(url_for("instructors.meeting", meeting_id=meeting.id))
    meeting, me = _meeting_or_403(meeting_id, edit=True)
    return _meeting_page(meeting, me, record_form=form, status=422)


# --- engagements -----------------------------------------------------------------------------------------

@bp.route("/engagements")
@allow(INSTRUCTOR_ROLES)
def engagements():
    me = _me()
    stage = request.args.get("stage", "")
    stmt = select(Engagement).options(selectinload(Engagement.instructors), selectinload(Engagement.district))
    if _is_staff():
        district = working_district()
        stmt = stmt.where(Engagement.district_id == district.id)
    else:
        district = None
        mine = select(engagement_instructors.c.engagement_id).where(
            engagement_instructors.c.instructor_id == (me.id if me else -1))
        stmt = stmt.where(Engagement.id.in_(mine))
    if stage in STAGES:
        stmt = stmt.where(Engagement.stage == stage)
    stmt = stmt.order_by(Engagement.request_sent_on.desc(), Engagement.id.desc())
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("instructors/engagements.html", page=page, district=district, stage=stage)


def _engagement_form(engagement: Engagement | None, district: District) -> EngagementForm:
    form = EngagementForm(obj=engagement)
    industries = operations.known_industries()
    if engagement and engagement.industry and engagement.industry not in industries:
        industries.append(engagement.industry)
    streets = operations.district_streets(district.id)
    if engagement and engagement.street and engagement.street not in streets:
        streets.append(engagement.street)
    form.industry.choices = [("", "—")] + [(i, i) for i in industries]
    form.street.choices = [("", "—")] + [(s, s) for s in streets]
    people = db.session.scalars(select(Instructor).where(
        or_(Instructor.district_id == district.id, Instructor.tier == Tier.CITY_FULL),
        Instructor.status == "active").options(selectinload(Instructor.district))
        .order_by(Instructor.tier, Instructor.name)).all()
    form.instructor_ids.choices = [(p.id, _instructor_label(p)) for p in people]
    if request.method == "GET" and engagement is not None:
        form.instructor_ids.data = [p.id for p in engagement.instructors]
    return form


@bp.route("/engagements/new", methods=["GET", "POST"])
@bp.route("/engagements/<int:engagement_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def engagement_edit(engagement_id: int | None = None):
    engagement = db.get_or_404(Engagement, engagement_id) if engagement_id else None
    district = engagement.district if engagement else working_district()
    check_district(district.id)
    form = _engagement_form(engagement, district)
    if form.validate_on_submit():
        people = db.session.scalars(select(Instructor).where(Instructor.id.in_(form.instructor_ids.data or []))).all()
        try:
            engagement = operations.save_engagement(
                engagement, district_id=district.id, enterprise=form.enterprise.data,
                union_name=form.union_name.data, industry=form.industry.data, street=form.street.data,
                stage=form.stage.data, request_sent_on=form.request_sent_on.data,
                reply_received_on=form.reply_received_on.data, agreement_signed_on=form.agreement_signed_on.data,
                filed_on=form.filed_on.data, in_force_on=form.in_force_on.data, notes=form.notes.data,
                instructors=list(people), version=form.version.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Engagement with %(name)s saved.", name=engagement.enterprise), "success")
            return redirect(url_for("instructors.engagement", engagement_id=engagement.id))
    suggestions = operations.suggest_instructors(
        district_id=district.id, enterprise=form.enterprise.data, street=form.street.data or None,
        industry=form.industry.data or None)
    return render_template("instructors/engagement_form.html", form=form, engagement=engagement,
                           district=district, suggestions=suggestions)


def _engagement_or_403(engagement_id: int) -> tuple[Engagement, Instructor | None]:
    engagement = db.session.scalar(select(Engagement).where(Engagement.id == engagement_id).options(
        selectinload(Engagement.instructors), selectinload(Engagement.sessions)))
    if engagement is None:
        abort(404)
    me = _me()
    if not _engagement_visible(engagement, me):
        abort(403)
    return engagement, me


@bp.route("/engagements/<int:engagement_id>", methods=["GET", "POST"])
@allow(INSTRUCTOR_ROLES)
def engagement(engagement_id: int):
    """The engagement's stages, deadlines and sessions; staff add sessions here (POST)."""
    engagement, me = _engagement_or_403(engagement_id)
    form = SessionForm()
    status = 200
    if request.method == "POST":
        if not _is_staff():
            abort(403)
        if form.validate_on_submit():
            try:
                operations.save_session(None, engagement=engagement, day=form.day.data,
                                        start_time=form.start_time.data, end_time=form.end_time.data,
                                        location=form.location.data or "", notes=form.notes.data)
            except InvalidInput as error:
                db.session.rollback()
                form_errors_from(form, error)
                status = 422
            else:
                db.session.commit()
                flash(_("Session planned; it is on the assigned instructors' calendars."), "success")
                return redirect(url_for("instructors.engagement", engagement_id=engagement.id))
        else:
            status = 422
        engagement, me = _engagement_or_403(engagement_id)
    return render_template("instructors/engagement.html", engagement=engagement, form=form,
                           editable=_is_staff(), today=today_local()), status


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@allow(STAFF)
def session_cancel(session_id: int):
    session = db.get_or_404(BargainingSession, session_id)
    check_district(session.district_id)
    operations.cancel_session(session, version=request.form.get("version"))
    db.session.commit()
    flash(_("Session cancelled."), "success")
    return redirect(url_for("instructors.engagement", engagement_id=session.engagement_id))


# --- training and assessment ---------------------------------------------------------------------------------

@bp.route("/training", methods=["GET", "POST"])
@allow(STAFF)
def training():
    try:
        year = int(request.args.get("year") or today_local().year)
    except ValueError:
        year = today_local().year
    year = min(max(year, 2000), 2100)
    scope = district_scope()
    rows = operations.training_year(year, scope)
    editable_ids = [r.instructor.id for r in rows
                    if current_user.role == Role.ADMIN or r.instructor.district_id == scope]
    choices = [(r.instructor.id, _instructor_label(r.instructor)) for r in rows if r.instructor.id in editable_ids]
    training_form, assessment_form = TrainingForm(prefix="t"), AssessmentForm(prefix="a")
    training_form.instructor_id.choices = assessment_form.instructor_id.choices = choices
    status = 200
    if request.method == "POST":
        which = request.form.get("which")
        form = training_form if which == "training" else assessment_form
        if form.validate_on_submit():
            person = db.session.get(Instructor, form.instructor_id.data)
            if person is None or person.id not in editable_ids:
                abort(403)
            try:
                if which == "training":
                    operations.add_training(person, year=year, course=form.course.data, hours=float(form.hours.data),
                                            day=form.day.data)
                else:
                    operations.save_assessment(person, year=year, result=form.result.data,
                                               score=float(form.score.data) if form.score.data is not None else None,
                                               remarks=form.remarks.data)
            except InvalidInput as error:
                db.session.rollback()
                form_errors_from(form, error)
                status = 422
            else:
                db.session.commit()
                flash(_("Saved for %(name)s.", name=person.name), "success")
                return redirect(url_for("instructors.training", year=year))
        else:
            status = 422
    return render_template("instructors/training.html", rows=rows, year=year, training_form=training_form,
                           assessment_form=assessment_form), status


# --- the instructor's own page ------------------------------------------------------------------------------

def _upcoming_for(instructor: Instructor, days: int = 60):
    today = today_local()
    attending = select(MeetingAttendance.meeting_id).where(MeetingAttendance.instructor_id == instructor.id)
    meetings_ = db.session.scalars(select(Meeting).where(
        or_(Meeting.organiser_id == instructor.id, Meeting.id.in_(attending)),
        Meeting.day >= today, Meeting.day <= today + timedelta(days=days))
        .options(selectinload(Meeting.organiser)).order_by(Meeting.day).limit(20)).all()
    mine = select(engagement_instructors.c.engagement_id).where(
        engagement_instructors.c.instructor_id == instructor.id)
    sessions = db.session.scalars(select(BargainingSession).where(
        BargainingSession.engagement_id.in_(mine), BargainingSession.day >= today,
        BargainingSession.day <= today + timedelta(days=days))
        .options(selectinload(BargainingSession.engagement)).order_by(BargainingSession.day).limit(20)).all()
    engagements_ = db.session.scalars(select(Engagement).where(Engagement.id.in_(mine),
                                                               Engagement.stage != "in_force")
                                      .order_by(Engagement.request_sent_on)).all()
    return {"meetings": meetings_, "sessions": sessions, "engagements": engagements_}


@bp.route("/mine")
@allow({Role.INSTRUCTOR})
def mine():
    me = _me()
    if me is None:
        return render_template("instructors/mine.html", me=None), 200
    return render_template("instructors/mine.html", me=me, upcoming=_upcoming_for(me),
                           limit=operations.span_limit())


# --- Excel import and export -------------------------------------------------------------------------------

SHEETS = {"instructors": (spreadsheets.INSTRUCTOR_COLUMNS, spreadsheets.export_instructors,
                          spreadsheets.import_instructors, "指导员"),
          "engagements": (spreadsheets.ENGAGEMENT_COLUMNS, spreadsheets.export_engagements,
                          spreadsheets.import_engagements, "集体协商")}


def _sheet_kind(kind: str):
    if kind not in SHEETS:
        abort(404)
    return SHEETS[kind]


@bp.route("/excel/<kind>/template.xlsx")
@allow(STAFF)
def excel_template(kind: str):
    from trainer.exchange.excel import template_response

    columns, _export, _import, title = _sheet_kind(kind)
    return template_response(columns, f"{title}-导入模板.xlsx", title=title)


@bp.route("/excel/<kind>/export.xlsx")
@allow(STAFF)
def excel_export(kind: str):
    from trainer.exchange.excel import workbook_response

    _columns, export, _import, title = _sheet_kind(kind)
    scope = district_scope()
    suffix = current_user.district.name if scope is not None else "全市"
    return workbook_response([export(scope)], f"{title}-{suffix}-{today_local().isoformat()}.xlsx")


@bp.route("/excel/<kind>/import", methods=["GET", "POST"])
@allow(STAFF)
def excel_import(kind: str):
    from trainer.exchange.rows import SheetErrors

    _columns, _export, importer, title = _sheet_kind(kind)
    form = ImportForm()
    problems: list = []
    status = 200
    if form.validate_on_submit():
        try:
            created, updated = importer(form.file.data.stream, district_scope())
        except SheetErrors as error:
            db.session.rollback()
            problems = error.errors
            form.file.errors = list(form.file.errors or []) + [error.message]
            status = 422
        else:
            db.session.commit()
            flash(_("Imported: %(created)s new, %(updated)s updated.", created=created, updated=updated), "success")
            return redirect(url_for("instructors.index" if kind == "instructors" else "instructors.engagements"))
    elif request.method == "POST":
        status = 422
    return render_template("instructors/import.html", form=form, kind=kind, title=title, problems=problems), status
