"""The setup's pages: law firms and their contracts, lawyers and their leave (with the visits a leave breaks and
proposed replacements), station assignments and their suggestion, and the Excel hub with its imports."""

from __future__ import annotations

from functools import partial

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from trainer.auth.permissions import STAFF, allow, check_district, working_district
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.months import month_bounds, month_of
from trainer.core.validation import InvalidInput, form_errors_from
from trainer.exchange.excel import template_response
from trainer.exchange.rows import run_import
from trainer.org.models import District, Station
from trainer.visits import access
from trainer.visits.blueprint import bp
from trainer.visits.models import Firm, Lawyer
from trainer.visits.setup import leave, operations, queries, sheets, suggestion
from trainer.visits.setup.forms import AssignForm, ContractForm, FirmForm, ImportForm, LawyerForm, LeaveForm
from trainer.visits.web import button_action
from trainer.web.forms import save_form
from trainer.workdays.changes import Scope, run_change

# ---------------------------------------------------------------------------------------------------- firms

@bp.route("/firms")
@allow(STAFF)
def firms():
    district = working_district()
    return render_template("visits/firms.html", district=district, loads=suggestion.firm_loads(district),
                           lawyer_counts=queries.active_lawyer_counts(district.id))


@bp.route("/firms/new", methods=["GET", "POST"])
@bp.route("/firms/<int:firm_id>", methods=["GET", "POST"])
@allow(STAFF)
def firm_edit(firm_id: int | None = None):
    firm = access.firm(firm_id) if firm_id else None
    district = firm.district if firm else working_district()
    form = FirmForm(obj=firm)
    response = save_form(form, lambda: operations.save_firm(
        firm, district_id=district.id, name=form.name.data, contact_name=form.contact_name.data,
        contact_phone=form.contact_phone.data, address=form.address.data, active=form.active.data,
        version=form.version.data), record=firm,
        message=lambda saved: _("Firm %(name)s saved.", name=saved.name),
        next_url=lambda saved: url_for("visits.firm_edit", firm_id=saved.id))
    if response is not None:
        return response
    return render_template("visits/firm_form.html", form=form, firm=firm, district=district)


@bp.route("/firms/<int:firm_id>/contracts/new", methods=["GET", "POST"])
@bp.route("/contracts/<int:contract_id>", methods=["GET", "POST"])
@allow(STAFF)
def contract_edit(firm_id: int | None = None, contract_id: int | None = None):
    contract = access.contract(contract_id) if contract_id else None
    firm = contract.firm if contract else access.firm(firm_id)
    form = ContractForm(obj=contract)
    response = save_form(form, lambda: operations.save_contract(
        contract, firm=firm, start=form.start.data, end=form.end.data,
        stations_covered=form.stations_covered.data or 0,
        visits_per_station_month=form.visits_per_station_month.data,
        hours_per_visit=float(form.hours_per_visit.data), reference=form.reference.data,
        fee_per_visit=form.fee_per_visit.data, fee_per_month=form.fee_per_month.data,
        version=form.version.data), record=contract,
        message=_("Contract saved."), next_url=url_for("visits.firm_edit", firm_id=firm.id))
    if response is not None:
        return response
    return render_template("visits/contract_form.html", form=form, firm=firm, contract=contract)


# -------------------------------------------------------------------------------------------------- lawyers

@bp.route("/lawyers")
@allow(STAFF)
def lawyers():
    district = working_district()
    query = request.args.get("q", "").strip()
    page = db.paginate(queries.lawyer_search(district.id, query), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    roles = queries.lawyer_roles([lw.id for lw in page.items], today_local())
    return render_template("visits/lawyers.html", district=district, page=page, query=query, leads=roles.leads,
                           backups=roles.backups, on_leave=roles.on_leave)


def _firm_of_district(firm_id: int | None, district_id: int) -> Firm:
    firm = db.session.get(Firm, firm_id) if firm_id else None
    if firm is None or firm.district_id != district_id:
        raise InvalidInput({"firm_id": _("Choose a firm of this district.")})
    return firm


def _lawyer_form(lawyer: Lawyer | None, district: District) -> LawyerForm:
    form = LawyerForm(obj=lawyer)
    form.firm_id.choices = [(f.id, f.name) for f in queries.district_firms(district.id)]
    form.station_ids.choices = [(s.id, s.name) for s in queries.district_stations(district.id, active_only=True)]
    form.user_id.choices = [("", _("— none —"))] + [
        (u.id, f"{u.display_name} ({u.username})") for u in queries.free_lawyer_accounts(lawyer)]
    if request.method == "GET" and lawyer is not None:
        form.specialities.data = "、".join(lawyer.specialities or [])
        form.station_ids.data = sorted(lawyer.allowed_station_ids)
    return form


@bp.route("/lawyers/new", methods=["GET", "POST"])
@bp.route("/lawyers/<int:lawyer_id>", methods=["GET", "POST"])
@allow(STAFF)
def lawyer_edit(lawyer_id: int | None = None):
    lawyer = access.lawyer(lawyer_id) if lawyer_id else None
    district = db.session.get(District, lawyer.district_id) if lawyer else working_district()
    form = _lawyer_form(lawyer, district)
    if request.method == "GET" and lawyer is None and request.args.get("firm", type=int):
        form.firm_id.data = request.args.get("firm", type=int)

    def save() -> Lawyer:
        return operations.save_lawyer(
            lawyer, firm=_firm_of_district(form.firm_id.data, district.id), name=form.name.data,
            phone=form.phone.data, specialities=form.specialities.data, office_area=form.office_area.data,
            station_ids=form.station_ids.data, user_id=form.user_id.data, active=form.active.data,
            version=form.version.data)

    response = save_form(form, save, record=lawyer,
                         message=lambda saved: _("Lawyer %(name)s saved.", name=saved.name),
                         next_url=lambda saved: url_for("visits.lawyer_edit", lawyer_id=saved.id))
    if response is not None:
        return response
    context = queries.lawyer_overview(lawyer, today_local()) if lawyer is not None else {}
    return render_template("visits/lawyer_form.html", form=form, lawyer=lawyer, district=district,
                           leave_form=LeaveForm(formdata=None), **context)


@bp.route("/lawyers/<int:lawyer_id>/leave", methods=["POST"])
@allow(STAFF)
def leave_add(lawyer_id: int):
    lawyer = access.lawyer(lawyer_id)
    form = LeaveForm()
    if form.validate_on_submit():
        # Not save_form: when the leave breaks planned visits, the answer is the page of proposals.
        try:
            impact = leave.add_leave(lawyer, form.start.data, form.end.data, form.reason.data, form.half.data or None)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        else:
            db.session.commit()
            if not impact.broken:
                flash(_("Leave saved; no planned visit falls in it."), "success")
                return redirect(url_for("visits.lawyer_edit", lawyer_id=lawyer.id))
            return render_template("visits/leave_impact.html", lawyer=lawyer, impact=impact, broken=impact.broken)
    edit_form = _lawyer_form(lawyer, db.session.get(District, lawyer.district_id))
    return render_template("visits/lawyer_form.html", form=edit_form, lawyer=lawyer, district=lawyer.firm.district,
                           leave_form=form, **queries.lawyer_overview(lawyer, today_local())), 422


@bp.route("/leave/<int:leave_id>/delete", methods=["POST"])
@allow(STAFF)
def leave_delete(leave_id: int):
    row = access.leave(leave_id)
    return button_action(lambda: leave.delete_leave(row), message=_("Leave removed."),
                         next_url=url_for("visits.lawyer_edit", lawyer_id=row.lawyer_id))


@bp.route("/lawyers/<int:lawyer_id>/leave/<int:leave_id>/proposals")
@allow(STAFF)
def leave_proposals(lawyer_id: int, leave_id: int):
    """What a recorded leave breaks now, with a proposal for each (the same as when it was entered)."""
    lawyer = access.lawyer(lawyer_id)
    row = access.leave(leave_id)
    if row.lawyer_id != lawyer.id:
        abort(404)
    impact = leave.LeaveImpact(leave=row)
    broken = leave.leave_conflicts(row)
    db.session.rollback()  # proposing changes nothing
    return render_template("visits/leave_impact.html", lawyer=lawyer, impact=impact, broken=broken)


# ---------------------------------------------------------------------------------------------- assignments

@bp.route("/assignments")
@allow(STAFF)
def assignments():
    district = working_district()
    stations = queries.district_stations(district.id, active_only=True)
    current = queries.current_assignments(district.id)
    unassigned = [s for s in stations if s.id not in current]
    suggestions = suggestion.suggest(district) if request.args.get("suggest") else []
    return render_template("visits/assignments.html", district=district, stations=stations, current=current,
                           unassigned=unassigned, loads=suggestion.firm_loads(district), suggestions=suggestions,
                           asked=bool(request.args.get("suggest")))


@bp.route("/assignments/accept", methods=["POST"])
@allow(STAFF)
def assignments_accept():
    district = working_district()
    accepted, refused, broken = 0, [], 0
    for station_id in request.form.getlist("accept", type=int):
        station = db.session.get(Station, station_id)
        if station is None:
            continue
        check_district(station.district_id)
        firm = db.session.get(Firm, request.form.get(f"firm_{station_id}", type=int) or 0)
        lead = db.session.get(Lawyer, request.form.get(f"lead_{station_id}", type=int) or 0)
        backup_id = request.form.get(f"backup_{station_id}", type=int)
        backup = db.session.get(Lawyer, backup_id) if backup_id else None
        if firm is None or lead is None or firm.district_id != district.id:
            refused.append(_("%(station)s: the suggestion is incomplete.", station=station.name))
            continue
        if operations.current_assignment(station.id) is not None:
            refused.append(_("%(station)s was assigned by someone else in the meantime.", station=station.name))
            continue
        try:
            impact = run_change(partial(operations.assign_station, station, firm=firm, lead=lead, backup=backup),
                                Scope.of(station.district_id))
            db.session.commit()
            accepted += 1
            broken += len(impact.broken)
        except InvalidInput as error:
            db.session.rollback()
            refused.append(f"{station.name}: {error.message}")
    flash(_("%(n)s stations assigned.", n=accepted), "success" if accepted else "info")
    for message in refused:
        flash(message, "error")
    if broken:
        flash(_broken_words(broken), "warning")
        return redirect(url_for("workdays.conflicts"))
    return redirect(url_for("visits.assignments"))


def _broken_words(count: int) -> str:
    return ngettext("This change breaks %(num)s planned item: it is listed below with a suggestion.",
                    "This change breaks %(num)s planned items: they are listed below with a suggestion each.", count)


def _changed(text: str, impact) -> list[tuple[str, str]]:
    told = [(text, "success")]
    if impact.broken:
        told.append((_broken_words(len(impact.broken)), "warning"))
    return told


def _chosen_firm(firms: list[Firm], current, suggested) -> int | None:
    """The firm whose lawyers the assign form offers: the one chosen in the form (or ``?firm=``), else the
    station's firm now, else the suggestion's, else the first."""
    ids = [f.id for f in firms]
    raw = request.form.get("firm_id") if request.method == "POST" else request.args.get("firm")
    for candidate in (raw, current.firm_id if current else None, suggested.firm.id if suggested else None):
        try:
            if candidate is not None and int(candidate) in ids:
                return int(candidate)
        except ValueError:
            continue
    return ids[0] if ids else None


def _pick_lawyers(form: AssignForm, firm_id: int | None, lawyers: list[Lawyer], current, suggested) -> None:
    """On opening the form: a lead and backup of the chosen firm only — asked for (``?lead=``), the station's
    now, or the suggestion's — never a lawyer of another firm."""
    ids = {lw.id for lw in lawyers}
    asked = (request.args.get("lead", type=int), request.args.get("backup", type=int))
    for lead, backup in (asked, (current.lead_lawyer_id, current.backup_lawyer_id) if current else (None, None),
                         (suggested.lead.id, suggested.backup.id if suggested.backup else None)
                         if suggested and suggested.firm.id == firm_id else (None, None)):
        if lead in ids:
            form.lead_lawyer_id.data = lead
            form.backup_lawyer_id.data = backup if backup in ids else None
            return
    form.lead_lawyer_id.data, form.backup_lawyer_id.data = 0, None


@bp.route("/stations/<int:station_id>/assign", methods=["GET", "POST"])
@allow(STAFF)
def station_assign(station_id: int):
    station = access.station(station_id)
    current = operations.current_assignment(station.id)
    suggested = suggestion.suggest_station(station)
    firms = queries.district_firms(station.district_id, active_only=True)
    firm_id = _chosen_firm(firms, current, suggested)
    lawyers = [lw for lw in queries.active_lawyers(station.district_id) if lw.firm_id == firm_id]
    form = AssignForm(obj=current)
    form.firm_id.choices = [(f.id, f.name) for f in firms]
    form.firm_id.data = firm_id
    form.lead_lawyer_id.choices = [(0, _("— choose the lead lawyer —"))] + [(lw.id, lw.name) for lw in lawyers]
    form.backup_lawyer_id.choices = [("", _("— none —"))] + [(lw.id, lw.name) for lw in lawyers]
    if request.method == "GET":
        _pick_lawyers(form, firm_id, lawyers, current, suggested)
    elif "choose_firm" in request.form:
        # Another firm chosen: its lawyers offered, nothing saved (the page's script does this on change).
        ids = {lw.id for lw in lawyers}
        if form.lead_lawyer_id.data not in ids:
            _pick_lawyers(form, firm_id, lawyers, None, suggested)
        if form.backup_lawyer_id.data not in ids:
            form.backup_lawyer_id.data = None
        return render_template("visits/assign_form.html", form=form, station=station, current=current,
                               suggested=suggested, firm_id=firm_id)

    def save():
        lead = db.session.get(Lawyer, form.lead_lawyer_id.data) if form.lead_lawyer_id.data else None
        backup = db.session.get(Lawyer, form.backup_lawyer_id.data) if form.backup_lawyer_id.data else None
        firm = _firm_of_district(form.firm_id.data, station.district_id)
        if lead is None:
            raise InvalidInput({"lead_lawyer_id": _("Choose the lead lawyer (a lawyer of the chosen firm).")})
        # An assignment is something plans rest on: the one change path answers what it breaks.
        return run_change(lambda: operations.assign_station(station, firm=firm, lead=lead, backup=backup,
                                                            start=form.start.data, version=form.version.data),
                          Scope.of(station.district_id))

    response = save_form(form, save, record=current,
                         message=lambda impact: _changed(_("%(station)s assigned.", station=station.name), impact),
                         next_url=lambda impact: url_for("workdays.conflicts") if impact.broken
                         else url_for("visits.station", station_id=station.id))
    if response is not None:
        return response
    return render_template("visits/assign_form.html", form=form, station=station, current=current,
                           suggested=suggested, firm_id=firm_id)


# ------------------------------------------------------------------------------------------- Excel imports

@bp.route("/excel")
@allow(STAFF)
def excel():
    first, last = month_bounds(month_of(today_local()))
    return excel_page(first.isoformat(), last.isoformat())


def excel_page(first: str, last: str, error: InvalidInput | None = None):
    """The import and export page; an export asked for a bad range comes back here with the days as typed
    and the reason beside them (422)."""
    errors = error.fields if error is not None else {}
    page = render_template("visits/excel.html", district=working_district(), kinds=sheets.KINDS,
                           first=first, last=last, errors=errors)
    return (page, 422) if error is not None else page


def _kind(kind: str):
    if kind not in sheets.KINDS:
        abort(404)
    return sheets.KINDS[kind]


@bp.route("/import/<kind>/template.xlsx")
@allow(STAFF)
def import_template(kind: str):
    columns, title = _kind(kind)
    district = working_district()
    lists = {"firm": [firm.name for firm in queries.district_firms(district.id)],
             "lawyer": list(dict.fromkeys(lawyer.name for lawyer in queries.district_lawyers(district.id)))}
    return template_response(columns, f"{title}-导入模板.xlsx", title=title, lists=lists)


@bp.route("/import/<kind>", methods=["GET", "POST"])
@allow(STAFF)
def import_sheet(kind: str):
    columns, title = _kind(kind)
    district = working_district()
    form = ImportForm()
    problems, status = [], 200
    if form.validate_on_submit():
        # Not save_form: a refused file is answered with the list of its bad rows.
        # Through the one change path: leave, receiving half-days or lawyers imported answer what they break.
        try:
            impact = run_import(lambda: run_change(
                lambda: sheets.IMPORTERS[kind](form.file.data.stream, district), Scope.of(district.id)))
        except InvalidInput as error:
            problems = getattr(error, "errors", [])
            form.file.errors = list(form.file.errors or []) + [error.message]
            status = 422
        else:
            created, updated = impact.result
            flash(_("Imported: %(created)s new, %(updated)s updated.", created=created, updated=updated), "success")
            if impact.broken:
                return render_template("visits/import.html", form=ImportForm(formdata=None), kind=kind, title=title,
                                       columns=columns, problems=[], district=district, impact=impact)
            return redirect(url_for("visits.excel"))
    elif request.method == "POST":
        status = 422
    return render_template("visits/import.html", form=form, kind=kind, title=title, columns=columns,
                           problems=problems, district=district, impact=None), status
