"""A lawyer's leave (请假) and what it breaks: the planned visits that fall in it, a proposed replacement for each
(the other lawyer of the station in the same slot, else another day found by re-planning just those visits),
and applying a chosen proposal. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.months import month_of, month_range
from trainer.core.validation import InvalidInput
from trainer.org.models import District
from trainer.planning.visits import plan_visits
from trainer.visits.models import HALVES, Lawyer, LawyerLeave, Visit
from trainer.visits.plan.operations import move_visit
from trainer.visits.plan.planner import load_request
from trainer.visits.plan.queries import busy, on_leave
from trainer.visits.setup.operations import current_assignment

MAX_REPLAN_MONTHS = 24  # a leave lasts at most a year: its visits span at most 13 months


@dataclass
class Proposal:
    """A suggested repair for a visit that a leave breaks."""

    visit: Visit
    kind: str  # backup | other_day | none
    lawyer: Lawyer | None = None
    day: date | None = None
    half: str | None = None
    reason: str = ""


@dataclass
class LeaveImpact:
    leave: LawyerLeave
    broken: list[Visit] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)


def add_leave(lawyer: Lawyer, start: date, end: date, reason: str | None = None, half: str | None = None,
              *, propose: bool = True) -> LeaveImpact:
    """Record leave; return the planned visits it breaks and a proposed replacement for each."""
    errors = {}
    if start is None:
        errors["start"] = _("Enter the first day of leave.")
    if end is None:
        errors["end"] = _("Enter the last day of leave.")
    if start and end and end < start:
        errors["end"] = _("The leave must end on or after its first day.")
    if start and end and (end - start).days > 366:
        errors["end"] = _("Enter leave of at most a year at a time.")
    if half and half not in HALVES:
        errors["half"] = _("Choose morning or afternoon.")
    if half and start and end and start != end:
        errors["half"] = _("A half-day leave is on one day: make the first and last day the same.")
    if errors:
        raise InvalidInput(errors)
    leave = LawyerLeave(lawyer=lawyer, start=start, end=end, half=half or None,
                        reason=(reason or "").strip()[:200] or None)
    db.session.add(leave)
    db.session.flush()
    impact = LeaveImpact(leave=leave)
    impact.broken = broken_by_leave(leave)
    if propose and impact.broken:
        impact.proposals = propose_replacements(impact.broken)
    return impact


def broken_by_leave(leave: LawyerLeave) -> list[Visit]:
    rows = db.session.scalars(select(Visit).where(
        Visit.lawyer_id == leave.lawyer_id, Visit.status == "planned", Visit.day >= leave.start,
        Visit.day <= leave.end).options(selectinload(Visit.station)).order_by(Visit.day, Visit.half)).all()
    return [v for v in rows if leave.covers(v.day, v.half)]


def delete_leave(leave: LawyerLeave) -> None:
    db.session.delete(leave)
    db.session.flush()


def propose_replacements(broken: list[Visit]) -> list[Proposal]:
    """The backup lawyer in the same slot when free; else another day found by re-planning just those visits."""
    proposals: list[Proposal] = []
    need_other_day: list[Visit] = []
    taken: set[tuple[int, date, str]] = set()
    for visit in broken:
        assignment = current_assignment(visit.station_id)
        other = None
        if assignment is not None:
            candidates = [assignment.lead, assignment.backup]
            other = next((lw for lw in candidates if lw is not None and lw.id != visit.lawyer_id and lw.active), None)
        if other is not None and on_leave(other.id, visit.day, visit.half) is None \
                and busy(other.id, visit.day, visit.half, {visit.id}) is None \
                and (other.id, visit.day, visit.half) not in taken:
            taken.add((other.id, visit.day, visit.half))
            proposals.append(Proposal(visit, "backup", other, visit.day, visit.half,
                                      _("%(name)s of the same firm is free in this slot.", name=other.name)))
        else:
            need_other_day.append(visit)
    if not need_other_day:
        return proposals
    # Re-plan only the broken visits' station-months, everything else held in place.
    months = sorted({month_of(v.day) for v in need_other_day})
    station_ids = {v.station_id for v in need_other_day}
    district = db.session.get(District, need_other_day[0].district_id)
    broken_ids = {v.id for v in need_other_day}
    try:
        loaded = load_request(district, month_range(months[0], months[-1], limit=MAX_REPLAN_MONTHS), mode="replan",
                              allow_provisional=True, time_limit_s=3.0, station_ids=station_ids)
    except InvalidInput:
        loaded = None
    found: dict[int, object] = {}
    if loaded is not None:
        request = loaded.request
        existing = tuple(replace(f, pinned=f.pinned or f.visit_id not in broken_ids) for f in request.existing)
        result = plan_visits(replace(request, existing=existing))
        for planned in result.visits:
            if planned.visit_id in broken_ids:
                found[planned.visit_id] = planned
    lawyers = {}
    for visit in need_other_day:
        planned = found.get(visit.id)
        if planned is None:
            proposals.append(Proposal(visit, "none", reason=_(
                "No free lawyer and day was found in this month; move it by hand or cancel it.")))
            continue
        lawyer = lawyers.get(planned.lawyer_id) or db.session.get(Lawyer, planned.lawyer_id)
        lawyers[planned.lawyer_id] = lawyer
        proposals.append(Proposal(visit, "other_day", lawyer, planned.slot.day, planned.slot.half,
                                  _("Another receiving working day of the station with %(name)s.", name=lawyer.name)))
    proposals.sort(key=lambda p: (p.visit.day, p.visit.half))
    return proposals


def changed_since(visit: Visit, version: int | str | None) -> bool:
    """Whether the visit was saved again after a proposal for it was shown (at ``version``; None: not said)."""
    return version not in (None, "") and int(version) != visit.version


def apply_proposal(visit: Visit, *, lawyer_id: int, day: date, half: str, version: int | None = None) -> Visit:
    return move_visit(visit, day=day, half=half, lawyer_id=lawyer_id, version=version, pin=False)
