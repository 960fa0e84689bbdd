"""Pages of the working-day calendar: a year as twelve months, the list of years, the admin's entry form and
import, and the conflicts list for coordinators."""

from __future__ import annotations

import calendar as pycalendar

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from trainer.auth.permissions import ANY_USER, STAFF, allow, is_api_request
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.i18n import format_weekday
from trainer.core.inputs import InputError, load_json
from trainer.core.validation import InvalidInput
from trainer.exchange.rows import run_import
from trainer.web.errors import api_error
from trainer.web.forms import form_page, save_form
from trainer.web.navigation import register_nav
from trainer.workdays import library, operations, queries, service
from trainer.workdays.forms import KIND_LABELS, EntryForm, ImportForm, PasteForm, YearForm
from trainer.workdays.models import (
    STATUS_DRAFT,
    STATUS_NOT_ANNOUNCED,
    STATUS_OFFICIAL,
    CalendarEntry,
)
from trainer.workdays.notice import (
    HolidayRange,
    NoticeInvalid,
    entries_as_ranges,
    format_holiday_lines,
    format_makeup_lines,
    merge_validation,
    parse_holiday_lines,
    parse_makeup_lines,
    validate_notice,
)
from trainer.workdays.notice_text import read_notice_text
from trainer.workdays.service import YearNotAnnounced

bp = Blueprint("workdays", __name__, url_prefix="/workdays")

register_nav(_l("Working days"), "workdays.index", ANY_USER, order=80)
register_nav(_l("Calendar conflicts"), "workdays.conflicts", STAFF, order=81)

STATUS_LABELS = {STATUS_OFFICIAL: _l("Official"), STATUS_DRAFT: _l("Draft, not confirmed"),
                 STATUS_NOT_ANNOUNCED: _l("Not announced")}
STATUS_BADGES = {STATUS_OFFICIAL: "ok", STATUS_DRAFT: "warn", STATUS_NOT_ANNOUNCED: "bad"}
SOURCE_LABELS = {"library": _l("chinese_calendar library"), "notice": _l("entered from the notice"),
                 "file": _l("imported notice file")}
FIRST_YEAR_SHOWN = 2000
LAST_YEAR_SHOWN = 2100


@bp.app_errorhandler(YearNotAnnounced)
def _year_not_announced(error: YearNotAnnounced):
    """Any page or API call that needs an unannounced year says so plainly (409), naming the year."""
    db.session.rollback()
    if is_api_request():
        return api_error(409, error.localized(), {"year": error.localized()}, code="year_not_announced")
    return render_template("errors/error.html", status=409, message=error.localized(),
                           detail=_("An administrator enters the calendar under Working days once the State "
                                    "Council has announced it.")), 409


def _template_helpers():
    return {"status_labels": STATUS_LABELS, "status_badges": STATUS_BADGES, "source_labels": SOURCE_LABELS,
            "kind_labels": KIND_LABELS, "lang_names": service.current_lang}


@bp.context_processor
def _context():
    return _template_helpers()


def _check_year(year: int) -> None:
    if not FIRST_YEAR_SHOWN <= year <= LAST_YEAR_SHOWN:
        abort(404)


def _months(year: int, cal: service.YearCalendar, language: str) -> list[dict]:
    """Twelve month grids (weeks from Monday); each cell a dict or None outside the month."""
    today = today_local()
    grid = pycalendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                names = cal.holidays.get(day) or cal.makeup.get(day)
                kind = ("holiday" if day in cal.holidays else "makeup" if day in cal.makeup
                        else "workday" if day in cal.working else "off")
                cells.append({"day": day, "kind": kind, "today": day == today,
                              "name": (names[1] if language == "en" else names[0]) if names else None})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks,
                       "working": sum(1 for d in cal.working if d.month == month)})
    return months


@bp.route("/")
@bp.route("/<int:year>")
@allow(ANY_USER)
def index(year: int | None = None):
    """A year as twelve months: holidays in red with their names, make-up working days in green."""
    year = year or today_local().year
    _check_year(year)
    cal = service.calendar(year, allow_provisional=True)
    row = queries.year_shown(year)
    holidays, makeups = entries_as_ranges(row)
    if row is None:  # the provisional fixed-date holidays, shown as ranges
        for day in sorted(cal.holidays):
            name, name_en = cal.holidays[day]
            if holidays and holidays[-1].name == name and (day - holidays[-1].end).days == 1:
                holidays[-1].end = day
            else:
                holidays.append(HolidayRange(name, name_en, library.festival_key(name), day, day))
    language = service.current_lang()
    unresolved = queries.open_conflict_count(year) if current_user.role in STAFF else 0
    weekdays = [format_weekday(i) for i in range(7)]
    return render_template("workdays/year.html", year=year, cal=cal, row=row, months=_months(year, cal, language),
                           holidays=holidays, makeups=makeups, weekdays=weekdays, unresolved=unresolved,
                           language=language)


@bp.route("/years")
@allow(ANY_USER)
def years():
    """Every year with its status: official (library or confirmed), draft, or not announced."""
    rows = queries.stored_years()
    span = library.year_range() or (today_local().year, today_local().year)
    show_all = request.args.get("all") == "1"
    this_year = today_local().year
    last = max([span[1] + 1, this_year + 1, *rows])
    first = min([span[0], *rows]) if show_all else this_year - 2
    items = []
    for year in range(last, first - 1, -1):
        row = rows.get(year)
        count = None
        if row is not None:
            status, source = row.status, row.source
            count = service.calendar(year, allow_provisional=True).working_day_count
        elif library.knows(year):
            # Not stored yet: count from the library without storing it (a list must not write).
            status, source = STATUS_OFFICIAL, "library"
            count = service.library_calendar(year).working_day_count
        else:
            status, source = STATUS_NOT_ANNOUNCED, None
        items.append({"year": year, "status": status, "row": row, "count": count, "source": source})
    return render_template("workdays/years.html", items=items, show_all=show_all)


@bp.route("/<int:year>/edit", methods=["GET", "POST"])
@allow("admin")
def edit_year(year: int):
    """Enter (or correct) a year from the State Council notice."""
    _check_year(year)
    row = operations.ensure_year_loaded(year)
    if row is not None:
        db.session.commit()  # a library year stored on first use stays stored
    form = YearForm()
    if request.method == "GET":
        holidays, makeups = entries_as_ranges(row)
        form.stamp.data = row.stamp if row else operations.NO_ROW
        form.notice.data = row.notice if row else ""
        form.holidays.data = format_holiday_lines(holidays)
        form.makeup_days.data = format_makeup_lines(makeups)

    def save() -> operations.SaveResult:
        holidays, holiday_errors = parse_holiday_lines(form.holidays.data)
        makeups, makeup_errors = parse_makeup_lines(form.makeup_days.data)
        if holiday_errors or makeup_errors:
            errors = {"holidays": holiday_errors, "makeup_days": makeup_errors}
            raise NoticeInvalid(merge_validation(errors, year, holidays, makeups))
        return operations.save_year(year, holidays=holidays, makeups=makeups, notice=form.notice.data or "",
                                    source="notice", confirm=bool(form.save_confirm.data), user=current_user,
                                    stamp=form.stamp.data)

    response = save_form(form, save, record=row, message=lambda result: _told(year, result),
                         next_url=lambda result: _after(year, result))
    return response or form_page("workdays/edit.html", form=form, year=year, row=row)


@bp.route("/paste", methods=["GET", "POST"])
@allow("admin")
def paste_notice():
    """The notice pasted as published: read into holidays and make-up days and shown for checking, with the entry
    form filled in; nothing is saved until the admin saves that form (``edit_year``, the one change path)."""
    form = PasteForm()
    if not form.validate_on_submit():
        return render_template("workdays/paste.html", form=form)
    try:
        read = read_notice_text(form.text.data)
    except InvalidInput as error:
        form.text.errors = list(form.text.errors or []) + [error.message]
        return render_template("workdays/paste.html", form=form)
    _check_year(read.year)
    problems = []
    try:
        validate_notice(read.year, read.holidays, read.makeups, notice=read.title)
    except InvalidInput as error:
        problems = [m for name in error.fields for m in error.messages_of(name)]
    row = operations.ensure_year_loaded(read.year)  # as the entry form does: its stamp is then the one it checks
    if row is not None:
        db.session.commit()
    entry = YearForm(formdata=None)
    entry.stamp.data = row.stamp if row is not None else operations.NO_ROW
    entry.notice.data = read.title
    entry.holidays.data = format_holiday_lines(read.holidays)
    entry.makeup_days.data = format_makeup_lines(read.makeups)
    return render_template("workdays/paste.html", form=form, read=read, entry=entry, row=row, problems=problems,
                           weekdays=[format_weekday(i) for i in range(7)])


def _told(year: int, result: operations.SaveResult) -> list[tuple[str, str]]:
    """What a save did, as flash messages: official, corrected or draft; and the conflicts it revealed."""
    row = result.calendar_year
    if result.became_official:
        told = [(_("The calendar of %(year)s is now official.", year=year), "success")]
    elif row.status == STATUS_OFFICIAL:
        told = [(_("The official calendar of %(year)s was corrected (%(added)s days added, %(changed)s changed, "
                   "%(removed)s removed).", year=year, added=result.added, changed=result.changed,
                   removed=result.removed), "success")]
    else:
        told = [(_("The calendar of %(year)s was saved as a draft. Check it, then confirm it as official.",
                   year=year), "info")]
    if result.conflicts:
        told.append((ngettext("%(num)s planned item falls on a day that is no longer a working day: see Calendar "
                              "conflicts.", "%(num)s planned items fall on days that are no longer working days: "
                              "see Calendar conflicts.", len(result.conflicts)), "warning"))
    return told


def _after(year: int, result) -> str:
    """Where a change of the calendar leads: the conflicts it caused, with a proposal each; else the year."""
    if getattr(result, "conflicts", None):
        return url_for("workdays.conflicts")
    return url_for("workdays.index", year=year)


def _flash_result(year: int, result: operations.SaveResult) -> None:
    for text, category in _told(year, result):
        flash(text, category)


def _change_and_show(year: int, change) -> object:
    """A button's change of a year (confirm, delete a day): saved and told, or refused with the reason; then the
    year's page."""
    try:
        result = change()
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        _flash_result(year, result)
        return redirect(_after(year, result))
    return redirect(url_for("workdays.index", year=year))


@bp.route("/<int:year>/confirm", methods=["POST"])
@allow("admin")
def confirm(year: int):
    _check_year(year)
    return _change_and_show(year, lambda: operations.confirm_year(year, user=current_user))


@bp.route("/<int:year>/discard", methods=["POST"])
@allow("admin")
def discard(year: int):
    _check_year(year)
    try:
        operations.discard_draft(year)
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The draft of %(year)s was discarded.", year=year), "success")
    return redirect(url_for("workdays.index", year=year))


@bp.route("/<int:year>/recheck", methods=["POST"])
@allow("admin")
def recheck(year: int):
    _check_year(year)
    found = operations.recheck_year(year)
    db.session.rollback()
    flash(ngettext("%(num)s planned item of this year breaks a rule now.",
                   "%(num)s planned items of this year break a rule now.", len(found)), "info")
    return redirect(url_for("workdays.conflicts"))


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@allow("admin")
def entry_edit(entry_id: int):
    """Correct one day of a year."""
    entry = db.get_or_404(CalendarEntry, entry_id)
    row = entry.calendar_year
    year = row.year
    form = EntryForm(obj=entry)
    if request.method == "GET":
        form.stamp.data = row.stamp
    response = save_form(
        form, lambda: operations.correct_entry(entry, day=form.day.data, kind=form.kind.data, name=form.name.data,
                                               name_en=form.name_en.data, stamp=form.stamp.data),
        record=row, message=lambda result: _told(year, result), next_url=lambda result: _after(year, result))
    if response is not None:
        return response
    entry = db.get_or_404(CalendarEntry, entry_id)  # as saved, when the correction was refused
    return render_template("workdays/entry.html", form=form, entry=entry, row=entry.calendar_year)


@bp.route("/entries/<int:entry_id>/delete", methods=["POST"])
@allow("admin")
def entry_delete(entry_id: int):
    entry = db.get_or_404(CalendarEntry, entry_id)
    return _change_and_show(entry.calendar_year.year,
                            lambda: operations.delete_entry(entry, stamp=request.form.get("stamp") or None))


def _notice_file(upload) -> object:
    """The content of an uploaded notice file (JSON), refused when too large or not JSON."""
    limit = current_app.config.get("WORKDAYS_MAX_NOTICE_BYTES", 200_000)
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise InvalidInput({"file": _("The file is too large for a notice.")})
    try:
        return load_json(raw)
    except InputError as error:
        raise InvalidInput({"file": str(error)}) from None


@bp.route("/import", methods=["GET", "POST"])
@allow("admin")
def import_notice():
    """Upload a notice file (JSON, see docs/workdays.md): imported whole, as one transaction, or not at all."""
    form = ImportForm()
    if form.validate_on_submit():
        try:
            data = _notice_file(form.file.data)
            result = run_import(lambda: operations.import_notice(data, confirm=form.confirm.data, user=current_user))
        except InvalidInput as error:  # every problem of the file, or a clash with an identical import
            problems = [m for name in error.fields for m in error.messages_of(name)] or [error.message]
            form.file.errors = list(form.file.errors or []) + problems
        else:
            year = result.calendar_year.year
            _flash_result(year, result)
            return redirect(_after(year, result))
    return render_template("workdays/import.html", form=form)
