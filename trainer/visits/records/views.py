"""The records' pages: what happened at a visit (the lawyer's own pages under /visits/mine, usable on a phone, and
the coordinator's record page): check-in and check-out, no-shows, times, consultations; the firms' monthly
accounts; and the records as Excel files."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, working_district
from trainer.core.clock import LOCAL_TZ, as_utc, to_local, today_local
from trainer.core.months import month_bounds, month_key
from trainer.core.validation import InvalidInput
from trainer.exchange.excel import workbook_response
from trainer.visits import access, labels
from trainer.visits.blueprint import bp
from trainer.visits.duty import queries as duty_queries
from trainer.visits.duty.messages import shift_label
from trainer.visits.models import Consultation, Visit
from trainer.visits.records import accounts as accounting
from trainer.visits.records import operations, queries, rules, sheets
from trainer.visits.records.forms import (
    ConsultationForm,
    CorrectionForm,
    LateRecordForm,
    MissedForm,
    TimesForm,
)
from trainer.visits.setup import queries as setup_queries
from trainer.visits.setup.views import excel_page
from trainer.visits.web import button_action, month_arg, month_links, range_args
from trainer.web.forms import save_form
from trainer.web.rendered import render_kept


@bp.app_template_global("visit_state")
def _visit_state(visit: Visit) -> str:
    """What the visit is now (rules.state): planned, unrecorded, in_progress, delivered, no_checkout, …"""
    return rules.state(visit)


@bp.app_template_filter("duration")
def _duration(value: timedelta | None) -> str:
    """3小时05分 / 1分钟: how long a visit lasted, never "0.0 hours"."""
    if value is None:
        return ""
    minutes = max(0, round(value.total_seconds() / 60))
    if minutes < 60:
        return _("%(m)s min", m=minutes)
    rest = f"{minutes % 60:02d}"
    return _("%(h)s h %(m)s min", h=minutes // 60, m=rest)


@bp.app_template_global("checkin_window")
def _checkin_window(visit: Visit) -> tuple[datetime, datetime, bool]:
    """(opens, closes, open now) of the visit's check-in, in Beijing time."""
    opens, closes = rules.checkin_window(visit)
    return opens, closes, as_utc(opens) <= rules.now() <= as_utc(closes)


# ------------------------------------------------------------------------------------------- the lawyer's page

@bp.route("/mine")
@allow(Role.LAWYER)
def my_visits():
    lawyer = access.my_lawyer()
    if lawyer is None:
        return render_template("visits/mine.html", lawyer=None)
    today = today_local()
    now = rules.now()
    to_record = [v for v in queries.to_record(lawyer, today)
                 if rules.state(v, now) in (rules.UNRECORDED, rules.NO_CHECKOUT) and rules.late_window(v, today).open]
    return render_template("visits/mine.html", lawyer=lawyer, today=today, now=now, to_record=to_record,
                           todays=queries.todays_visits(lawyer, today), form=ConsultationForm(formdata=None),
                           duty=duty_queries.shifts_of(lawyer, today), shift_label=shift_label,
                           **setup_queries.lawyer_overview(lawyer, today))


# ---------------------------------------------------------------------------------------------- recording

def _back_from_button(visit: Visit) -> str:
    """Where the lawyer's check-in and check-out buttons lead back to: the list of the day, or the visit."""
    if request.form.get("next") == "mine":
        return url_for("visits.my_visits")
    return url_for("visits.my_visit", visit_id=visit.id)


def _record_url(visit: Visit, **kwargs) -> str:
    if current_user.role == Role.LAWYER:
        return url_for("visits.my_visit", visit_id=visit.id, **kwargs)
    return url_for("visits.visit_record", visit_id=visit.id, **kwargs)


def _times_form(visit: Visit, form_class, **kwargs):
    form = form_class(formdata=None, **kwargs)
    if visit.checked_in_at:
        form.checked_in.data = to_local(visit.checked_in_at).strftime("%H:%M")
    if visit.checked_out_at:
        form.checked_out.data = to_local(visit.checked_out_at).strftime("%H:%M")
    return form


def _render_record(visit: Visit, *, consultation_form=None, missed_form=None, times_form=None, late_form=None,
                   correction_form=None, editing: Consultation | None = None, status: int = 200):
    today, now = today_local(), rules.now()
    consultation_form = consultation_form or ConsultationForm(formdata=None)
    missed_form = missed_form or MissedForm(formdata=None)
    times_form = times_form or _times_form(visit, TimesForm)
    late_form = late_form or _times_form(visit, LateRecordForm)
    late_form.checked_in.flags.required = visit.checked_in_at is None  # asked for (and shown *) until checked in
    correction_form = correction_form or CorrectionForm(formdata=None)
    for form in (missed_form, times_form, late_form, correction_form):
        if not form.version.data:
            form.version.data = visit.version
    opens, closes = rules.checkin_window(visit)
    return render_template("visits/record.html", visit=visit, today=today, now=now, state=rules.state(visit, now),
                           opens=opens, closes=closes, early=rules.early_minutes(),
                           window=rules.late_window(visit, today),
                           may_check_in=visit.status == "planned" and visit.day == today
                           and as_utc(opens) <= now <= as_utc(closes),
                           consultations=queries.consultations_of(visit), form=consultation_form,
                           missed_form=missed_form, times_form=times_form, late_form=late_form,
                           correction_form=correction_form, corrections=queries.corrections_of(visit),
                           editing=editing, personal=access.may_see_personal(current_user, visit),
                           is_lawyer=current_user.role == Role.LAWYER, record_url=_record_url(visit)), status


@bp.route("/mine/v/<int:visit_id>", methods=["GET"])
@allow(Role.LAWYER)
def my_visit(visit_id: int):
    return _render_record(access.own_visit(visit_id))


@bp.route("/v/<int:visit_id>/record", methods=["GET"])
@allow(STAFF)
def visit_record(visit_id: int):
    return _render_record(access.visit(visit_id))


@bp.route("/mine/v/<int:visit_id>/check-in", methods=["POST"])
@allow(Role.LAWYER)
def check_in(visit_id: int):
    visit = access.own_visit(visit_id)
    return button_action(lambda: operations.check_in(visit, user=current_user, today=today_local()),
                         message=lambda done: _("Checked in at %(station)s at %(time)s.", station=done.station.name,
                                                time=to_local(done.checked_in_at).strftime("%H:%M")),
                         next_url=_back_from_button(visit))


@bp.route("/mine/v/<int:visit_id>/check-out", methods=["POST"])
@allow(Role.LAWYER)
def check_out(visit_id: int):
    visit = access.own_visit(visit_id)
    return button_action(lambda: operations.check_out(visit, user=current_user),
                         message=lambda done: _("Checked out at %(time)s. Thank you.",
                                                time=to_local(done.checked_out_at).strftime("%H:%M")),
                         next_url=_back_from_button(visit))


def _save_consultation(visit: Visit, consultation: Consultation | None):
    form = ConsultationForm()
    response = save_form(form, lambda: operations.save_consultation(
        consultation, visit=visit, user=current_user, asker_type=form.asker_type.data,
        people_count=form.people_count.data, channel=form.channel.data, category=form.category.data,
        question=form.question.data, advice=form.advice.data, referral=form.referral.data,
        follow_up=form.follow_up.data, follow_up_note=form.follow_up_note.data,
        enterprise_name=form.enterprise_name.data, worker_name=form.worker_name.data,
        worker_phone=form.worker_phone.data, version=form.version.data), record=consultation,
        message=_("Consultation saved.") if consultation else _("Consultation recorded."),
        next_url=_record_url(visit) + "#consultations")
    if response is not None:
        return response
    return _render_record(visit, consultation_form=form, editing=consultation, status=422)


@bp.route("/mine/v/<int:visit_id>/consultations", methods=["POST"])
@bp.route("/v/<int:visit_id>/consultations", methods=["POST"], endpoint="staff_consultation_add")
@allow(STAFF, Role.LAWYER)
def consultation_add(visit_id: int):
    return _save_consultation(access.readable_visit(visit_id), None)


@bp.route("/consultations/<int:consultation_id>", methods=["GET", "POST"])
@allow(STAFF, Role.LAWYER)
def consultation_edit(consultation_id: int):
    consultation = access.consultation(consultation_id)
    visit = consultation.visit
    if request.method == "POST":
        if request.form.get("action") == "delete":
            return button_action(lambda: operations.delete_consultation(consultation,
                                                                        version=request.form.get("version")),
                                 message=_("Consultation deleted."), next_url=_record_url(visit))
        return _save_consultation(visit, consultation)
    form = ConsultationForm(obj=consultation)
    form.version.data = consultation.version
    return _render_record(visit, consultation_form=form, editing=consultation)[0]


@bp.route("/mine/v/<int:visit_id>/missed", methods=["POST"])
@bp.route("/v/<int:visit_id>/missed", methods=["POST"], endpoint="staff_missed")
@allow(STAFF, Role.LAWYER)
def visit_missed(visit_id: int):
    visit = access.readable_visit(visit_id)
    form = MissedForm()
    response = save_form(form, lambda: operations.mark_missed(
        visit, reason=form.reason.data, note=form.note.data, user=current_user, today=today_local(),
        version=form.version.data), record=visit,
        message=lambda done: _("The visit is recorded as missed: %(reason)s.",
                               reason=labels.label("missed", done.missed_reason)),
        next_url=_record_url(visit))
    if response is not None:
        return response
    return _render_record(visit, missed_form=form, status=422)


def _correction(visit: Visit, operation, message: str):
    """A coordinator's correction of the status, with its reason (the audit log keeps it)."""
    form = CorrectionForm()
    response = save_form(form, lambda: operation(visit, reason=form.reason.data, version=form.version.data),
                         record=visit, message=message, next_url=url_for("visits.visit_record", visit_id=visit.id))
    return response or _render_record(visit, correction_form=form, status=422)


@bp.route("/v/<int:visit_id>/reopen", methods=["POST"])
@allow(STAFF)
def visit_reopen(visit_id: int):
    return _correction(access.visit(visit_id), operations.reopen, _("The visit is planned again."))


@bp.route("/v/<int:visit_id>/undo-check-in", methods=["POST"])
@allow(STAFF)
def visit_undo_check_in(visit_id: int):
    return _correction(access.visit(visit_id), operations.undo_check_in,
                       _("The check-in is undone: the visit is planned again."))


def _local_moment(day: date, hhmm: str | None) -> datetime | None:
    if not hhmm:
        return None
    hour, minute = (int(p) for p in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


# The operations' names for the two times are the forms' fields.
_TIME_FIELDS = {"checked_in_at": "checked_in", "checked_out_at": "checked_out"}


def _save_times(visit: Visit, form, operation, *, message, **fields):
    """A form with the two times (a coordinator's correction, a lawyer's late record): the times on the visit's
    day in Beijing time, one operation, the operation's names for the times shown as the form's fields."""
    def save() -> Visit:
        try:
            return operation(visit, checked_in_at=_local_moment(visit.day, form.checked_in.data),
                             checked_out_at=_local_moment(visit.day, form.checked_out.data), user=current_user,
                             today=today_local(), version=form.version.data, **fields)
        except InvalidInput as error:
            raise InvalidInput({_TIME_FIELDS.get(k, k): m for k, m in error.fields.items()}, error.message) from None

    return save_form(form, save, record=visit, message=message, next_url=_record_url(visit))


@bp.route("/v/<int:visit_id>/times", methods=["POST"])
@allow(STAFF)
def visit_times(visit_id: int):
    visit = access.visit(visit_id)
    form = TimesForm()
    response = _save_times(visit, form, operations.record_times, reason=form.reason.data,
                           message=_("Times saved."))
    return response or _render_record(visit, times_form=form, status=422)


@bp.route("/mine/v/<int:visit_id>/late", methods=["POST"])
@allow(Role.LAWYER)
def my_visit_late(visit_id: int):
    """The lawyer records the visit after its slot, saying why it is late."""
    visit = access.own_visit(visit_id)
    form = LateRecordForm()
    form.needs_arrival = visit.checked_in_at is None
    response = _save_times(visit, form, operations.record_late, reason=form.late_reason.data,
                           message=lambda done: _("The visit of %(day)s is recorded: %(start)s–%(end)s.",
                                                  day=labels.short_day(done.day),
                                                  start=to_local(done.checked_in_at).strftime("%H:%M"),
                                                  end=to_local(done.checked_out_at).strftime("%H:%M")))
    return response or _render_record(visit, late_form=form, status=422)


@bp.route("/records")
@allow(STAFF)
def records_review():
    """The coordinator's list of the month's visits to look at: past and unrecorded, without check-out, without
    times, short, recorded late — the same flags the accounts count."""
    district = working_district()
    month = month_arg()
    items = accounting.district_accounts(district.id, month)
    titles = {"unrecorded": _("Past their slot and not recorded"),
              "no_checkout": _("Checked in, never checked out: no hours credited"),
              "untimed": _("Delivered without any times: no hours credited"),
              "short": _("Short visits"), "late": _("Recorded late by the lawyer")}
    groups = [(key, title, sorted(((a, v) for a in items for v in getattr(a, key)),
                                  key=lambda pair: (pair[1].day, pair[1].half)))
              for key, title in titles.items()]
    return render_template("visits/records_review.html", district=district, month=month, groups=groups,
                           **month_links(month))


@bp.route("/mine/records.xlsx")
@allow(Role.LAWYER)
def my_records_xlsx():
    lawyer = access.my_lawyer()
    if lawyer is None:
        abort(404)
    month = month_arg()
    first, last = month_bounds(month)
    visits = queries.record_visits(None, first, last, lawyer_id=lawyer.id)
    return workbook_response([sheets.records_sheet(visits, current_user, _("hidden"))],
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
    month = month_arg()
    items = accounting.district_accounts(district.id, month)
    chart = _bars([(a.firm.name.removeprefix("北京").removesuffix("律师事务所"), [
        (_("contracted"), a.contracted, "bar-contracted"), (_("delivered"), a.delivered, "bar-delivered"),
        (_("missed"), a.missed, "bar-missed")]) for a in items])
    totals = {key: sum(getattr(a, key) for a in items) for key in (
        "contracted", "planned", "delivered", "missed", "open", "consultations", "people")}
    totals["hours"] = round(sum(a.hours for a in items), 2)
    totals["no_checkout"] = sum(len(a.no_checkout) for a in items)
    return render_template("visits/accounts.html", district=district, month=month, items=items, chart=chart,
                           totals=totals, **month_links(month))


@bp.route("/accounts.xlsx")
@allow(STAFF)
def accounts_xlsx():
    district = working_district()
    month = month_arg()
    items = accounting.district_accounts(district.id, month)
    return workbook_response([sheets.district_accounts_sheet(items)],
                             f"律所月度台账-{district.name}-{month_key(month)}.xlsx")


@bp.route("/accounts/<int:firm_id>")
@allow(STAFF)
def firm_account(firm_id: int):
    firm = access.firm(firm_id)
    month = month_arg()
    account = accounting.firm_account(firm, month)
    snapshot = accounting.snapshot_of(firm, month)
    # The account's part of the page is kept by what it is made from (the visits as just read, the contract, the
    # snapshot, the minute: statuses such as "in progress" change on the minute), so it always shows the present.
    inputs = (account.key(), firm.district.federation_name, snapshot.created_at if snapshot else None,
              rules.now().replace(second=0, microsecond=0))
    body = render_kept("visits/_firm_account_body.html", inputs, firm=firm, account=account, month=month,
                       chart=_bars([(labels.label("category", code), [(_("consultations"), count, "bar-delivered")])
                                    for code, count in account.by_category.items()]),
                       snapshot=snapshot, hours_of=rules.hours, state_of=rules.state, **month_links(month))
    return render_template("visits/firm_account.html", firm=firm, body=body)


@bp.route("/accounts/<int:firm_id>/account.xlsx")
@allow(STAFF)
def firm_account_xlsx(firm_id: int):
    firm = access.firm(firm_id)
    month = month_arg()
    account = accounting.firm_account(firm, month)
    return workbook_response(sheets.account_sheets(account), f"月度台账-{firm.name}-{month_key(month)}.xlsx")


# ---------------------------------------------------------------------------------------------- export

@bp.route("/export/records.xlsx")
@allow(STAFF)
def export_records():
    district = working_district()
    try:
        first, last = range_args()
    except InvalidInput as error:
        return excel_page(request.args.get("from", ""), request.args.get("to", ""), error)
    visits = queries.record_visits(district.id, first, last)
    return workbook_response([sheets.records_sheet(visits, current_user, _("hidden"))],
                             f"走访记录-{district.name}-{first.isoformat()}-{last.isoformat()}.xlsx")
