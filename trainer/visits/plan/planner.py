"""Plan a district's visits: load the data, call the pure solver (``trainer.planning.visits``), persist the result.

The solver decides; this module only translates between the database and plain data, keeps visit ids when the
solver keeps or moves a visit, cancels the ones it removes and raises ``sequence`` on every real change. Every
planning run (the plan page, the API, the CLI, the monthly job) ends in ``_record_run``: a ``PlanRun`` with the
problems in words for the plan page. Callers commit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload

from trainer.agenda import busy_of
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.months import Month, month_bounds, month_key, month_range, parse_month
from trainer.core.validation import InvalidInput
from trainer.org.models import District, Station
from trainer.planning.visits import (
    RHYTHM_KEEP_SHARE,
    FixedVisit,
    LawyerSpec,
    Slot,
    StationSpec,
    VisitPlanRequest,
    plan_visits,
)
from trainer.visits.models import Assignment, Firm, Lawyer, LawyerLeave, PlanRun, Visit
from trainer.visits.plan.messages import BLOCKING_RULES, problem_dict
from trainer.workdays import is_provisional_range, working_days_set
from trainer.workdays.notice_period import first_open_day

DEFAULT_TIME_LIMIT_S = 8.0
CONTEXT_DAYS = 21  # visits this close to the range count for the gap rule and busy lawyers
PARK_DAY = date(1900, 1, 1)  # where a visit waits for one flush while two visits swap places


def rhythm_share() -> str:
    """The share of station-months the planner keeps on their rhythm at least, as the plan page says it."""
    return f"{RHYTHM_KEEP_SHARE:.0%}"


@dataclass
class Loaded:
    """The district's data for a planning request, and the request itself."""

    request: object
    stations: dict[int, Station]
    assignments: dict[int, Assignment]
    unassigned: list[Station]
    visits: dict[int, Visit]  # active visits the request mentions, by id (rows of VISIT_COLUMNS if read_only)
    lawyers: dict[int, Lawyer]
    provisional: bool
    not_before: date | None
    first_day: date
    last_day: date


# What the planner and the plan's figures read of a visit.
VISIT_COLUMNS = (Visit.id, Visit.station_id, Visit.lawyer_id, Visit.day, Visit.half, Visit.status, Visit.pinned,
                 Visit.by_backup)


@dataclass
class PlanOutcome:
    run: PlanRun
    problems: list[dict]
    created: list[Visit] = field(default_factory=list)
    moved: list[Visit] = field(default_factory=list)
    cancelled: list[Visit] = field(default_factory=list)
    kept: int = 0
    status: str = ""


def _active_assignments(district_id: int) -> dict[int, Assignment]:
    rows = db.session.scalars(select(Assignment).where(Assignment.district_id == district_id, Assignment.active)
                              .options(selectinload(Assignment.firm).selectinload(Firm.contracts)))
    return {a.station_id: a for a in rows}


def _half_spans(stations) -> dict[str, tuple[str, str]]:
    """The earliest start and latest end of each half-day over the stations (a lawyer busy then is busy)."""
    spans = {}
    for half, default in (("am", ("09:00", "12:00")), ("pm", ("14:00", "17:00"))):
        hours = [s.hours_of(half) for s in stations]
        spans[half] = (min(h[0] for h in hours), max(h[1] for h in hours)) if hours else default
    return spans


def _wall(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm))


def other_commitments(lawyer_ids, stations, first: date, last: date) -> dict[int, set[Slot]]:
    """The half-days on which a lawyer, as the same person, is busy in another programme: telephone duty,
    mentoring at the centre, guidance meetings, bargaining sessions (trainer.agenda). Visits are the solver's."""
    spans = _half_spans(list(stations))
    out: dict[int, set[Slot]] = defaultdict(set)
    for lawyer_id, items in busy_of("lawyer", lawyer_ids, first, last, skip=("visit",)).items():
        for item in items:
            day = item.start.date()
            while day <= item.end.date():
                for half, (start, end) in spans.items():
                    if item.start < _wall(day, end) and _wall(day, start) < item.end:
                        out[lawyer_id].add(Slot(day, half))
                day += timedelta(days=1)
    return out


def lawyer_specs(lawyers: list[Lawyer], first: date, last: date, not_before: date | None = None,
                 busy: dict[int, set[Slot]] | None = None):
    """LawyerSpecs with leave (whole days or half-days) and ``busy`` half-days between first and last."""
    ids = [lw.id for lw in lawyers]
    leave_rows = db.session.scalars(select(LawyerLeave).where(
        LawyerLeave.lawyer_id.in_(ids), LawyerLeave.end >= first, LawyerLeave.start <= last)).all() if ids else []
    days: dict[int, set[date]] = defaultdict(set)
    slots: dict[int, set] = defaultdict(set)
    for leave in leave_rows:
        current = max(leave.start, first)
        while current <= min(leave.end, last):
            if leave.half:
                slots[leave.lawyer_id].add(Slot(current, leave.half))
            else:
                days[leave.lawyer_id].add(current)
            current += timedelta(days=1)
    for lawyer_id, taken in (busy or {}).items():
        slots[lawyer_id].update(taken)
    return tuple(LawyerSpec(lw.id, lw.firm_id, frozenset(days[lw.id]), frozenset(slots[lw.id])) for lw in lawyers)


def load_request(district: District, months: list[Month], *, mode: str = "full", allow_provisional: bool = False,
                 time_limit_s: float = DEFAULT_TIME_LIMIT_S, not_before: date | None = None,
                 station_ids: set[int] | None = None, working: frozenset[date] | None = None,
                 provisional: bool = False, read_only: bool = False) -> Loaded:
    """Everything the solver needs for ``months`` of ``district`` as plain data. ``read_only``: the visits
    are read as rows of their columns, not as records to change (the plan's figures read a city year's
    14,000 of them)."""
    first_day, last_day = month_bounds(months[0])[0], month_bounds(months[-1])[1]
    if working is None:
        # Raises YearNotAnnounced (naming the year) unless a provisional calendar is allowed.
        working = working_days_set(first_day, last_day, allow_provisional=allow_provisional)
        provisional = is_provisional_range(first_day, last_day)
    if not_before is not None:
        # Nothing new is planned in the past: earlier days of the current month are closed to the solver.
        working = frozenset(d for d in working if d >= not_before)
    stations = {s.id: s for s in db.session.scalars(
        select(Station).where(Station.district_id == district.id, Station.active).order_by(Station.name))}
    if station_ids is not None:
        stations = {sid: s for sid, s in stations.items() if sid in station_ids}
    assignments = {sid: a for sid, a in _active_assignments(district.id).items() if sid in stations}
    unassigned = [s for sid, s in stations.items() if sid not in assignments]
    lawyer_ids = {a.lead_lawyer_id for a in assignments.values()} | {
        a.backup_lawyer_id for a in assignments.values() if a.backup_lawyer_id}
    window_first, window_last = first_day - timedelta(days=CONTEXT_DAYS), last_day + timedelta(days=CONTEXT_DAYS)
    conditions = [Visit.station_id.in_(list(assignments))] if assignments else []
    if lawyer_ids:
        conditions.append(Visit.lawyer_id.in_(list(lawyer_ids)))
    visits = {}
    if conditions:
        which = select(*VISIT_COLUMNS) if read_only else select(Visit)
        which = which.where(Visit.status != "cancelled", Visit.day >= window_first, Visit.day <= window_last,
                            or_(*conditions))
        visits = {v.id: v for v in (db.session.execute(which) if read_only else db.session.scalars(which))}
    lawyer_ids |= {v.lawyer_id for v in visits.values()}
    lawyers = {lw.id: lw for lw in db.session.scalars(select(Lawyer).where(Lawyer.id.in_(lawyer_ids)))} \
        if lawyer_ids else {}

    specs = []
    for sid, assignment in assignments.items():
        station = stations[sid]
        contract = assignment.firm.contract_on(first_day)
        per_month = contract.visits_per_station_month if contract else 2
        rhythm = tuple((int(w), int(d)) for w, d in (station.rhythm or []))
        specs.append(StationSpec(id=sid, lead_lawyer_id=assignment.lead_lawyer_id,
                                 backup_lawyer_id=assignment.backup_lawyer_id, firm_id=assignment.firm_id,
                                 receiving=station.receiving_pairs(), rhythm=rhythm, visits_per_month=per_month))
    existing = []
    for visit in visits.values():
        # What happened (or was delivered) cannot move: past visits are pinned for the solver.
        fixed = visit.pinned or visit.status != "planned" or (not_before is not None and visit.day < not_before)
        existing.append(FixedVisit(visit.station_id, visit.lawyer_id, Slot(visit.day, visit.half), fixed, visit.id))
    request = VisitPlanRequest(
        months=tuple(months), working_days=frozenset(working), stations=tuple(specs),
        lawyers=lawyer_specs(list(lawyers.values()), window_first, window_last,
                             busy=other_commitments(list(lawyers), stations.values(), window_first, window_last)),
        existing=tuple(sorted(existing, key=lambda f: (f.slot, f.station_id))),
        time_limit_s=time_limit_s, mode=mode)
    return Loaded(request, stations, assignments, unassigned, visits, lawyers, provisional, not_before,
                  first_day, last_day)


def _past_artefact(problem, loaded: Loaded, today: date) -> bool:
    """Pinned past visits sit on days closed to the solver; that is not a broken rule. (Those on days of the
    minimum notice that do break a rule are told as ``within_notice`` problems instead.)"""
    if loaded.not_before is None or problem.rule != "non_working_day":
        return False
    return all(d < loaded.not_before for d in problem.days)


def _held_by_notice(loaded: Loaded, today: date) -> list[dict]:
    """Visits on the days of the minimum notice that break a rule but were not moved: the plan page says so."""
    if loaded.not_before is None or loaded.not_before <= today:
        return []
    held = [v for v in loaded.visits.values() if v.status == "planned" and not v.pinned
            and today <= v.day < loaded.not_before and v.station_id in loaded.assignments]
    broken = []
    working = working_days_set(today, loaded.not_before, allow_provisional=True)
    for visit in held:
        assignment = loaded.assignments[visit.station_id]
        station = loaded.stations[visit.station_id]
        if (visit.day not in working or (visit.day.weekday(), visit.half) not in station.receiving_pairs()
                or visit.lawyer_id not in (assignment.lead_lawyer_id, assignment.backup_lawyer_id)
                or any(leave.covers(visit.day, visit.half) for leave in db.session.scalars(select(LawyerLeave).where(
                    LawyerLeave.lawyer_id == visit.lawyer_id, LawyerLeave.start <= visit.day,
                    LawyerLeave.end >= visit.day)))):
            broken.append(visit)
    if not broken:
        return []
    return [problem_dict({"rule": "within_notice", "station_ids": sorted({v.station_id for v in broken}),
                          "month": None, "days": sorted({v.day for v in broken}),
                          "lawyer_ids": sorted({v.lawyer_id for v in broken}),
                          "details": {"until": (loaded.not_before - timedelta(days=1)).isoformat(),
                                      "visit_ids": [v.id for v in broken]}})]


def plan_range(district: District, first_month: str | Month, last_month: str | Month, *,
               allow_provisional: bool = False, mode: str = "full", time_limit_s: float = DEFAULT_TIME_LIMIT_S,
               today: date | None = None, allow_past: bool = False, user_id: int | None = None) -> PlanOutcome:
    """Plan (mode "full") or re-plan (mode "replan": keep pinned and unbroken visits, move as few as possible)
    the visits of ``district`` from ``first_month`` to ``last_month``, both included. Flushes; the caller commits.

    Raises ``YearNotAnnounced`` when a year is not announced and ``allow_provisional`` is false, and
    ``InvalidInput`` for a bad range.
    """
    if mode not in ("full", "replan"):
        raise InvalidInput({"mode": _("Unknown planning mode.")})
    first, last = parse_month(first_month, "first_month"), parse_month(last_month, "last_month")
    months = month_range(first, last)
    today = today or today_local()
    not_before = None
    if not allow_past:
        if month_bounds(last)[1] < today:
            raise InvalidInput({"last_month": _("These months are over; plan the current month or later.")})
        # Nothing automatic on today or the days of the district's minimum notice.
        open_day = first_open_day(district.id, today)
        not_before = open_day if month_bounds(first)[0] < open_day else None
    loaded = load_request(district, months, mode=mode, allow_provisional=allow_provisional,
                          time_limit_s=time_limit_s, not_before=not_before)
    result = plan_visits(loaded.request)
    outcome = persist(loaded, result, district)
    problems = [problem_dict({"rule": "unassigned", "station_ids": [s.id], "month": None, "days": [],
                              "lawyer_ids": [], "details": {}}) for s in loaded.unassigned]
    problems += [problem_dict(p) for p in result.problems if not _past_artefact(p, loaded, today)]
    problems += _held_by_notice(loaded, today)
    status = result.status
    if loaded.unassigned and status in ("optimal", "feasible"):
        status = "partial"
    stats = {k: v for k, v in result.stats.items() if isinstance(v, int | float | str | None)}
    _record_run(outcome, district, first, last, mode=mode, provisional=loaded.provisional, status=status,
                problems=problems, stats=stats, user_id=user_id)
    return outcome


def fill_month(district: District, month: Month, *, allow_provisional: bool,
               time_limit_s: float = 20.0) -> tuple[PlanRun | None, int]:
    """Plan ``month`` for the stations of ``district`` that have an assignment and no visit in it; every visit
    already there stays where it is (the monthly job: running it twice adds nothing the second time).
    Returns (the PlanRun, or None when every station is planned already; the number of stations planned)."""
    first, last = month_bounds(month)
    open_day = first_open_day(district.id)
    assigned = set(db.session.scalars(select(Assignment.station_id).where(
        Assignment.district_id == district.id, Assignment.active)))
    planned = set(db.session.scalars(select(Visit.station_id).where(
        Visit.district_id == district.id, Visit.day >= first, Visit.day <= last, Visit.status != "cancelled")))
    missing = assigned - planned
    if not missing:
        return None, 0
    loaded = load_request(district, [month], mode="full", allow_provisional=allow_provisional,
                          time_limit_s=time_limit_s, station_ids=missing,
                          not_before=open_day if first < open_day else None)
    # Everything already planned holds still: only the missing stations get visits.
    request = replace(loaded.request, existing=tuple(replace(f, pinned=True) for f in loaded.request.existing))
    result = plan_visits(request)
    outcome = persist(loaded, result, district)
    run = _record_run(outcome, district, month, month, mode="full", provisional=loaded.provisional,
                      status=result.status, problems=[problem_dict(p) for p in result.problems],
                      stats={"job": "visits.roll_forward", "stations": len(missing)})
    return run, len(missing)


def districts_with_assignments() -> list[District]:
    """The districts that have at least one station assigned, in the city's order."""
    return list(db.session.scalars(select(District).where(exists().where(
        Assignment.district_id == District.id, Assignment.active)).order_by(District.sort_order)))


def _record_run(outcome: PlanOutcome, district: District, first: Month, last: Month, *, mode: str,
                provisional: bool, status: str, problems: list[dict], stats: dict,
                user_id: int | None = None) -> PlanRun:
    """The run as the plan page shows it later: what was asked, what changed, the problems."""
    run = PlanRun(district_id=district.id, first_month=month_key(first), last_month=month_key(last), mode=mode,
                  provisional=provisional, status=status, created=len(outcome.created),
                  moved=len(outcome.moved), cancelled=len(outcome.cancelled), kept=outcome.kept,
                  problems=problems, stats=stats, user_id=user_id)
    db.session.add(run)
    db.session.flush()
    outcome.run, outcome.problems, outcome.status = run, problems, status
    return run


def _key_lawyer(lawyer_id, day, half):
    return ("lawyer", lawyer_id, day, half)


def _key_station(station_id, day, half):
    return ("station", station_id, day, half)


def apply_moves(moves: dict[Visit, tuple[int, date, str]], occupants: list[Visit]) -> None:
    """Move visits to (lawyer, day, half) without ever breaking the unique indexes on the way.

    A move waits while its target slot is still held by a visit that is itself about to leave; when visits
    wait on each other in a circle (a swap), one waits for a flush on a parking day.
    """
    holders: dict[tuple, Visit] = {}
    for visit in occupants:
        if visit.status != "cancelled":
            holders[_key_lawyer(visit.lawyer_id, visit.day, visit.half)] = visit
            holders[_key_station(visit.station_id, visit.day, visit.half)] = visit
    pending = dict(moves)
    while pending:
        ready = []
        for visit, (lawyer_id, day, half) in pending.items():
            targets = (_key_lawyer(lawyer_id, day, half), _key_station(visit.station_id, day, half))
            if all(holders.get(t) in (None, visit) for t in targets):
                ready.append(visit)
        if not ready:
            visit = next(iter(pending))
            _release(holders, visit)
            visit.day = PARK_DAY + timedelta(days=visit.id % 36000)
            db.session.flush()
            continue
        for visit in ready:
            lawyer_id, day, half = pending.pop(visit)
            _release(holders, visit)
            visit.lawyer_id, visit.day, visit.half = lawyer_id, day, half
            holders[_key_lawyer(lawyer_id, day, half)] = visit
            holders[_key_station(visit.station_id, day, half)] = visit
        db.session.flush()


def _release(holders: dict, visit: Visit) -> None:
    for key in (_key_lawyer(visit.lawyer_id, visit.day, visit.half),
                _key_station(visit.station_id, visit.day, visit.half)):
        if holders.get(key) is visit:
            del holders[key]


def persist(loaded: Loaded, result, district: District) -> PlanOutcome:
    """Write the solver's plan: keep ids, move, create, cancel the removed; raise ``sequence`` on real changes."""
    outcome = PlanOutcome(run=None, problems=[])  # type: ignore[arg-type]
    removed = [loaded.visits[i] for i in result.stats.get("removed_visit_ids", []) if i in loaded.visits]
    for visit in removed:
        visit.status = "cancelled"
        visit.pinned = False
        visit.touch()
        outcome.cancelled.append(visit)
    if removed:
        db.session.flush()
    moves: dict[Visit, tuple[int, date, str]] = {}
    new_rows: list[Visit] = []
    for planned in result.visits:
        lawyer = loaded.lawyers.get(planned.lawyer_id)
        if planned.visit_id is not None and planned.visit_id in loaded.visits:
            visit = loaded.visits[planned.visit_id]
            target = (planned.lawyer_id, planned.slot.day, planned.slot.half)
            if (visit.lawyer_id, visit.day, visit.half) != target:
                moves[visit] = target
                visit.firm_id = lawyer.firm_id if lawyer else visit.firm_id
                visit.by_backup = planned.by_backup
                visit.provisional = loaded.provisional
                visit.touch()
                outcome.moved.append(visit)
            else:
                outcome.kept += 1
                visit.by_backup = planned.by_backup
                if not visit.pinned and visit.provisional and not loaded.provisional:
                    visit.provisional = False  # now checked against the official calendar
            continue
        station = loaded.stations[planned.station_id]
        new_rows.append(Visit(district_id=district.id, station_id=station.id, lawyer_id=planned.lawyer_id,
                              firm_id=lawyer.firm_id, day=planned.slot.day, half=planned.slot.half,
                              status="planned", by_backup=planned.by_backup, provisional=loaded.provisional))
    if moves:
        apply_moves(moves, list(loaded.visits.values()))
    for visit in new_rows:
        db.session.add(visit)
    db.session.flush()
    outcome.created = new_rows
    return outcome


def blocking(problems: list[dict]) -> list[dict]:
    return [p for p in problems if p.get("rule") in BLOCKING_RULES]
