"""A lawyer's leave (请假) and what it breaks. Recording leave goes through the one change path
(``trainer.workdays.changes.run_change``), whatever the channel (the form, the API, an Excel import): the answer
lists every planned item it breaks in every programme (visits, duty shifts…) with a proposal for each, the same
for every channel. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.visits.models import HALVES, Lawyer, LawyerLeave
from trainer.workdays.changes import ChangeImpact, Scope, current, run_change
from trainer.workdays.conflicts import Conflict


@dataclass
class LeaveImpact:
    leave: LawyerLeave
    change: ChangeImpact | None = None

    @property
    def broken(self) -> list[Conflict]:
        """The planned items the leave breaks, each with its reasons and a proposal."""
        return self.change.broken if self.change is not None else []


def check_leave(start: date | None, end: date | None, half: str | None) -> None:
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


def record_leave(lawyer: Lawyer, start: date, end: date, reason: str | None = None,
                 half: str | None = None) -> LawyerLeave:
    """Store one leave (checked first); nothing else."""
    check_leave(start, end, half)
    leave = LawyerLeave(lawyer=lawyer, start=start, end=end, half=half or None,
                        reason=(reason or "").strip()[:200] or None)
    db.session.add(leave)
    db.session.flush()
    return leave


def leave_scope(district_id: int, rows) -> Scope:
    """The items a set of leave rows (each with start and end) can break: the district, their days."""
    return Scope.of(district_id, min(r["start"] if isinstance(r, dict) else r.start for r in rows),
                    max(r["end"] if isinstance(r, dict) else r.end for r in rows))


def add_leave(lawyer: Lawyer, start: date, end: date, reason: str | None = None, half: str | None = None,
              *, propose: bool = True) -> LeaveImpact:
    """Record leave through the change path: the answer lists what it breaks with a proposal for each.
    ``propose=False`` only records it (the demo and the programme file, which load whole programmes)."""
    if not propose:
        return LeaveImpact(record_leave(lawyer, start, end, reason, half))
    check_leave(start, end, half)
    change = run_change(lambda: record_leave(lawyer, start, end, reason, half),
                        Scope.of(lawyer.district_id, start, end))
    return LeaveImpact(change.result, change)


def leave_conflicts(leave: LawyerLeave) -> list[Conflict]:
    """The planned items a recorded leave breaks now, with proposals (the leave's page, later)."""
    _world, found = current(Scope.of(leave.lawyer.district_id, leave.start, leave.end))
    return [c for c in found if c.kept is None and any(b.rule == "on_leave" for b in c.breaches)
            and any(p.role == "lawyer" and p.id == leave.lawyer_id for p in c.item.people)]


def delete_leave(leave: LawyerLeave) -> None:
    db.session.delete(leave)
    db.session.flush()
