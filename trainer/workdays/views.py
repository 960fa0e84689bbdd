"""Pages of the working-day calendar: a year as twelve months, the list of years, the admin's entry form and
import, and the conflicts list for coordinators."""

from __future__ import annotations

import calendar as pycalendar
import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.auth.permissions import ANY_USER, STAFF, allow, check_district, scoped
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput, form_errors_from
from trainer.web.navigation import register_nav
from trainer.workdays import library, operations, service
from trainer.workdays.forms import KIND_LABELS, EntryForm, ImportForm, YearForm
from trainer.workdays.models import (
    STATUS_DRAFT,
    STATUS_NOT_ANNOUNCED,
    STATUS_OFFICIAL,
    CalendarEntry,
    CalendarYear,
    WorkdayConflict,
)
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
    from trainer.auth.permissions import is_api_request
    from trainer.web.errors import api_error

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
    row = db.session.scalar(select(CalendarYear).where(CalendarYear.year == year)
                            .options(selectinload(CalendarYear.entries), selectinload(CalendarYear.confirmed_by)))
    holidays, makeups = operations.entries_as_ranges(row)
    if row is None:  # the provisional fixed-date holidays, shown as ranges
        for day in sorted(cal.holidays):
            name, name_en = cal.holidays[day]
            if holidays and holidays[-1].name == name and (day - holidays[-1].end).days == 1:
                holidays[-1].end = day
            else:
                holidays.append(operations.HolidayRange(name, name_en, library.festival_key(name), day, day))
    language = service.current_lang()
    unresolved = 0
    if current_user.role in STAFF:
        unresolved = db.session.scalar(
            scoped(select(func.count(WorkdayConflict.id)).where(WorkdayConflict.year == year,
                                                                WorkdayConflict.resolved.is_(False)),
                   WorkdayConflict.district_id))
    weekdays = [_weekday_short(i) for i in range(7)]
    return render_template("workdays/year.html", year=year, cal=cal, row=row, months=_months(year, cal, language),
                           holidays=holidays, makeups=makeups, weekdays=weekdays, unresolved=unresolved,
                           language=language)


def _weekday_short(index: int) -> str:
    from trainer.core.i18n import format_weekday

    return format_weekday(index)


@bp.route("/years")
@allow(ANY_USER)
def years():
    """Every year with its status: official (library or confirmed), draft, or not announced."""
    rows = {r.year: r for r in db.session.scalars(select(CalendarYear))}
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
        holidays, makeups = operations.entries_as_ranges(row)
        form.stamp.data = row.stamp if row else operations.NO_ROW
        form.notice.data = row.notice if row else ""
        form.holidays.data = operations.format_holiday_lines(holidays)
        form.makeup_days.data = operations.format_makeup_lines(makeups)
    if form.validate_on_submit():
        holidays, holiday_errors = operations.parse_holiday_lines(form.holidays.data)
        makeups, makeup_errors = operations.parse_makeup_lines(form.makeup_days.data)
        try:
            if holiday_errors or makeup_errors:
                errors = {"holidays": holiday_errors, "makeup_days": makeup_errors}
                raise operations.NoticeInvalid(operations.merge_validation(errors, year, holidays, makeups))
            result = operations.save_year(year, holidays=holidays, makeups=makeups, notice=form.notice.data or "",
                                          source="notice", confirm=bool(form.save_confirm.data),
                                          user=current_user, stamp=form.stamp.data)
        except operations.NoticeInvalid as error:
            _show_errors(form, error)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            _flash_result(year, result)
            return redirect(url_for("workdays.index", year=year))
    return render_template("workdays/edit.html", form=form, year=year, row=row)


def _show_errors(form, error: operations.NoticeInvalid) -> None:
    for name, messages in error.errors.items():
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = list(target.errors or []) + messages
        else:
            form.form_errors.extend(messages)


def _flash_result(year: int, result: operations.SaveResult) -> None:
    row = result.calendar_year
    if result.became_official:
        flash(_("The calendar of %(year)s is now official.", year=year), "success")
    elif row.status == STATUS_OFFICIAL:
        flash(_("The official calendar of %(year)s was corrected (%(added)s days added, %(changed)s changed, "
                "%(removed)s removed).", year=year, added=result.added, changed=result.changed,
                removed=result.removed), "success")
    else:
        flash(_("The calendar of %(year)s was saved as a draft. Check it, then confirm it as official.", year=year),
              "info")
    if result.conflicts:
        flash(ngettext("%(num)s planned item falls on a day that is no longer a working day: see Calendar "
                       "conflicts.", "%(num)s planned items fall on days that are no longer working days: see "
                       "Calendar conflicts.", len(result.conflicts)), "warning")


@bp.route("/<int:year>/confirm", methods=["POST"])
@allow("admin")
def confirm(year: int):
    _check_year(year)
    try:
        result = operations.confirm_year(year, user=current_user)
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        _flash_result(year, result)
    return redirect(url_for("workdays.index", year=year))


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
    db.session.commit()
    flash(ngettext("%(num)s new conflict found.", "%(num)s new conflicts found.", len(found)), "info")
    return redirect(url_for("workdays.conflicts"))


@bp.route("/entries/<int:entry_id>", methods=["GET", "POST"])
@allow("admin")
def entry_edit(entry_id: int):
    """Correct one day of a year."""
    entry = db.get_or_404(CalendarEntry, entry_id)
    row = entry.calendar_year
    form = EntryForm(obj=entry)
    if request.method == "GET":
        form.stamp.data = row.stamp
    if form.validate_on_submit():
        year = row.year
        try:
            result = operations.correct_entry(entry, day=form.day.data, kind=form.kind.data, name=form.name.data,
                                              name_en=form.name_en.data, stamp=form.stamp.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
            entry = db.get_or_404(CalendarEntry, entry_id)
        else:
            db.session.commit()
            _flash_result(year, result)
            return redirect(url_for("workdays.index", year=year))
    return render_template("workdays/entry.html", form=form, entry=entry, row=entry.calendar_year)


@bp.route("/entries/<int:entry_id>/delete", methods=["POST"])
@allow("admin")
def entry_delete(entry_id: int):
    entry = db.get_or_404(CalendarEntry, entry_id)
    year = entry.calendar_year.year
    try:
        result = operations.delete_entry(entry, stamp=request.form.get("stamp") or None)
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        _flash_result(year, result)
    return redirect(url_for("workdays.index", year=year))


@bp.route("/import", methods=["GET", "POST"])
@allow("admin")
def import_notice():
    """Upload a notice file (JSON, see docs/workdays.md)."""
    form = ImportForm()
    if form.validate_on_submit():
        raw = form.file.data.read(current_app.config.get("WORKDAYS_MAX_NOTICE_BYTES", 200_000) + 1)
        try:
            if len(raw) > current_app.config.get("WORKDAYS_MAX_NOTICE_BYTES", 200_000):
                raise InvalidInput({"file": _("The file is too large for a notice.")})
            try:
                data = json.loads(raw.decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError) as error:
                raise InvalidInput({"file": _("The file is not valid JSON (%(error)s).", error=error)}) from None
            result = operations.import_notice(data, confirm=form.confirm.data, user=current_user)
        except operations.NoticeInvalid as error:
            db.session.rollback()
            form.file.errors = list(form.file.errors or []) + [m for ms in error.errors.values() for m in ms]
        except InvalidInput as error:
            db.session.rollback()
            form.file.errors = list(form.file.errors or []) + list(error.fields.values() or [error.message])
        else:
            db.session.commit()
            year = result.calendar_year.year
            _flash_result(year, result)
            return redirect(url_for("workdays.index", year=year))
    return render_template("workdays/import.html", form=form)


@bp.route("/conflicts")
@allow(STAFF)
def conflicts():
    """Plans on days that stopped being working days: a coordinator sees their district, the admin all."""
    show = request.args.get("show", "open")
    stmt = (select(WorkdayConflict).options(selectinload(WorkdayConflict.district),
                                            selectinload(WorkdayConflict.resolved_by))
            .order_by(WorkdayConflict.resolved, WorkdayConflict.day, WorkdayConflict.kind, WorkdayConflict.id))
    stmt = scoped(stmt, WorkdayConflict.district_id)
    if show != "all":
        stmt = stmt.where(WorkdayConflict.resolved.is_(False))
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    reasons = {}
    for item in page.items:
        try:
            info = service.day_info(item.day, allow_provisional=True)
        except YearNotAnnounced:  # pragma: no cover
            continue
        reasons[item.id] = info
    return render_template("workdays/conflicts.html", page=page, show=show, reasons=reasons,
                           language=service.current_lang())


@bp.route("/conflicts/<int:conflict_id>/resolve", methods=["POST"])
@allow(STAFF)
def resolve(conflict_id: int):
    conflict = db.get_or_404(WorkdayConflict, conflict_id)
    check_district(conflict.district_id)
    reopen = request.form.get("reopen") == "1"
    operations.resolve_conflict(conflict, current_user, resolved=not reopen)
    db.session.commit()
    flash(_("Marked as open again.") if reopen else _("Marked as resolved."), "success")
    return redirect(url_for("workdays.conflicts", show=request.form.get("show", "open")))

