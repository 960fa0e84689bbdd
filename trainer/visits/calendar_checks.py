"""The visits area in the conflicts of the present (``trainer.workdays.conflicts``): planned visits and duty
shifts as planned items, the rules only this area knows (a lawyer's leave, a station's receiving half-days, the
station's assignment), proposals from the planner's repair, and carrying proposals out."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date

from flask import has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer import workdays
from trainer.agenda.rules import same_person_elsewhere
from trainer.audit.bulk import BulkRow, update_rows
from trainer.core.extensions import db
from trainer.core.months import month_bounds, month_key, month_of, month_range
from trainer.core.validation import InvalidInput
from trainer.org.models import District, Station
from trainer.planning.visits import HALVES, plan_visits
from trainer.visits.duty.messages import shift_label
from trainer.visits.duty.operations import change_shift, plan_period
from trainer.visits.labels import half_label, short_day
from trainer.visits.models import Assignment, DutyShift, Lawyer, LawyerLeave, Visit
from trainer.visits.plan.operations import official_working_day
from trainer.visits.plan.planner import apply_moves, load_request, plan_range
from trainer.workdays.conflicts import Breach, Conflict, Person, PlannedItem, Proposal, World, breaches_of
from trainer.workdays.proposals import notice_message

REPAIR_SECONDS = 5.0
PERSON_RULES = frozenset({"on_leave", "double_booked", "not_assigned"})


def _url(endpoint: str, fallback: str, **values) -> str:
    return url_for(endpoint, **values) if has_request_context() else fallback


_PLACEHOLDER = 987654321


def _visit_urls() -> Callable[[int], str]:
    """A visit's page address by its id: url_for once (with a placeholder id), then filled in for each visit; a
    city's year of visits builds its addresses in milliseconds instead of a fifth of a second."""
    template = _url("visits.visit", f"/visits/v/{_PLACEHOLDER}", visit_id=_PLACEHOLDER)
    head, _sep, tail = template.rpartition(str(_PLACEHOLDER))
    return lambda visit_id: f"{head}{visit_id}{tail}"


# -------------------------------------------------------------------------------------------- planned items

def _visit_items(district_id: int | None, first: date, last: date) -> list[PlannedItem]:
    """The planned visits as items, read as plain columns in one query (no model objects: a city's year is
    13,000 visits, read on every view of the desk and the conflicts list)."""
    query = (select(Visit.id, Visit.day, Visit.half, Visit.district_id, Visit.provisional, Visit.version,
                    Visit.pinned, Visit.lawyer_id, Visit.station_id, Station.name, Station.am_hours, Station.pm_hours,
                    Lawyer.name)
             .join(Station, Station.id == Visit.station_id).join(Lawyer, Lawyer.id == Visit.lawyer_id)
             .where(Visit.status == "planned", Visit.day >= first, Visit.day <= last))
    if district_id is not None:
        query = query.where(Visit.district_id == district_id)
    url = _visit_urls()
    people: dict[int, tuple[Person, ...]] = {}
    items = []
    for (visit_id, day, half, visit_district, provisional, version, pinned, lawyer_id, station_id, station,
         am_hours, pm_hours, lawyer) in db.session.execute(query):
        start, _sep, end = (am_hours if half == "am" else pm_hours).partition("-")
        if lawyer_id not in people:
            people[lawyer_id] = (Person("lawyer", lawyer_id, lawyer),)
        items.append(PlannedItem(
            kind="visit", id=visit_id, day=day, label=f"{station} · {lawyer}", district_id=visit_district,
            url=url(visit_id), provisional=provisional, half=half, start=start, end=end, people=people[lawyer_id],
            version=version, pinned=pinned, refs={"station_id": station_id}))
    return items


def _day_end(spec: dict) -> str:
    """A shift's end on its own day: one ending at midnight (stored "00:00") or past it (20:00-08:00) runs to
    "24:00" of its day, so that the time spans compare as text (its morning after is the next day's rest)."""
    end = spec["end"]
    return "24:00" if end == "00:00" or end < spec["start"] else end


def planned_items(district_id: int | None, first: date, last: date) -> list[PlannedItem]:
    shifts = (select(DutyShift).where(DutyShift.status == "planned", DutyShift.day >= first, DutyShift.day <= last)
              .options(selectinload(DutyShift.period), selectinload(DutyShift.lawyer)))
    if district_id is not None:
        shifts = shifts.where(DutyShift.district_id == district_id)
    items = _visit_items(district_id, first, last)
    for row in db.session.scalars(shifts):
        spec = row.period.shift(row.shift_code)
        if spec is None:
            continue
        items.append(PlannedItem(
            kind="duty_shift", id=row.id, day=row.day,
            label=f"{row.period.title} · {shift_label(spec)} · {row.lawyer.name}", district_id=row.district_id,
            url=_url("visits.duty_period", f"/visits/duty/{row.period_id}", period_id=row.period_id),
            start=spec["start"], end=_day_end(spec), people=(Person("lawyer", row.lawyer_id, row.lawyer.name),),
            working_day_only=False, version=row.period.version, pinned=row.pinned,
            refs={"period_id": row.period_id, "shift_code": row.shift_code}))
    return items


# ------------------------------------------------------------------------------------------------ the rules

def _leave_span(leave: LawyerLeave) -> tuple[str, str]:
    return {"am": ("00:00", "12:00"), "pm": ("12:00", "24:00")}.get(leave.half or "", ("00:00", "24:00"))


def lawyer_on_leave(items: Sequence[PlannedItem], world: World) -> Iterable[Breach]:
    """A lawyer on leave (or unavailable) during a visit or a duty shift."""
    lawyers = {p.id for i in items for p in i.people if p.role == "lawyer"}
    if not lawyers:
        return
    first, last = min(i.day for i in items), max(i.day for i in items)
    by_lawyer = defaultdict(list)
    for leave in db.session.scalars(select(LawyerLeave).where(
            LawyerLeave.lawyer_id.in_(lawyers), LawyerLeave.end >= first, LawyerLeave.start <= last)):
        by_lawyer[leave.lawyer_id].append(leave)
    for item in items:
        for person in item.people:
            if person.role != "lawyer":
                continue
            for leave in by_lawyer.get(person.id, ()):
                start, end = _leave_span(leave)
                if leave.start <= item.day <= leave.end and item.start < end and start < item.end:
                    if leave.reason:
                        text = _("%(name)s is on leave from %(start)s to %(end)s (%(reason)s).", name=person.name,
                                 start=short_day(leave.start), end=short_day(leave.end), reason=leave.reason)
                    else:
                        text = _("%(name)s is on leave from %(start)s to %(end)s.", name=person.name,
                                 start=short_day(leave.start), end=short_day(leave.end))
                    yield Breach(item.key, "on_leave", text)
                    break


def station_not_receiving(items: Sequence[PlannedItem], world: World) -> Iterable[Breach]:
    """A visit outside its station's receiving half-days."""
    visits = [i for i in items if i.kind == "visit"]
    if not visits:
        return
    stations = {s.id: s for s in db.session.scalars(select(Station).where(
        Station.id.in_({i.refs["station_id"] for i in visits})))}
    for item in visits:
        station = stations.get(item.refs["station_id"])
        if station is not None and (item.day.weekday(), item.half) not in station.receiving_pairs():
            yield Breach(item.key, "not_receiving", _(
                "%(station)s does not receive visitors on %(slot)s.", station=station.name,
                slot=f"{short_day(item.day)} {half_label(item.half)}"))


def _assignments(station_ids: set[int]) -> dict[int, Assignment]:
    if not station_ids:
        return {}
    return {a.station_id: a for a in db.session.scalars(select(Assignment).where(
        Assignment.station_id.in_(station_ids), Assignment.active).options(
        selectinload(Assignment.lead), selectinload(Assignment.backup), selectinload(Assignment.station)))}


def lawyer_not_assigned(items: Sequence[PlannedItem], world: World) -> Iterable[Breach]:
    """A visit by a lawyer who is no longer the station's lead or backup (or no longer active), or of a station
    that has no assignment any more."""
    visits = [i for i in items if i.kind == "visit"]
    if not visits:
        return
    # Plain columns: the rule reads only who may visit (model objects of every assignment's lawyers and
    # stations cost a city's desk a third of a second).
    assigned = {station_id: (lead, backup) for station_id, lead, backup in db.session.execute(
        select(Assignment.station_id, Assignment.lead_lawyer_id, Assignment.backup_lawyer_id).where(
            Assignment.station_id.in_({i.refs["station_id"] for i in visits}), Assignment.active))}
    inactive = set(db.session.scalars(select(Lawyer.id).where(
        Lawyer.id.in_({p.id for i in visits for p in i.people}), Lawyer.active.is_(False))))
    for item in visits:
        lawyer = item.person("lawyer")
        allowed = assigned.get(item.refs["station_id"])
        if allowed is None:
            yield Breach(item.key, "not_assigned", _("The station has no firm and lawyer assigned any more."))
        elif lawyer is None or lawyer.id not in allowed:
            yield Breach(item.key, "not_assigned", _(
                "%(name)s is neither the lead nor the backup lawyer of this station.",
                name=lawyer.name if lawyer else ""))
        elif lawyer.id in inactive:
            yield Breach(item.key, "not_assigned", _("%(name)s is no longer active.", name=lawyer.name))


def visit_stays_in_its_month(items: Sequence[PlannedItem], world: World) -> Iterable[Breach]:
    """A visit moved by a proposal stays in its month: the contract counts visits per station and month."""
    for item in items:
        origin = item.refs.get("from_day")
        if item.kind == "visit" and item.moved and origin is not None and month_of(origin) != month_of(item.day):
            yield Breach(item.key, "other_month", _(
                "A visit stays in its month (the contract counts visits per month); move it to another day of "
                "%(month)s.", month=month_key(month_of(origin))))


# same_person_elsewhere looks across every programme (trainer/agenda/rules.py); it is listed once, here.
RULES = [lawyer_on_leave, station_not_receiving, lawyer_not_assigned, visit_stays_in_its_month,
         same_person_elsewhere]


# -------------------------------------------------------------------------------------------------- proposals

def _other_lawyer(item: PlannedItem, assignment: Assignment | None) -> Lawyer | None:
    if assignment is None:
        return None
    current = item.person("lawyer")
    return next((lw for lw in (assignment.lead, assignment.backup)
                 if lw is not None and lw.active and (current is None or lw.id != current.id)), None)


def propose(conflicts: list[Conflict], world: World, open_day: Callable[[int | None], date]) -> dict:
    """Each broken visit: the station's other lawyer in the same slot when only the lawyer is the problem;
    else where the planner's repair of the affected months, with everything else held, puts it."""
    visits = [c for c in conflicts if c.item.kind == "visit"]
    out: dict[tuple[str, int], Proposal] = {}
    if not visits:
        return out
    assignments = _assignments({c.item.refs["station_id"] for c in visits})
    reserved = world
    to_repair: dict[int, list[Conflict]] = defaultdict(list)
    for conflict in visits:
        item = conflict.item
        station_id = item.refs["station_id"]
        if station_id not in assignments:
            out[item.key] = Proposal(None, "none", _("The station has no assignment: assign it, or cancel the "
                                                     "visit."))
            continue
        other = _other_lawyer(item, assignments[station_id])
        if other is not None and conflict.rules <= PERSON_RULES and item.day >= open_day(item.district_id):
            candidate = item.moved_to(people=(Person("lawyer", other.id, other.name),))
            if not breaches_of([candidate], reserved).get(item.key):
                out[item.key] = Proposal(candidate, "other_person", _(
                    "%(name)s of the same firm is free in this slot.", name=other.name))
                reserved = reserved.replaced({item.key: candidate})
                continue
        to_repair[item.district_id].append(conflict)
    for district_id, group in to_repair.items():
        held = {k: p.item for k, p in out.items() if p.item is not None}
        out.update(_repair(db.session.get(District, district_id), group, held, open_day))
    return out


def _repair(district: District, group: list[Conflict], held: dict, open_day) -> dict:
    """Re-plan the months of ``group`` with the planner, every other visit held where it is (or where a proposal
    already put it), nothing on the days of the minimum notice."""
    first_open = open_day(district.id)
    months = month_range(min(month_of(c.item.day) for c in group), max(month_of(c.item.day) for c in group))
    first_day, last_day = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    working = frozenset(d for d in workdays.working_days_set(first_day, last_day, allow_provisional=True)
                        if d >= first_open)
    loaded = load_request(district, months, mode="replan", allow_provisional=True, time_limit_s=REPAIR_SECONDS,
                          station_ids={c.item.refs["station_id"] for c in group}, working=working,
                          provisional=workdays.is_provisional_range(first_day, last_day))
    broken = {c.item.id for c in group}
    held_lawyer = {key[1]: item.person("lawyer").id for key, item in held.items() if key[0] == "visit"}
    existing = []
    for fixed in loaded.request.existing:
        if fixed.visit_id in held_lawyer:
            fixed = replace(fixed, lawyer_id=held_lawyer[fixed.visit_id])
        existing.append(replace(fixed, pinned=fixed.visit_id not in broken))
    request = replace(loaded.request, existing=tuple(existing), num_workers=1)
    result = plan_visits(request) if working else None
    placed = {p.visit_id: p for p in (result.visits if result else ()) if p.visit_id in broken}
    out = {}
    for conflict in group:
        item = conflict.item
        planned = placed.get(item.id)
        station = loaded.stations.get(item.refs["station_id"])
        if planned is None or station is None or (planned.slot.day, planned.slot.half) == (item.day, item.half) \
                and planned.lawyer_id == item.person("lawyer").id:
            closed = item.day < first_open or month_bounds(month_of(item.day))[1] < first_open
            out[item.key] = Proposal(None, "none", notice_message(item, open_day) if closed else _(
                "No free lawyer and day was found in this month; move it by hand or cancel it."), notice=closed)
            continue
        lawyer = loaded.lawyers.get(planned.lawyer_id) or db.session.get(Lawyer, planned.lawyer_id)
        start, end = station.hours_of(planned.slot.half)
        candidate = item.moved_to(day=planned.slot.day, half=planned.slot.half, start=start, end=end,
                                  people=(Person("lawyer", lawyer.id, lawyer.name),))
        out[item.key] = Proposal(candidate, "other_day" if planned.slot.day != item.day else "other_slot", _(
            "Another receiving working day of the station with %(name)s.", name=lawyer.name))
    return out


def alternatives(item: PlannedItem, open_day: Callable[[int | None], date]) -> Iterable[PlannedItem] | None:
    """A duty shift stays on its day and shift: another lawyer of the period's pool takes it."""
    if item.kind != "duty_shift":
        return None
    if item.day < open_day(item.district_id):
        return []
    shift = db.session.get(DutyShift, item.id)
    current = item.person("lawyer")
    load = defaultdict(int)
    for row in shift.period.duty_shifts:
        if row.status == "planned":
            load[row.lawyer_id] += 1
    pool = sorted((lw for lw in shift.period.lawyers if lw.active and lw.id != current.id),
                  key=lambda lw: (load[lw.id], lw.name))
    return [item.moved_to(people=(Person("lawyer", lw.id, lw.name),)) for lw in pool]


# ------------------------------------------------------------------------------------------------ carrying out

def apply(moves: list[tuple[PlannedItem, PlannedItem]]) -> list[str]:
    """Carry out proposals for visits (all at once, so visits may trade places) and duty shifts."""
    refused = []
    visit_moves = {}
    for old, new in moves:
        if old.kind == "visit":
            visit = db.session.get(Visit, old.id)
            lawyer = db.session.get(Lawyer, new.person("lawyer").id)
            assignment = _assignments({visit.station_id}).get(visit.station_id)
            visit.firm_id = lawyer.firm_id
            visit.by_backup = assignment is not None and lawyer.id == assignment.backup_lawyer_id
            visit.provisional = official_working_day(new.day) is None
            visit.touch()
            visit_moves[visit] = (lawyer.id, new.day, new.half)
        elif old.kind == "duty_shift":
            shift = db.session.get(DutyShift, old.id)
            try:  # checked before anything changes: a refusal leaves the roster as it was
                change_shift(shift.period, day=shift.day, shift_code=shift.shift_code,
                             remove_lawyer_id=old.person("lawyer").id, lawyer_id=new.person("lawyer").id)
            except InvalidInput as error:
                refused.append(f"{old.label}: {error.message}")
    if visit_moves:
        occupants = list(db.session.scalars(select(Visit).where(
            Visit.status != "cancelled", Visit.day.in_({v[1] for v in visit_moves.values()}
                                                       | {v.day for v in visit_moves}))))
        apply_moves(visit_moves, occupants)
    return refused


def replan(district: District, conflicts: list[Conflict], *, user_id: int | None = None) -> list:
    """Re-plan the months of the district's broken visits (those unpinned first: a broken visit is not a choice
    to keep), as the plan page's re-plan does: every other visit that obeys the rules stays; and the broken
    duty shifts (unpinned likewise) within their periods: only they are planned again (not within the minimum
    notice), every other shift stays."""
    outcomes = _replan_duty([c for c in conflicts if c.item.kind == "duty_shift"])
    visits = [c for c in conflicts if c.item.kind == "visit"]
    if not visits:
        return outcomes
    for conflict in visits:
        db.session.get(Visit, conflict.item.id).pinned = False
    db.session.flush()
    first = min(month_of(c.item.day) for c in visits)
    last = max(month_of(c.item.day) for c in visits)
    return [*outcomes, plan_range(district, first, last, allow_provisional=True, mode="replan", user_id=user_id)]


def _replan_duty(shifts: list[Conflict]) -> list:
    """Each broken shift planned again within its period; every other shift stays where it is."""
    periods, broken = {}, defaultdict(set)
    for conflict in shifts:
        row = db.session.get(DutyShift, conflict.item.id)
        row.pinned = False
        periods[row.period_id] = row.period
        broken[row.period_id].add(row.id)
    db.session.flush()
    return [plan_period(period, repair=broken[period_id]) for period_id, period in sorted(periods.items())]


def year_became_official(year: int) -> None:
    """Visits planned on the provisional calendar of ``year`` that fall on official working days lose the mark;
    the others keep it and are listed as conflicts."""
    working = workdays.working_days_set(date(year, 1, 1), date(year, 12, 31))
    rows = db.session.execute(
        select(Visit.id, Visit.district_id, Visit.day, Visit.half, Station.name)
        .join(Station, Station.id == Visit.station_id)
        .where(Visit.provisional, Visit.status == "planned", Visit.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(Visit.id))
    halves = {half: half_label(half) for half in HALVES}
    update_rows(Visit, [BulkRow(visit_id, district_id, Visit.label_of(station, day, halves[half]))
                        for visit_id, district_id, day, half, station in rows if day in working],
                before={"provisional": True}, after={"provisional": False})
