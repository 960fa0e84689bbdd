"""Pages of the guidance meetings: series (with their recurrence rule and expansion), the meeting list, a single
meeting (moved, cancelled, attendance and minutes) and a meeting planned on its own."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from trainer.auth.permissions import STAFF, allow, district_scope
from trainer.core.extensions import db
from trainer.core.i18n import lang
from trainer.core.inputs import parse_day
from trainer.instructors import access
from trainer.instructors.blueprint import WITH_INSTRUCTOR, bp
from trainer.instructors.meetings import operations, queries
from trainer.instructors.meetings.forms import (
    RULE_PRESETS,
    CancelForm,
    MeetingForm,
    MoveMeetingForm,
    RecordForm,
    SeriesForm,
)
from trainer.instructors.models import Meeting
from trainer.web.forms import form_page, save_form


@bp.route("/series")
@allow(STAFF)
def series_list():
    return render_template("instructors/series_list.html", rows=queries.series_rows())


@bp.route("/series/new", methods=["GET", "POST"])
@bp.route("/series/<int:series_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def series_edit(series_id: int | None = None):
    series = access.series(series_id, edit=True) if series_id else None
    form = SeriesForm(obj=series)
    form.organiser_id.choices = queries.organiser_choices()
    form.district_id.choices = ([(0, "—")] if access.is_admin() else []) + [
        (d.id, d.name if lang() == "zh" else d.name_en) for d in access.district_choices()]
    if request.method == "GET" and series is not None:
        form.district_id.data = series.district_id or 0

    def save():
        return operations.save_and_place(
            series, place_until=max(operations.horizon(), date(form.starts_on.data.year, 12, 31)),
            organiser=access.organiser(form.organiser_id.data), pair=form.pair.data,
            district_id=access.meeting_district(form.district_id.data or None), title=form.title.data,
            rrule=form.rrule.data, starts_on=form.starts_on.data, until=form.until.data,
            start_time=form.start_time.data, end_time=form.end_time.data, location=form.location.data or "",
            active=form.active.data, version=form.version.data)

    response = save_form(form, save, record=series,
                         message=lambda saved: _("Series saved.") + " " + saved[1].summary(),
                         category=lambda saved: "warning" if saved[1].stopped_year else "success",
                         next_url=lambda saved: url_for("instructors.series_detail", series_id=saved[0].id))
    return response or form_page("instructors/series_form.html", form=form, series=series,
                                       presets=RULE_PRESETS)


@bp.route("/series/<int:series_id>")
@allow(STAFF)
def series_detail(series_id: int):
    series = access.series(series_id)
    return render_template("instructors/series_detail.html", series=series, meetings=queries.series_meetings(series),
                           editable=access.is_admin() or series.district_id is not None)


@bp.route("/series/<int:series_id>/expand", methods=["POST"])
@allow(STAFF)
def series_expand(series_id: int):
    series = access.series(series_id, edit=True)
    until = parse_day(request.form.get("until")) or operations.horizon()
    result = operations.expand_series(series, until, provisional=request.form.get("provisional") == "1")
    db.session.commit()
    flash(result.summary(), "warning" if result.stopped_year or result.provisional else "success")
    return redirect(url_for("instructors.series_detail", series_id=series.id))


@bp.route("/meetings")
@allow(WITH_INSTRUCTOR)
def meetings():
    show_past = request.args.get("past") == "1"
    return render_template("instructors/meetings.html", page=queries.meetings_page(past=show_past),
                           show_past=show_past, me=access.me())


@bp.route("/meetings/new", methods=["GET", "POST"])
@allow(STAFF)
def meeting_new():
    form = MeetingForm()
    form.organiser_id.choices = queries.organiser_choices()

    def save() -> Meeting:
        organiser = access.organiser(form.organiser_id.data)
        return operations.create_meeting(
            organiser=organiser, district_id=organiser.district_id or district_scope(), title=form.title.data,
            day=form.day.data, start_time=form.start_time.data, end_time=form.end_time.data,
            location=form.location.data)

    response = save_form(form, save, message=_("Meeting planned."),
                         next_url=lambda saved: url_for("instructors.meeting", meeting_id=saved.id))
    return response or form_page("instructors/meeting_new.html", form=form)


def _meeting_page(meeting: Meeting, *, move_form=None, cancel_form=None, record_form=None, status=200):
    move_form = move_form or MoveMeetingForm(formdata=None, obj=meeting)
    cancel_form = cancel_form or CancelForm(formdata=None, obj=meeting)
    if record_form is None:
        record_form = RecordForm(formdata=None, obj=meeting)
        record_form.present.data = [a.instructor_id for a in meeting.attendance if a.present]
    record_form.present.choices = [(a.instructor_id, a.instructor.name) for a in meeting.attendance]
    return render_template("instructors/meeting.html", meeting=meeting, move_form=move_form,
                           cancel_form=cancel_form, record_form=record_form,
                           editable=access.meeting_editable(meeting, access.me())), status


_FORM_ARGS = {MoveMeetingForm: "move_form", CancelForm: "cancel_form", RecordForm: "record_form"}


def _saved(meeting: Meeting, message: str, form, save):
    """A form of the meeting page: saved, or the page again with the form's problems (422)."""
    response = save_form(form, save, record=meeting, message=message,
                         next_url=url_for("instructors.meeting", meeting_id=meeting.id))
    if response is not None:
        return response
    meeting = access.meeting(meeting.id, edit=True)
    return _meeting_page(meeting, status=422, **{_FORM_ARGS[type(form)]: form})



@bp.route("/meetings/<int:meeting_id>")
@allow(WITH_INSTRUCTOR)
def meeting(meeting_id: int):
    return _meeting_page(access.meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>/move", methods=["POST"])
@allow(WITH_INSTRUCTOR)
def meeting_move(meeting_id: int):
    meeting = access.meeting(meeting_id, edit=True)
    form = MoveMeetingForm()
    return _saved(meeting, _("Meeting moved; calendars will show the new time."), form, lambda: operations.move_meeting(
        meeting, day=form.day.data, start_time=form.start_time.data, end_time=form.end_time.data,
        location=form.location.data or "", version=form.version.data))


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@allow(WITH_INSTRUCTOR)
def meeting_cancel(meeting_id: int):
    meeting = access.meeting(meeting_id, edit=True)
    form = CancelForm()
    return _saved(meeting, _("Meeting cancelled."), form,
                  lambda: operations.cancel_meeting(meeting, form.reason.data or "", version=form.version.data))


@bp.route("/meetings/<int:meeting_id>/record", methods=["POST"])
@allow(WITH_INSTRUCTOR)
def meeting_record(meeting_id: int):
    meeting = access.meeting(meeting_id, edit=True)
    form = RecordForm()
    form.present.choices = [(a.instructor_id, a.instructor.name) for a in meeting.attendance]
    return _saved(meeting, _("Attendance and minutes saved."), form, lambda: operations.record_meeting(
        meeting, present_ids=set(form.present.data or []), minutes=form.minutes.data, version=form.version.data))
