"""Pages of part 2: recording a visit (the lawyer's own page, usable on a phone, and the coordinator's), the
firms' monthly accounts, the 24-hour telephone duty roster, Excel import and export.

Registered on the ``visits`` blueprint (imported at the end of ``trainer.visits.views``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, check_district, working_district
from trainer.core.clock import LOCAL_TZ, to_local, today_local
from trainer.core.concurrency import StaleEdit
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput, form_errors_from
from trainer.visits import accounts as accounting
from trainer.visits import labels, records, roster, spreadsheets
from trainer.visits.forms import (
    ConsultationForm,
    DutyPeriodForm,
    ImportForm,
    MissedForm,
    ShiftChangeForm,
    TimesForm,
)
from trainer.visits.models import Consultation, DutyPeriod, DutyShift, Firm, Lawyer, Visit
from trainer.visits.planner import month_bounds, month_key
from trainer.visits.views import STALE, _month_arg, _shift, bp


@bp.app_template_global("code_label")
def _code_label(kind: str, code: str | None) -> str:
    return labels.label(kind, code)


# ---------------------------------------------------------------------------------------------- recording

def _own_visit(visit_id: int) -> tuple[Visit, Lawyer]:
    """A lawyer acts only on their own visits: anything else is 404 (no hint that it exists)."""
    visit = db.get_or_404(Visit, visit_id)
    lawyer = records.lawyer_of(current_user)
    if lawyer is None or visit.lawyer_id != lawyer.id:
        abort(404)
    return visit, lawyer


def _staff_visit(visit_id: int) -> Visit:
    visit = db.get_or_404(Visit, visit_id)
    check_district(visit.district_id)
    return visit


def _viewer_visit(visit_id: int) -> Visit:
    if current_user.role == Role.LAWYER:
        return _own_visit(visit_id)[0]
    return _staff_visit(visit_id)


def _record_url(visit: Visit, **kwargs) -> str:
    if current_user.role == Role.LAWYER:
        return url_for("visits.my_visit", visit_id=visit.id, **kwargs)
    return url_for("visits.visit_record", visit_id=visit.id, **kwargs)


def _render_record(visit: Visit, *, consultation_form=None, missed_form=None, times_form=None,
                   editing: Consultation | None = None, status: int = 200):
    today = today_local()
    consultation_form = consultation_form or ConsultationForm(formdata=None)
    missed_form = missed_form or MissedForm(formdata=None)
    if times_form is None:
        times_form = TimesForm(formdata=None)
        if visit.checked_in_at:
            times_form.checked_in.data = to_local(visit.checked_in_at).strftime("%H:%M")
        if visit.checked_out_at:
            times_form.checked_out.data = to_local(visit.checked_out_at).strftime("%H:%M")
    if not missed_form.version.data:
        missed_form.version.data = visit.version
    if not times_form.version.data:
        times_form.version.data = visit.version
    consultations = db.session.scalars(select(Consultation).where(Consultation.visit_id == visit.id)
                                       .order_by(Consultation.id)).all()
    return render_template("visits/record.html", visit=visit, today=today, consultations=consultations,
                           form=consultation_form, missed_form=missed_form, times_form=times_form, editing=editing,
                           personal=records.may_see_personal(current_user, visit),
                           is_lawyer=current_user.role == Role.LAWYER, record_url=_record_url(visit)), status


@bp.route("/mine/v/<int:visit_id>", methods=["GET"])
@allow(Role.LAWYER)
def my_visit(visit_id: int):
    visit, _lawyer = _own_visit(visit_id)
    return _render_record(visit)


@bp.route("/v/<int:visit_id>/record", methods=["GET"])
@allow(STAFF)
def visit_record(visit_id: int):
    return _render_record(_staff_visit(visit_id))


@bp.route("/mine/v/<int:visit_id>/check-in", methods=["POST"])
@allow(Role.LAWYER)
def check_in(visit_id: int):
    visit, _lawyer = _own_visit(visit_id)
    try:
        records.check_in(visit, user=current_user, today=today_local())
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Checked in at %(station)s at %(time)s.", station=visit.station.name,
                time=to_local(visit.checked_in_at).strftime("%H:%M")), "success")
    return redirect(request.form.get("next") == "mine" and url_for("visits.my_visits")
                    or url_for("visits.my_visit", visit_id=visit.id))


@bp.route("/mine/v/<int:visit_id>/check-out", methods=["POST"])
@allow(Role.LAWYER)
def check_out(visit_id: int):
    visit, _lawyer = _own_visit(visit_id)
    try:
        records.check_out(visit, user=current_user)
    except InvalidInput as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Checked out at %(time)s. Thank you.", time=to_local(visit.checked_out_at).strftime("%H:%M")),
              "success")
    return redirect(request.form.get("next") == "mine" and url_for("visits.my_visits")
                    or url_for("visits.my_visit", visit_id=visit.id))


def _save_consultation(visit: Visit, consultation: Consultation | None):
    form = ConsultationForm()
    if form.validate_on_submit():
        try:
            records.save_consultation(
                consultation, visit=visit, user=current_user, asker_type=form.asker_type.data,
                people_count=form.people_count.data, channel=form.channel.data, category=form.category.data,
                question=form.question.data, advice=form.advice.data, referral=form.referral.data,
                follow_up=form.follow_up.data, follow_up_note=form.follow_up_note.data,
                enterprise_name=form.enterprise_name.data, worker_name=form.worker_name.data,
                worker_phone=form.worker_phone.data, version=form.version.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        except StaleEdit:
            db.session.rollback()
            flash(STALE, "error")
            return redirect(_record_url(visit))
        else:
            db.session.commit()
            flash(_("Consultation saved.") if consultation else _("Consultation recorded."), "success")
            return redirect(_record_url(visit) + "#consultations")
    return _render_record(visit, consultation_form=form, editing=consultation, status=422)


@bp.route("/mine/v/<int:visit_id>/consultations", methods=["POST"])
@bp.route("/v/<int:visit_id>/consultations", methods=["POST"], endpoint="staff_consultation_add")
@allow(STAFF, Role.LAWYER)
def consultation_add(visit_id: int):
    return _save_consultation(_viewer_visit(visit_id), None)


def _consultation(consultation_id: int) -> tuple[Consultation, Visit]:
    consultation = db.get_or_404(Consultation, consultation_id)
    visit = _viewer_visit(consultation.visit_id)
    return consultation, visit


@bp.route("/consultations/<int:consultation_id>", methods=["GET", "POST"])
@allow(STAFF, Role.LAWYER)
def consultation_edit(consultation_id: int):
    consultation, visit = _consultation(consultation_id)
    if request.method == "POST":
        if request.form.get("action") == "delete":
            try:
                records.delete_consultation(consultation, version=request.form.get("version"))
            except StaleEdit:
                db.session.rollback()
                flash(STALE, "error")
            else:
                db.session.commit()
                flash(_("Consultation deleted."), "success")
            return redirect(_record_url(visit))
        return _save_consultation(visit, consultation)
    form = ConsultationForm(obj=consultation)
    form.version.data = consultation.version
    return _render_record(visit, consultation_form=form, editing=consultation)[0]


@bp.route("/mine/v/<int:visit_id>/missed", methods=["POST"])
@bp.route("/v/<int:visit_id>/missed", methods=["POST"], endpoint="staff_missed")
@allow(STAFF, Role.LAWYER)
def visit_missed(visit_id: int):
    visit = _viewer_visit(visit_id)
    form = MissedForm()
    if form.validate_on_submit():
        try:
            records.mark_missed(visit, reason=form.reason.data, note=form.note.data, user=current_user,
                                today=today_local(), version=form.version.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        except StaleEdit:
            db.session.rollback()
            flash(STALE, "error")
            return redirect(_record_url(visit))
        else:
            db.session.commit()
            flash(_("The visit is recorded as missed: %(reason)s.", reason=labels.label("missed", visit.missed_reason)),
                  "success")
            return redirect(_record_url(visit))
    return _render_record(visit, missed_form=form, status=422)


@bp.route("/v/<int:visit_id>/reopen", methods=["POST"])
@allow(STAFF)
def visit_reopen(visit_id: int):
    visit = _staff_visit(visit_id)
    try:
        records.reopen(visit, version=request.form.get("version"))
    except (InvalidInput, StaleEdit) as error:
        db.session.rollback()
        flash(getattr(error, "message", None) or STALE, "error")
    else:
        db.session.commit()
        flash(_("The visit is planned again."), "success")
    return redirect(url_for("visits.visit_record", visit_id=visit.id))


def _local_moment(day: date, hhmm: str | None) -> datetime | None:
    if not hhmm:
        return None
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


@bp.route("/v/<int:visit_id>/times", methods=["POST"])
@allow(STAFF)
def visit_times(visit_id: int):
    visit = _staff_visit(visit_id)
    form = TimesForm()
    if form.validate_on_submit():
        try:
            records.record_times(visit, checked_in_at=_local_moment(visit.day, form.checked_in.data),
                                 checked_out_at=_local_moment(visit.day, form.checked_out.data),
                                 user=current_user, today=today_local(), version=form.version.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
            for key, target in (("checked_in_at", form.checked_in), ("checked_out_at", form.checked_out)):
                if key in error.fields:
                    target.errors = list(target.errors) + [error.fields[key]]
            form.form_errors = [e for e in form.form_errors if e not in error.fields.values()]
        except StaleEdit:
            db.session.rollback()
            flash(STALE, "error")
            return redirect(_record_url(visit))
        else:
            db.session.commit()
            flash(_("Times saved."), "success")
            return redirect(_record_url(visit))
    return _render_record(visit, times_form=form, status=422)


@bp.route("/mine/records.xlsx")
@allow(Role.LAWYER)
def my_records_xlsx():
    from trainer.exchange.excel import workbook_response

    lawyer = records.lawyer_of(current_user)
    if lawyer is None:
        abort(404)
    month = _month_arg()
    first, last = month_bounds(month)
    visits = spreadsheets.record_visits(None, first, last, lawyer_id=lawyer.id)
    return workbook_response([spreadsheets.records_sheet(visits, current_user, _("hidden"))],
                             f"走访记录-{lawyer.name}-{month_key(month)}.xlsx")


# ------------------------------------------------------------------------------------------------ accounts

def _bars(items: list[tuple[str, list[tuple[str, float, str]]]], unit: float | None = None) -> dict:
    """Geometry for a server-drawn horizontal bar chart: items = [(label, [(series, value, css class)])]."""
    biggest = max([v for _label, series in items for _s, v, _c in series] + [1])
    rows, y = [], 0
    for text, series in items:
        bars = []
        for index, (name, value, css) in enumerate(series):
            bars.append({"name": name, "value": value, "css": css, "y": y + 4 + index * 14,
                         "width": round(360 * value / biggest, 1)})
        height = 8 + 14 * len(series)
        rows.append({"label": text, "y": y, "height": height, "bars": bars})
        y += height + 6
    return {"rows": rows, "height": max(y, 20), "width": 640}


@bp.route("/accounts")
@allow(STAFF)
def accounts():
    district = working_district()
    month = _month_arg()
    items = accounting.district_accounts(district.id, month)
    chart = _bars([(a.firm.name.removeprefix("北京").removesuffix("律师事务所"), [
        (_("contracted"), a.contracted, "bar-contracted"), (_("delivered"), a.delivered, "bar-delivered"),
        (_("missed"), a.missed, "bar-missed")]) for a in items])
    totals = {key: sum(getattr(a, key) for a in items) for key in (
        "contracted", "planned", "delivered", "missed", "open", "consultations", "people")}
    totals["hours"] = round(sum(a.hours for a in items), 2)
    return render_template("visits/accounts.html", district=district, month=month, items=items, chart=chart,
                           totals=totals, month_key=month_key(month), prev_month=_shift(month, -1),
                           next_month=_shift(month, 1))


@bp.route("/accounts.xlsx")
@allow(STAFF)
def accounts_xlsx():
    from trainer.exchange.excel import workbook_response

    district = working_district()
    month = _month_arg()
    items = accounting.district_accounts(district.id, month)
    return workbook_response([spreadsheets.district_accounts_sheet(items)],
                             f"律所月度台账-{district.name}-{month_key(month)}.xlsx")


def _firm_for_account(firm_id: int) -> Firm:
    firm = db.get_or_404(Firm, firm_id)
    check_district(firm.district_id)
    return firm


@bp.route("/accounts/<int:firm_id>")
@allow(STAFF)
def firm_account(firm_id: int):
    firm = _firm_for_account(firm_id)
    month = _month_arg()
    account = accounting.firm_account(firm, month)
    chart = _bars([(labels.label("category", code), [(_("consultations"), count, "bar-delivered")])
                   for code, count in account.by_category.items()])
    from trainer.visits.models import FirmMonthlyAccount

    snapshot = db.session.scalar(select(FirmMonthlyAccount).where(FirmMonthlyAccount.firm_id == firm.id,
                                                                  FirmMonthlyAccount.month == month_key(month)))
    return render_template("visits/firm_account.html", firm=firm, account=account, chart=chart, month=month,
                           month_key=month_key(month), prev_month=_shift(month, -1), next_month=_shift(month, 1),
                           snapshot=snapshot, hours_of=accounting.visit_hours)


@bp.route("/accounts/<int:firm_id>/account.xlsx")
@allow(STAFF)
def firm_account_xlsx(firm_id: int):
    from trainer.exchange.excel import workbook_response

    firm = _firm_for_account(firm_id)
    month = _month_arg()
    account = accounting.firm_account(firm, month)
    return workbook_response(spreadsheets.account_sheets(account), f"月度台账-{firm.name}-{month_key(month)}.xlsx")


# ---------------------------------------------------------------------------------------------------- duty

def _period(period_id: int) -> DutyPeriod:
    period = db.get_or_404(DutyPeriod, period_id)
    check_district(period.district_id)
    return period


@bp.route("/duty")
@allow(STAFF)
def duty_periods():
    district = working_district()
    periods = db.session.scalars(select(DutyPeriod).where(DutyPeriod.district_id == district.id)
                                 .options(selectinload(DutyPeriod.lawyers))
                                 .order_by(DutyPeriod.first_day.desc())).all()
    return render_template("visits/duty_list.html", district=district, periods=periods)


def _period_form(period: DutyPeriod | None, district) -> DutyPeriodForm:
    form = DutyPeriodForm(obj=period)
    lawyers = db.session.scalars(select(Lawyer).where(Lawyer.district_id == district.id, Lawyer.active)
                                 .options(selectinload(Lawyer.firm)).order_by(Lawyer.firm_id, Lawyer.name)).all()
    form.lawyer_ids.choices = [(lw.id, f"{lw.name}（{lw.firm.name}）") for lw in lawyers]
    if request.method == "GET" and period is not None:
        form.lawyer_ids.data = [lw.id for lw in period.lawyers]
        form.shifts.data = ", ".join(f"{s['start']}-{'24:00' if s['end'] == '00:00' else s['end']}"
                                     for s in period.shifts)
        form.version.data = period.version
    return form


@bp.route("/duty/new", methods=["GET", "POST"])
@bp.route("/duty/<int:period_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def duty_edit(period_id: int | None = None):
    period = _period(period_id) if period_id else None
    district = period.district if period else working_district()
    form = _period_form(period, district)
    status = 200
    if form.validate_on_submit():
        try:
            period = roster.save_period(period, district_id=district.id, title=form.title.data,
                                        first_day=form.first_day.data, last_day=form.last_day.data,
                                        shifts=form.shifts.data, per_shift=form.per_shift.data,
                                        lawyer_ids=form.lawyer_ids.data, phone=form.phone.data,
                                        version=form.version.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
            status = 422
        except StaleEdit:
            db.session.rollback()
            flash(STALE, "error")
            return redirect(url_for("visits.duty_edit", period_id=period.id))
        else:
            db.session.commit()
            flash(_("Duty period saved. Plan the roster now."), "success")
            return redirect(url_for("visits.duty_period", period_id=period.id))
    elif request.method == "POST":
        status = 422
    return render_template("visits/duty_form.html", form=form, period=period, district=district), status


@bp.route("/duty/<int:period_id>")
@allow(STAFF)
def duty_period(period_id: int):
    period = _period(period_id)
    days, grid = roster.roster_grid(period)
    counts = roster.load_counts(period)
    return render_template("visits/duty_period.html", period=period, days=days, grid=grid, counts=counts,
                           problems=roster.describe_all(period), shift_label=roster.shift_label)


@bp.route("/duty/<int:period_id>/plan", methods=["POST"])
@allow(STAFF)
def duty_plan(period_id: int):
    period = _period(period_id)
    outcome = roster.plan_period(period, time_limit_s=8.0)
    db.session.commit()
    if outcome.problems:
        flash(_("Roster planned with %(n)s problems; see below.", n=len(outcome.problems)), "error")
    else:
        flash(_("Roster planned: every shift is covered, no lawyer is on two shifts at once or on leave."),
              "success")
    return redirect(url_for("visits.duty_period", period_id=period.id))


@bp.route("/duty/<int:period_id>/change", methods=["GET", "POST"])
@allow(STAFF)
def duty_change(period_id: int):
    period = _period(period_id)
    try:
        day = date.fromisoformat(request.values.get("day", ""))
    except ValueError:
        abort(404)
    code = request.values.get("shift", "")
    shift = period.shift(code)
    if shift is None or not period.first_day <= day <= period.last_day:
        abort(404)
    on_duty = [r for r in period.duty_shifts if r.status == "planned" and r.day == day and r.shift_code == code]
    form = ShiftChangeForm()
    form.remove_lawyer_id.choices = [(None, _("— nobody —"))] + [(r.lawyer_id, r.lawyer.name) for r in on_duty]
    form.lawyer_id.choices = [(None, _("— nobody —"))] + [(lw.id, lw.name) for lw in period.lawyers]
    if request.method == "GET":
        form.version.data = period.version
    status = 200
    if form.validate_on_submit():
        try:
            roster.change_shift(period, day=day, shift_code=code, remove_lawyer_id=form.remove_lawyer_id.data,
                                lawyer_id=form.lawyer_id.data, version=form.version.data)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
            status = 422
        except StaleEdit:
            db.session.rollback()
            flash(STALE, "error")
            return redirect(url_for("visits.duty_change", period_id=period.id, day=day.isoformat(), shift=code))
        else:
            db.session.commit()
            flash(_("Shift changed."), "success")
            return redirect(url_for("visits.duty_period", period_id=period.id))
    elif request.method == "POST":
        status = 422
    return render_template("visits/duty_change.html", period=period, day=day, shift=shift, on_duty=on_duty,
                           form=form, shift_label=roster.shift_label), status


@bp.route("/duty/<int:period_id>/roster.xlsx")
@allow(STAFF)
def duty_xlsx(period_id: int):
    from trainer.exchange.excel import workbook_response

    period = _period(period_id)
    return workbook_response([spreadsheets.roster_sheet(period)], f"值班表-{period.title}.xlsx")


# -------------------------------------------------------------------------------------------- import/export

@bp.route("/excel")
@allow(STAFF)
def excel():
    district = working_district()
    today = today_local()
    first, last = month_bounds((today.year, today.month))
    return render_template("visits/excel.html", district=district, kinds=spreadsheets.KINDS,
                           first=first, last=last)


def _kind(kind: str):
    if kind not in spreadsheets.KINDS:
        abort(404)
    return spreadsheets.KINDS[kind]


@bp.route("/import/<kind>/template.xlsx")
@allow(STAFF)
def import_template(kind: str):
    from trainer.exchange.excel import template_response

    columns, title = _kind(kind)
    return template_response(columns, f"{title}-导入模板.xlsx", title=title)


@bp.route("/import/<kind>", methods=["GET", "POST"])
@allow(STAFF)
def import_sheet(kind: str):
    from trainer.exchange.rows import SheetErrors

    columns, title = _kind(kind)
    district = working_district()
    form = ImportForm()
    problems, status = [], 200
    if form.validate_on_submit():
        try:
            created, updated = spreadsheets.IMPORTERS[kind](form.file.data.stream, district)
        except SheetErrors as error:
            db.session.rollback()
            problems = error.errors
            form.file.errors = list(form.file.errors or []) + [error.message]
            status = 422
        else:
            db.session.commit()
            flash(_("Imported: %(created)s new, %(updated)s updated.", created=created, updated=updated), "success")
            return redirect(url_for("visits.excel"))
    elif request.method == "POST":
        status = 422
    return render_template("visits/import.html", form=form, kind=kind, title=title, columns=columns,
                           problems=problems, district=district), status


def _range_args() -> tuple[date, date]:
    today = today_local()
    first, last = month_bounds((today.year, today.month))
    try:
        first = date.fromisoformat(request.args.get("from") or first.isoformat())
        last = date.fromisoformat(request.args.get("to") or last.isoformat())
    except ValueError:
        abort(400)
    if last < first or (last - first) > timedelta(days=400):
        abort(400)
    return first, last


@bp.route("/export/plan.xlsx")
@allow(STAFF)
def export_plan():
    from trainer.exchange.excel import workbook_response

    district = working_district()
    first, last = _range_args()
    return workbook_response([spreadsheets.visits_sheet(district.id, first, last)],
                             f"走访计划-{district.name}-{first.isoformat()}-{last.isoformat()}.xlsx")


@bp.route("/export/records.xlsx")
@allow(STAFF)
def export_records():
    from trainer.exchange.excel import workbook_response

    district = working_district()
    first, last = _range_args()
    visits = spreadsheets.record_visits(district.id, first, last)
    return workbook_response([spreadsheets.records_sheet(visits, current_user, _("hidden"))],
                             f"走访记录-{district.name}-{first.isoformat()}-{last.isoformat()}.xlsx")


def my_duty_shifts(lawyer: Lawyer, today: date) -> list[DutyShift]:
    return db.session.scalars(select(DutyShift).where(
        DutyShift.lawyer_id == lawyer.id, DutyShift.status == "planned", DutyShift.day >= today - timedelta(days=1))
        .options(selectinload(DutyShift.period)).order_by(DutyShift.day, DutyShift.shift_code).limit(30)).all()

