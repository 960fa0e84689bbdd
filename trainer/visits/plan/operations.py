"""Changes to planned visits by hand: move, swap, pin, cancel, each refused with every reason when it breaks a
rule (``visit_conflicts``); and the check of stored visits against the solver's hard rules. Callers commit.

The database keeps the last word against a double booking (unique slot indexes): a race lost there is a
``DoubleBooking``, which the caller answers after rolling back.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from trainer import workdays
from trainer.agenda import clash_messages, visit_commitments
from trainer.core.clock import today_local
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.months import month_bounds, month_key, month_of, month_range
from trainer.core.validation import InvalidInput, check_reach
from trainer.org.models import District
from trainer.planning.visits import PlannedVisit, Slot, check_plan, plan_quality
from trainer.visits.labels import half_label, short_day
from trainer.visits.models import HALVES, Lawyer, Visit
from trainer.visits.plan.planner import apply_moves, load_request
from trainer.visits.plan.queries import busy, on_leave
from trainer.visits.setup.operations import current_assignment

MIN_GAP_DAYS = 7


class DoubleBooking(InvalidInput):
    """The database refused a second visit of a lawyer (or station) in one slot: someone booked it just now."""

    def __init__(self):
        Exception.__init__(self, "double booking")
        self.fields = {}
        # Translated when shown: until the caller rolls back, the session cannot be read (choosing the language
        # may read the user).
        self.message = _l("That lawyer or station was booked in this slot by someone else just now. "
                          "Nothing was changed.")


def official_working_day(day: date) -> bool | None:
    """True/False from the official calendar; None while the year is not announced."""
    return None if workdays.is_provisional_year(day.year) else workdays.is_working_day(day)


def visit_conflicts(visit: Visit, *, lawyer_id: int, day: date, half: str, ignore: set[int] | None = None,
                    ) -> list[str]:
    """Every reason a visit cannot be at (lawyer, day, half), in words. Empty: it can."""
    ignore = set(ignore or ()) | {visit.id}
    station = visit.station
    reasons = []
    slot_words = f"{short_day(day)} {half_label(half)}"
    if half not in HALVES:
        return [_("Choose morning or afternoon.")]
    if month_of(day) != month_of(visit.day):
        reasons.append(_("A visit stays in its month (the contract counts visits per month); "
                         "move it to another day of %(month)s.", month=month_key(month_of(visit.day))))
    working = official_working_day(day)
    if working is False:
        reasons.append(_("%(day)s is not an official working day.", day=short_day(day)))
    if (day.weekday(), half) not in station.receiving_pairs():
        reasons.append(_("%(station)s does not receive visitors on %(slot)s.", station=station.name, slot=slot_words))
    lawyer = db.session.get(Lawyer, lawyer_id)
    if lawyer is None:
        return [_("No such lawyer.")]
    assignment = current_assignment(visit.station_id)
    if assignment is not None and lawyer_id not in (assignment.lead_lawyer_id, assignment.backup_lawyer_id):
        reasons.append(_("%(name)s is neither the lead nor the backup lawyer of this station.", name=lawyer.name))
    leave = on_leave(lawyer_id, day, half)
    if leave is not None:
        reasons.append(_("%(name)s is on leave from %(start)s to %(end)s.", name=lawyer.name,
                         start=short_day(leave.start), end=short_day(leave.end)))
    elsewhere = busy(lawyer_id, day, half, ignore)
    if elsewhere is not None:
        reasons.append(_("%(name)s already visits %(station)s on %(slot)s.", name=lawyer.name,
                         station=elsewhere.station.name, slot=slot_words))
    other_here = db.session.scalar(select(Visit).where(
        Visit.station_id == visit.station_id, Visit.day == day, Visit.half == half, Visit.status != "cancelled",
        Visit.id.not_in(ignore)).limit(1))
    if other_here is not None:
        reasons.append(_("%(station)s already has a visit on %(slot)s.", station=station.name, slot=slot_words))
    neighbours = db.session.scalars(select(Visit).where(
        Visit.station_id == visit.station_id, Visit.status != "cancelled", Visit.id.not_in(ignore),
        Visit.day > day - timedelta(days=MIN_GAP_DAYS), Visit.day < day + timedelta(days=MIN_GAP_DAYS))).all()
    for other in neighbours:
        reasons.append(_("Only %(n)s days from the visit on %(day)s; two visits of a station are at least "
                         "%(min)s days apart.", n=abs((other.day - day).days), day=short_day(other.day),
                         min=MIN_GAP_DAYS))
    # The same person's commitments in the other programmes (duty, mentoring, meetings, sessions).
    reasons += clash_messages(visit_commitments(visit, lawyer_id=lawyer_id, day=day, half=half),
                              ignore=lambda c: c.kind == "visit")
    return reasons


def _flush_or_double_booking() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        raise DoubleBooking() from None


def move_visit(visit: Visit, *, day: date, half: str, lawyer_id: int | None = None, version: int | None = None,
               pin: bool = True, today: date | None = None) -> Visit:
    """Move a visit by hand; refused with every reason when it breaks a rule. A moved visit is pinned.
    ``today``: the day the move is made (today; the demo, writing a past, moves as on the day itself)."""
    check_version(visit, version)
    if visit.status != "planned":
        raise InvalidInput({"day": _("Only planned visits can be moved.")})
    lawyer_id = lawyer_id or visit.lawyer_id
    if (lawyer_id, day, half) == (visit.lawyer_id, visit.day, visit.half):
        if pin and not visit.pinned:
            visit.pinned = True
            db.session.flush()
        return visit
    if day != visit.day:
        check_reach(day, "day", today=today or today_local())
    reasons = visit_conflicts(visit, lawyer_id=lawyer_id, day=day, half=half)
    if reasons:
        raise InvalidInput({"day": " ".join(reasons)})
    lawyer = db.session.get(Lawyer, lawyer_id)
    assignment = current_assignment(visit.station_id)
    visit.lawyer_id, visit.firm_id, visit.day, visit.half = lawyer.id, lawyer.firm_id, day, half
    visit.by_backup = assignment is not None and lawyer.id == assignment.backup_lawyer_id
    visit.pinned = pin or visit.pinned
    visit.provisional = official_working_day(day) is None
    visit.touch()
    _flush_or_double_booking()
    return visit


def swap_visits(first: Visit, second: Visit, *, first_version: int | None = None,
                second_version: int | None = None) -> None:
    """Exchange the days of two visits (each keeps its station and lawyer); both end pinned."""
    check_version(first, first_version)
    check_version(second, second_version)
    if first.id == second.id:
        raise InvalidInput({"other_id": _("Choose another visit to swap with.")})
    if first.status != "planned" or second.status != "planned":
        raise InvalidInput({"other_id": _("Only planned visits can be swapped.")})
    if (first.day, first.half) == (second.day, second.half):
        raise InvalidInput({"other_id": _("Both visits are in the same slot; swapping them changes nothing.")})
    if first.day != second.day:  # neither visit is put on a day that has passed
        check_reach(min(first.day, second.day), "other_id", today=today_local())
    ignore = {first.id, second.id}
    reasons = [f"{first.station.name}: {r}" for r in visit_conflicts(
        first, lawyer_id=first.lawyer_id, day=second.day, half=second.half, ignore=ignore)]
    reasons += [f"{second.station.name}: {r}" for r in visit_conflicts(
        second, lawyer_id=second.lawyer_id, day=first.day, half=first.half, ignore=ignore)]
    if first.station_id == second.station_id:
        reasons = []  # the same station's two visits trade places: nothing changes for the rules
    if reasons:
        raise InvalidInput({"other_id": " ".join(reasons)})
    moves = {first: (first.lawyer_id, second.day, second.half), second: (second.lawyer_id, first.day, first.half)}
    for visit in (first, second):
        visit.pinned = True
        visit.touch()
    try:
        apply_moves(moves, [first, second])
    except IntegrityError:
        raise DoubleBooking() from None


def set_pinned(visit: Visit, pinned: bool, *, version: int | None = None) -> None:
    check_version(visit, version)
    visit.pinned = bool(pinned)
    db.session.flush()


def cancel_visit(visit: Visit, *, version: int | None = None, note: str | None = None) -> None:
    check_version(visit, version)
    if visit.status != "planned":
        raise InvalidInput({"status": _("Only planned visits can be cancelled.")})
    visit.status = "cancelled"
    visit.pinned = False
    if note:
        visit.note = note.strip()[:500]
    visit.touch()
    db.session.flush()


def _stored_plan(district: District, first: date, last: date):
    """The stored visits between first and last as a plan of the solver's, with its request (the visits outside
    the range as history) and what was loaded."""
    months = month_range(month_of(first), month_of(last))
    loaded = load_request(district, months, allow_provisional=True, time_limit_s=0, read_only=True)
    in_plan = [v for v in loaded.visits.values() if v.station_id in loaded.assignments
               and month_bounds(months[0])[0] <= v.day <= month_bounds(months[-1])[1]]
    planned = [PlannedVisit(v.station_id, v.lawyer_id, Slot(v.day, v.half), v.by_backup, v.id, v.pinned)
               for v in in_plan]
    planned_ids = {v.id for v in in_plan}
    request = replace(loaded.request, existing=tuple(f for f in loaded.request.existing
                                                     if f.visit_id not in planned_ids))
    return request, planned, loaded


def check_visits(district: District, first: date, last: date):
    """Hard-rule violations of the stored visits between first and last (the solver's own validator)."""
    request, planned, loaded = _stored_plan(district, first, last)
    return _violations(request, planned, loaded), loaded


def _violations(request, planned, loaded) -> list:
    problems = check_plan(request, planned)
    # by_backup is a label, not a rule: a visit by the backup counts as right whatever the flag says.
    out = []
    for problem in problems:
        if problem.rule == "wrong_lawyer":
            station = loaded.assignments.get(problem.station_ids[0])
            if station and problem.lawyer_ids and problem.lawyer_ids[0] in (station.lead_lawyer_id,
                                                                            station.backup_lawyer_id):
                continue
        out.append(problem)
    return out


def plan_figures(district: District, first: date, last: date) -> dict:
    """How good the stored plan between first and last is (the figures `make bench` prints for the planner and its
    peers): visits, Σ|gap − 14| over each station's consecutive visits, the share of station-months that keep
    the station's rhythm, visits by the backup lawyer, hard-rule violations, visits per lead lawyer."""
    request, planned, loaded = _stored_plan(district, first, last)
    quality = plan_quality(request, planned)
    problems = _violations(request, planned, loaded)
    return {"visits": len(planned), "gap_sum": quality["gap_sum"], "gaps": quality["gap_count"],
            "rhythm_month_share": quality["rhythm_month_share"],
            "backup_visits": sum(1 for v in planned if v.by_backup), "violations": len(problems),
            "unassigned_stations": len(loaded.unassigned),
            "visits_per_lead_min": quality["visits_per_lead_min"], "visits_per_lead_max": quality["visits_per_lead_max"]}
