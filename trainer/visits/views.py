"""Pages of the lawyer-visit programme: firms, lawyers, assignments, the plan, the calendar, station and
lawyer pages, and the schedule printed for a station's door."""

from __future__ import annotations

import calendar as pycalendar
from collections import Counter, defaultdict
from datetime import date, timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role, User
from trainer.auth.permissions import STAFF, allow, check_district, working_district
from trainer.core.clock import today_local
from trainer.core.concurrency import StaleEdit
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput, form_errors_from
from trainer.org.models import District, Station
from trainer.visits import assignment as suggestion
from trainer.visits import operations
from trainer.visits.forms import (
    AssignForm,
    CancelForm,
    ContractForm,
    FirmForm,
    LawyerForm,
    LeaveForm,
    MoveForm,
    PlanForm,
    SwapForm,
)
from trainer.visits.messages import describe_all, half_label, short_day
from trainer.visits.models import Assignment, Contract, Firm, Lawyer, LawyerLeave, PlanRun, Visit
from trainer.visits.planner import month_bounds, month_key, parse_month
from trainer.web.navigation import register_nav

bp = Blueprint("visits", __name__, url_prefix="/visits")

register_nav(_l("Visit calendar"), "visits.calendar", STAFF, order=30)
register_nav(_l("Visit plan"), "visits.plan", STAFF, order=31)
register_nav(_l("Assignments"), "visits.assignments", STAFF, order=32)
register_nav(_l("Law firms"), "visits.firms", STAFF, order=33)
register_nav(_l("Lawyers"), "visits.lawyers", STAFF, order=34)
register_nav(_l("My visits"), "visits.my_visits", {Role.LAWYER}, order=10)
register_nav(_l("Firms' monthly accounts"), "visits.accounts", STAFF, order=35)
register_nav(_l("Telephone duty"), "visits.duty_periods", STAFF, order=36)
register_nav(_l("Visits: Excel import and export"), "visits.excel", STAFF, order=37)

STALE = _l("Someone else changed this record after you opened it. The page now shows the saved version; "
           "check it and make your change again.")


@bp.app_template_filter("half")
def _half_filter(value):
    return half_label(value)


@bp.app_template_filter("shortday")
def _shortday_filter(value):
    return short_day(value) if value else ""


def _month_arg(default: date | None = None) -> tuple[int, int]:
    raw = request.args.get("month")
    if raw:
        try:
            return parse_month(raw)
        except InvalidInput:
            pass
    day = default or today_local()
    return day.year, day.month


def _shift(month: tuple[int, int], delta: int) -> str:
    index = month[0] * 12 + month[1] - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _my_lawyer() -> Lawyer | None:
    return db.session.scalar(select(Lawyer).where(Lawyer.user_id == current_user.id))


def _calendar_days(first: date, last: date) -> tuple[dict[date, bool | None], bool]:
    """Working or not per day (None: year not announced) and whether any year is provisional."""
    from trainer.visits.calendar import working_days, year_not_announced

    try:
        days, provisional = working_days(first, last)
    except year_not_announced():
        days, provisional = working_days(first, last, allow_provisional=True)
    except ImportError:  # pragma: no cover - the workdays area is always installed in production
        return {}, False
    out, current = {}, first
    while current <= last:
        out[current] = current in days
        current += timedelta(days=1)
    return out, provisional


# ------------------------------------------------------------------------------------------------- calendar

@bp.route("/")
@allow(STAFF)
def calendar():
    district = working_district()
    month = _month_arg()
    first, last = month_bounds(month)
    filters = {key: request.args.get(key, type=int) for key in ("firm", "lawyer", "station")}
    stmt = (select(Visit).where(Visit.district_id == district.id, Visit.day >= first, Visit.day <= last,
                                Visit.status != "cancelled")
            .options(selectinload(Visit.station), selectinload(Visit.lawyer), selectinload(Visit.firm))
            .order_by(Visit.day, Visit.half))
    if filters["firm"]:
        stmt = stmt.where(Visit.firm_id == filters["firm"])
    if filters["lawyer"]:
        stmt = stmt.where(Visit.lawyer_id == filters["lawyer"])
    if filters["station"]:
        stmt = stmt.where(Visit.station_id == filters["station"])
    visits = db.session.scalars(stmt).all()
    by_day = defaultdict(list)
    for visit in visits:
        by_day[visit.day].append(visit)
    working, provisional = _calendar_days(first, last)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(*month)
    firms = db.session.scalars(select(Firm).where(Firm.district_id == district.id).order_by(Firm.name)).all()
    lawyers = db.session.scalars(select(Lawyer).where(Lawyer.district_id == district.id).order_by(Lawyer.name)).all()
    stations = db.session.scalars(select(Station).where(Station.district_id == district.id)
                                  .order_by(Station.name)).all()
    return render_template("visits/calendar.html", district=district, month=month, weeks=weeks, by_day=by_day,
                           working=working, provisional=provisional, visits=visits, filters=filters, firms=firms,
                           lawyers=lawyers, stations=stations, prev_month=_shift(month, -1),
                           next_month=_shift(month, 1), month_key=month_key(month))


# ---------------------------------------------------------------------------------------------------- firms

@bp.route("/firms")
@allow(STAFF)
def firms():
    district = working_district()
    loads = suggestion.firm_loads(district)
    lawyer_counts = dict(db.session.execute(select(Lawyer.firm_id, func.count()).where(
        Lawyer.district_id == district.id, Lawyer.active).group_by(Lawyer.firm_id)).all())
    return render_template("visits/firms.html", district=district, loads=loads, lawyer_counts=lawyer_counts)


def _firm(firm_id: int) -> Firm:
    firm = db.get_or_404(Firm, firm_id)
    check_district(firm.district_id)
    return firm


@bp.route("/firms/new", methods=["GET", "POST"])
@bp.route("/firms/<int:firm_id>", methods=["GET", "POST"])
@allow(STAFF)
def firm_edit(firm_id: int | None = None):
    firm = _firm(firm_id) if firm_id else None
    district = firm.district if firm else working_district()
    form = FirmForm(obj=firm)
    if form.validate_on_submit():
        try:
            firm = operations.save_firm(firm, district_id=district.id, name=form.name.data,
                                        contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
                                        address=form.address.data, active=form.active.data,
                                        version=form.version.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        except StaleEdit:
            db.session.rollback()
            flash(STALE, "error")
            return redirect(url_for("visits.firm_edit", firm_id=firm.id))
        else:
            db.session.commit()
            flash(_("Firm %(name)s saved.", name=firm.name), "success")
            return redirect(url_for("visits.firm_edit", firm_id=firm.id))
    return render_template("visits/firm_form.html", form=form, firm=firm, district=district)


@bp.route("/firms/<int:firm_id>/contracts/new", methods=["GET", "POST"])
@bp.route("/contracts/<int:contract_id>", methods=["GET", "POST"])
@allow(STAFF)
def contract_edit(firm_id: int | None = None, contract_id: int | None = None):
    contract = db.get_or_404(Contract, contract_id) if contract_id else None
    firm = contract.firm if contract else _firm(firm_id)
    check_district(firm.district_id)
    form = ContractForm(obj=contract)
    if form.validate_on_submit():
        try:
            operations.save_contract(contract, firm=firm, start=form.start.data, end=form.end.data,
                                     stations_covered=form.stations_covered.data or 0,
                                     visits_per_station_month=form.visits_per_station_month.data,
                                     hours_per_visit=float(form.hours_per_visit.data),
                                     reference=form.reference.data, version=form.version.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        except StaleEdit:
            db.session.rollback()
            flash(STALE, "error")
            return redirect(url_for("visits.contract_edit", contract_id=contract.id))
        else:
            db.session.commit()
            flash(_("Contract saved."), "success")
            return redirect(url_for("visits.firm_edit", firm_id=firm.id))
    return render_template("visits/contract_form.html", form=form, firm=firm, contract=contract)


# -------------------------------------------------------------------------------------------------- lawyers

@bp.route("/lawyers")
@allow(STAFF)
def lawyers():
    district = working_district()
    query = request.args.get("q", "").strip()
    stmt = (select(Lawyer).where(Lawyer.district_id == district.id)
            .options(selectinload(Lawyer.firm)).order_by(Lawyer.firm_id, Lawyer.name))
    if query:
        stmt = stmt.where(Lawyer.name.contains(query) | Lawyer.phone.contains(query))
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    ids = [lw.id for lw in page.items]
    leads = Counter(db.session.scalars(select(Assignment.lead_lawyer_id).where(
        Assignment.active, Assignment.lead_lawyer_id.in_(ids)))) if ids else Counter()
    backups = Counter(db.session.scalars(select(Assignment.backup_lawyer_id).where(
        Assignment.active, Assignment.backup_lawyer_id.in_(ids)))) if ids else Counter()
    today = today_local()
    on_leave = set(db.session.scalars(select(LawyerLeave.lawyer_id).where(
        LawyerLeave.lawyer_id.in_(ids), LawyerLeave.start <= today, LawyerLeave.end >= today))) if ids else set()
    return render_template("visits/lawyers.html", district=district, page=page, query=query, leads=leads,
                           backups=backups, on_leave=on_leave)


def _lawyer(lawyer_id: int) -> Lawyer:
    lawyer = db.get_or_404(Lawyer, lawyer_id)
    check_district(lawyer.district_id)
    return lawyer


def _lawyer_form(lawyer: Lawyer | None, district: District) -> LawyerForm:
    form = LawyerForm(obj=lawyer)
    form.firm_id.choices = [(f.id, f.name) for f in db.session.scalars(
        select(Firm).where(Firm.district_id == district.id).order_by(Firm.name))]
    form.station_ids.choices = [(s.id, s.name) for s in db.session.scalars(
        select(Station).where(Station.district_id == district.id, Station.active).order_by(Station.name))]
    linked = set(db.session.scalars(select(Lawyer.user_id).where(Lawyer.user_id.is_not(None))))
    users = db.session.scalars(select(User).where(User.role == Role.LAWYER, User.active)
                               .order_by(User.username)).all()
    form.user_id.choices = [(None, _("— none —"))] + [
        (u.id, f"{u.display_name} ({u.username})") for u in users
        if u.id not in linked or (lawyer is not None and u.id == lawyer.user_id)]
    if request.method == "GET" and lawyer is not None:
        form.specialities.data = "、".join(lawyer.specialities or [])
        form.station_ids.data = sorted(lawyer.allowed_station_ids)
    return form


@bp.route("/lawyers/new", methods=["GET", "POST"])
@bp.route("/lawyers/<int:lawyer_id>", methods=["GET", "POST"])
@allow(STAFF)
def lawyer_edit(lawyer_id: int | None = None):
    lawyer = _lawyer(lawyer_id) if lawyer_id else None
    district = db.session.get(District, lawyer.district_id) if lawyer else working_district()
    form = _lawyer_form(lawyer, district)
    if request.method == "GET" and lawyer is None and request.args.get("firm", type=int):
        form.firm_id.data = request.args.get("firm", type=int)
    if form.validate_on_submit():
        firm = db.session.get(Firm, form.firm_id.data)
        try:
            if firm is None or firm.district_id != district.id:
                raise InvalidInput({"firm_id": _("Choose a firm of this district.")})
            lawyer = operations.save_lawyer(
                lawyer, firm=firm, name=form.name.data, phone=form.phone.data, specialities=form.specialities.data,
                office_area=form.office_area.data, station_ids=form.station_ids.data, user_id=form.user_id.data,
                active=form.active.data, version=form.version.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        except StaleEdit:
            db.session.rollback()
            flash(STALE, "error")
            return redirect(url_for("visits.lawyer_edit", lawyer_id=lawyer.id))
        else:
            db.session.commit()
            flash(_("Lawyer %(name)s saved.", name=lawyer.name), "success")
            return redirect(url_for("visits.lawyer_edit", lawyer_id=lawyer.id))
    context = {}
    if lawyer is not None:
        context = _lawyer_context(lawyer)
    return render_template("visits/lawyer_form.html", form=form, lawyer=lawyer, district=district,
                           leave_form=LeaveForm(formdata=None), **context)


def _lawyer_context(lawyer: Lawyer) -> dict:
    today = today_local()
    assignments = db.session.scalars(select(Assignment).where(
        Assignment.active, (Assignment.lead_lawyer_id == lawyer.id) | (Assignment.backup_lawyer_id == lawyer.id))
        .options(selectinload(Assignment.station), selectinload(Assignment.lead), selectinload(Assignment.backup))
    ).all()
    upcoming = db.session.scalars(select(Visit).where(
        Visit.lawyer_id == lawyer.id, Visit.day >= today, Visit.status != "cancelled")
        .options(selectinload(Visit.station)).order_by(Visit.day, Visit.half).limit(40)).all()
    past = db.session.scalars(select(Visit).where(
        Visit.lawyer_id == lawyer.id, Visit.day < today, Visit.status != "cancelled")
        .options(selectinload(Visit.station), selectinload(Visit.consultations))
        .order_by(Visit.day.desc()).limit(20)).all()
    return {"assignments": assignments, "upcoming": upcoming, "past": past, "leave": lawyer.leave}


@bp.route("/lawyers/<int:lawyer_id>/leave", methods=["POST"])
@allow(STAFF)
def leave_add(lawyer_id: int):
    lawyer = _lawyer(lawyer_id)
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            impact = operations.add_leave(lawyer, form.start.data, form.end.data, form.reason.data,
                                          form.half.data or None)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            if not impact.broken:
                flash(_("Leave saved; no planned visit falls in it."), "success")
                return redirect(url_for("visits.lawyer_edit", lawyer_id=lawyer.id))
            return render_template("visits/leave_impact.html", lawyer=lawyer, impact=impact)
    edit_form = _lawyer_form(lawyer, db.session.get(District, lawyer.district_id))
    return render_template("visits/lawyer_form.html", form=edit_form, lawyer=lawyer, district=lawyer.firm.district,
                           leave_form=form, **_lawyer_context(lawyer)), 422


@bp.route("/leave/<int:leave_id>/delete", methods=["POST"])
@allow(STAFF)
def leave_delete(leave_id: int):
    leave = db.get_or_404(LawyerLeave, leave_id)
    lawyer = leave.lawyer
    check_district(lawyer.district_id)
    operations.delete_leave(leave)
    db.session.commit()
    flash(_("Leave removed."), "success")
    return redirect(url_for("visits.lawyer_edit", lawyer_id=lawyer.id))


@bp.route("/lawyers/<int:lawyer_id>/leave/<int:leave_id>/proposals")
@allow(STAFF)
def leave_proposals(lawyer_id: int, leave_id: int):
    lawyer = _lawyer(lawyer_id)
    leave = db.get_or_404(LawyerLeave, leave_id)
    if leave.lawyer_id != lawyer.id:
        abort(404)
    impact = operations.LeaveImpact(leave=leave, broken=operations.broken_by_leave(leave))
    if impact.broken:
        impact.proposals = operations.propose_replacements(impact.broken)
    db.session.rollback()  # proposing changes nothing
    return render_template("visits/leave_impact.html", lawyer=lawyer, impact=impact)


@bp.route("/proposals/apply", methods=["POST"])
@allow(STAFF)
def proposals_apply():
    chosen = request.form.getlist("apply", type=int)
    applied, refused = 0, []
    back = request.form.get("lawyer_id", type=int)
    for visit_id in chosen:
        visit = db.session.get(Visit, visit_id)
        if visit is None:
            continue
        check_district(visit.district_id)
        try:
            day = date.fromisoformat(request.form.get(f"day_{visit_id}", ""))
            operations.apply_proposal(visit, lawyer_id=request.form.get(f"lawyer_{visit_id}", type=int),
                                      day=day, half=request.form.get(f"half_{visit_id}", ""),
                                      version=request.form.get(f"version_{visit_id}"))
            db.session.commit()
            applied += 1
        except ValueError:
            db.session.rollback()
            refused.append(_("%(station)s: the proposal is incomplete.", station=visit.station.name))
        except StaleEdit:
            db.session.rollback()
            refused.append(_("%(station)s: someone changed this visit in the meantime; it was left alone.",
                             station=visit.station.name))
        except (InvalidInput, operations.DoubleBooking) as error:
            db.session.rollback()
            reason = getattr(error, "message", "") or _("the slot was taken")
            refused.append(f"{visit.station.name}: {reason}")
    if applied:
        flash(_("%(n)s visits changed.", n=applied), "success")
    for message in refused:
        flash(message, "error")
    if back:
        return redirect(url_for("visits.lawyer_edit", lawyer_id=back))
    return redirect(url_for("visits.calendar"))


# ---------------------------------------------------------------------------------------------- assignments

@bp.route("/assignments")
@allow(STAFF)
def assignments():
    district = working_district()
    stations = db.session.scalars(select(Station).where(Station.district_id == district.id, Station.active)
                                  .options(selectinload(Station.union)).order_by(Station.name)).all()
    current = {a.station_id: a for a in db.session.scalars(select(Assignment).where(
        Assignment.district_id == district.id, Assignment.active).options(
        selectinload(Assignment.firm), selectinload(Assignment.lead), selectinload(Assignment.backup)))}
    unassigned = [s for s in stations if s.id not in current]
    suggestions = suggestion.suggest(district) if request.args.get("suggest") else []
    return render_template("visits/assignments.html", district=district, stations=stations, current=current,
                           unassigned=unassigned, loads=suggestion.firm_loads(district), suggestions=suggestions,
                           asked=bool(request.args.get("suggest")))


@bp.route("/assignments/accept", methods=["POST"])
@allow(STAFF)
def assignments_accept():
    district = working_district()
    accepted, refused = 0, []
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
            operations.assign_station(station, firm=firm, lead=lead, backup=backup)
            db.session.commit()
            accepted += 1
        except InvalidInput as error:
            db.session.rollback()
            refused.append(f"{station.name}: {error.message}")
    flash(_("%(n)s stations assigned.", n=accepted), "success" if accepted else "info")
    for message in refused:
        flash(message, "error")
    return redirect(url_for("visits.assignments"))


@bp.route("/stations/<int:station_id>/assign", methods=["GET", "POST"])
@allow(STAFF)
def station_assign(station_id: int):
    station = db.get_or_404(Station, station_id)
    check_district(station.district_id)
    current = operations.current_assignment(station.id)
    form = AssignForm(obj=current)
    firms = db.session.scalars(select(Firm).where(Firm.district_id == station.district_id, Firm.active)
                               .order_by(Firm.name)).all()
    lawyers = db.session.scalars(select(Lawyer).where(Lawyer.district_id == station.district_id, Lawyer.active)
                                 .options(selectinload(Lawyer.firm)).order_by(Lawyer.firm_id, Lawyer.name)).all()
    form.firm_id.choices = [(f.id, f.name) for f in firms]
    form.lead_lawyer_id.choices = [(lw.id, f"{lw.name}（{lw.firm.name}）") for lw in lawyers]
    form.backup_lawyer_id.choices = [(None, _("— none —"))] + form.lead_lawyer_id.choices
    if form.validate_on_submit():
        firm = db.session.get(Firm, form.firm_id.data)
        lead = db.session.get(Lawyer, form.lead_lawyer_id.data)
        backup = db.session.get(Lawyer, form.backup_lawyer_id.data) if form.backup_lawyer_id.data else None
        try:
            if firm is None or firm.district_id != station.district_id or lead is None:
                raise InvalidInput({"firm_id": _("Choose a firm of this district.")})
            operations.assign_station(station, firm=firm, lead=lead, backup=backup, start=form.start.data,
                                      version=form.version.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        except StaleEdit:
            db.session.rollback()
            flash(STALE, "error")
            return redirect(url_for("visits.station_assign", station_id=station.id))
        else:
            db.session.commit()
            flash(_("%(station)s assigned.", station=station.name), "success")
            return redirect(url_for("visits.station", station_id=station.id))
    return render_template("visits/assign_form.html", form=form, station=station, current=current)


# ----------------------------------------------------------------------------------------------------- plan

@bp.route("/plan", methods=["GET", "POST"])
@allow(STAFF)
def plan():
    from trainer.visits.calendar import year_not_announced

    district = working_district()
    form = PlanForm()
    if request.method == "GET":
        following = _shift((today_local().year, today_local().month), 1)
        form.first_month.data = request.args.get("from") or following
        form.last_month.data = request.args.get("to") or _shift(parse_month(following), 2)
    not_announced = None
    if form.validate_on_submit():
        try:
            outcome = operations.plan_range(district, form.first_month.data, form.last_month.data,
                                            allow_provisional=form.provisional.data, mode=form.mode.data,
                                            user_id=current_user.id)
        except year_not_announced() as error:
            db.session.rollback()
            not_announced = error.localized() if hasattr(error, "localized") else str(error)
        except InvalidInput as error:
            db.session.rollback()
            form_errors_from(form, error)
        except IntegrityError:
            db.session.rollback()
            form.form_errors.append(_("Someone else changed visits of these months at the same time. "
                                      "Nothing was saved; plan again."))
        else:
            db.session.commit()
            return redirect(url_for("visits.plan", run=outcome.run.id))
    run = None
    run_id = request.args.get("run", type=int)
    if run_id:
        run = db.get_or_404(PlanRun, run_id)
        check_district(run.district_id)
    recent = db.session.scalars(select(PlanRun).where(PlanRun.district_id == district.id)
                                .order_by(PlanRun.id.desc()).limit(8)).all()
    problems = describe_all(run.problems) if run else []
    return render_template("visits/plan.html", district=district, form=form, run=run, problems=problems,
                           recent=recent, not_announced=not_announced)


# --------------------------------------------------------------------------------------------------- visits

def _visit(visit_id: int) -> Visit:
    visit = db.get_or_404(Visit, visit_id)
    check_district(visit.district_id)
    return visit


def _visit_forms(visit: Visit):
    move = MoveForm(prefix="move", obj=None if request.method == "POST" else visit)
    assignment = operations.current_assignment(visit.station_id)
    choices = [(visit.lawyer.id, visit.lawyer.name)]
    if assignment is not None:
        for lawyer in (assignment.lead, assignment.backup):
            if lawyer is not None and lawyer.id != visit.lawyer_id:
                choices.append((lawyer.id, lawyer.name))
    move.lawyer_id.choices = choices
    swap = SwapForm(prefix="swap")
    first, last = month_bounds((visit.day.year, visit.day.month))
    others = db.session.scalars(select(Visit).where(
        Visit.district_id == visit.district_id, Visit.day >= first, Visit.day <= last, Visit.status == "planned",
        Visit.id != visit.id, (Visit.lawyer_id == visit.lawyer_id) | (Visit.station_id == visit.station_id)
        | (Visit.firm_id == visit.firm_id)).options(selectinload(Visit.station), selectinload(Visit.lawyer))
        .order_by(Visit.day, Visit.half)).all()
    swap.other_id.choices = [(o.id, f"{short_day(o.day)} {half_label(o.half)} · {o.station.name} · {o.lawyer.name}")
                             for o in others]
    if request.method == "GET":
        move.version.data = swap.version.data = visit.version
    return move, swap, CancelForm(prefix="cancel", obj=None), others


@bp.route("/v/<int:visit_id>", methods=["GET", "POST"])
@allow(STAFF)
def visit(visit_id: int):
    visit = _visit(visit_id)
    move, swap, cancel, others = _visit_forms(visit)
    action = request.form.get("action")
    status = 200
    if request.method == "POST":
        form = {"move": move, "swap": swap}.get(action)
        if form is not None and not form.validate():
            status = 422
        else:
            try:
                message = _apply_visit_action(visit, action, move, swap, others)
            except StaleEdit:
                db.session.rollback()
                db.session.refresh(visit)
                flash(_("Someone else changed this visit after you opened it: it is now on %(day)s %(half)s with "
                        "%(lawyer)s. Your change was not saved; check and try again.", day=short_day(visit.day),
                        half=half_label(visit.half), lawyer=visit.lawyer.name), "error")
                return redirect(url_for("visits.visit", visit_id=visit.id))
            except operations.DoubleBooking:
                flash(_("That lawyer or station was booked in this slot by someone else just now. Nothing was "
                        "changed."), "error")
                return redirect(url_for("visits.visit", visit_id=visit_id))
            except InvalidInput as error:
                db.session.rollback()
                visit = _visit(visit_id)
                status = 422
                if form is not None:
                    form_errors_from(form, error)
                else:
                    flash(error.message or _("This action is not allowed here."), "error")
            else:
                db.session.commit()
                flash(message, "success")
                return redirect(url_for("visits.visit", visit_id=visit.id))
    neighbours = db.session.scalars(select(Visit).where(
        Visit.station_id == visit.station_id, Visit.id != visit.id, Visit.status != "cancelled",
        Visit.day >= visit.day - timedelta(days=40), Visit.day <= visit.day + timedelta(days=40))
        .options(selectinload(Visit.lawyer)).order_by(Visit.day)).all()
    return render_template("visits/visit.html", visit=visit, move=move, swap=swap, cancel=cancel,
                           neighbours=neighbours), status


def _apply_visit_action(visit: Visit, action: str | None, move: MoveForm, swap: SwapForm, others) -> str:
    if action == "move":
        operations.move_visit(visit, day=move.day.data, half=move.half.data, lawyer_id=move.lawyer_id.data,
                              version=move.version.data)
        return _("Visit moved to %(day)s %(half)s and pinned.", day=short_day(visit.day),
                 half=half_label(visit.half))
    if action == "swap":
        other = next((o for o in others if o.id == swap.other_id.data), None)
        if other is None:
            raise InvalidInput({"other_id": _("Choose another visit to swap with.")})
        operations.swap_visits(visit, other, first_version=swap.version.data)
        return _("Visits swapped and pinned.")
    if action == "cancel":
        operations.cancel_visit(visit, version=request.form.get("cancel-version"),
                                note=request.form.get("cancel-note"))
        return _("Visit cancelled.")
    if action in ("pin", "unpin"):
        operations.set_pinned(visit, action == "pin", version=request.form.get("version"))
        if action == "pin":
            return _("Visit pinned: re-planning will not move it.")
        return _("Visit unpinned: re-planning may move it.")
    raise InvalidInput(message=_("This action is not allowed here."))


# ------------------------------------------------------------------------------------- station and lawyer pages

def _station_for_viewer(station_id: int) -> tuple[Station, Assignment | None]:
    station = db.get_or_404(Station, station_id)
    current = operations.current_assignment(station.id)
    if current_user.role == Role.LAWYER:
        me = _my_lawyer()
        if me is None or current is None or me.id not in (current.lead_lawyer_id, current.backup_lawyer_id):
            abort(403)
    else:
        check_district(station.district_id)
    return station, current


@bp.route("/stations/<int:station_id>")
@allow(STAFF, Role.LAWYER)
def station(station_id: int):
    station, current = _station_for_viewer(station_id)
    today = today_local()
    upcoming = db.session.scalars(select(Visit).where(Visit.station_id == station.id, Visit.day >= today)
                                  .options(selectinload(Visit.lawyer), selectinload(Visit.consultations))
                                  .order_by(Visit.day, Visit.half)
                                  .limit(12)).all()
    history = db.session.scalars(select(Visit).where(Visit.station_id == station.id, Visit.day < today)
                                 .options(selectinload(Visit.lawyer), selectinload(Visit.consultations))
                                 .order_by(Visit.day.desc()).limit(24)).all()
    past_assignments = db.session.scalars(select(Assignment).where(
        Assignment.station_id == station.id, Assignment.active.is_(False)).options(
        selectinload(Assignment.firm), selectinload(Assignment.lead)).order_by(Assignment.start.desc())).all()
    from trainer.visits.records import lawyer_of, may_see_personal

    me = lawyer_of(current_user)
    personal = {v.id: may_see_personal(current_user, v, own_lawyer_id=me.id if me else None)
                for v in [*upcoming, *history]}
    return render_template("visits/station.html", station=station, current=current, upcoming=upcoming,
                           history=history, past_assignments=past_assignments, personal=personal,
                           own_lawyer_id=me.id if me else None,
                           this_month=month_key((today.year, today.month)))


@bp.route("/stations/<int:station_id>/print")
@allow(STAFF, Role.LAWYER)
def station_print(station_id: int):
    station, current = _station_for_viewer(station_id)
    month = _month_arg()
    first, last = month_bounds(month)
    visits = db.session.scalars(select(Visit).where(
        Visit.station_id == station.id, Visit.day >= first, Visit.day <= last, Visit.status != "cancelled")
        .options(selectinload(Visit.lawyer), selectinload(Visit.firm)).order_by(Visit.day, Visit.half)).all()
    return render_template("visits/station_print.html", station=station, current=current, visits=visits,
                           month=month, prev_month=_shift(month, -1), next_month=_shift(month, 1))


@bp.route("/mine")
@allow(Role.LAWYER)
def my_visits():
    from trainer.visits.forms import ConsultationForm
    from trainer.visits.pages import my_duty_shifts
    from trainer.visits.records import todays_visits
    from trainer.visits.roster import shift_label

    lawyer = _my_lawyer()
    if lawyer is None:
        return render_template("visits/mine.html", lawyer=None)
    today = today_local()
    return render_template("visits/mine.html", lawyer=lawyer, today=today, todays=todays_visits(lawyer, today),
                           form=ConsultationForm(formdata=None), duty=my_duty_shifts(lawyer, today),
                           shift_label=shift_label, **_lawyer_context(lawyer))


from trainer.visits import pages as _pages  # noqa: E402,F401  (part 2's routes on this blueprint)
