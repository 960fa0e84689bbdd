"""The roster's problems in words (a shift nobody can take, a lawyer on leave or busy), and a shift as people
read it ("08:00–16:00")."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.core.extensions import db
from trainer.visits.labels import short_day
from trainer.visits.models import DutyPeriod, Lawyer


def shift_label(shift: dict) -> str:
    end = "24:00" if shift["end"] in ("00:00", "24:00") else shift["end"]
    return f"{shift['start']}–{end}"


def describe_problem(problem: dict, lawyers: dict[int, Lawyer], period: DutyPeriod) -> str:
    details = problem.get("details") or {}
    days = [date.fromisoformat(d) for d in problem.get("days") or []]
    day = short_day(days[0]) if days else ""
    names = "、".join(lawyers[i].name if i in lawyers else f"#{i}" for i in problem.get("lawyer_ids") or [])
    shift = period.shift(details.get("shift") or "")
    shift_text = shift_label(shift) if shift else details.get("shift", "")
    rule = problem.get("rule")
    if rule == "coverage":
        blocked = details.get("blocked_by") or {}
        why = []
        if blocked.get("lawyer_unavailable"):
            why.append(_("%(n)s on leave", n=blocked["lawyer_unavailable"]))
        if blocked.get("lawyer_busy"):
            why.append(_("%(n)s busy elsewhere (station visits, other duty, mentoring, meetings)",
                         n=blocked["lawyer_busy"]))
        reason = ("（" + "、".join(why) + "）") if why else ""
        return _("%(day)s %(shift)s: %(needed)s lawyers needed, only %(available)s free%(reason)s; add lawyers to the "
                 "pool or change a shift by hand.", day=day, shift=shift_text, needed=details.get("needed", 1),
                 available=details.get("available", details.get("assigned", 0)), reason=reason)
    if rule == "lawyer_unavailable":
        return _("%(name)s is on leave on %(day)s (%(shift)s).", name=names, day=day, shift=shift_text)
    if rule == "lawyer_busy":
        return _("%(name)s has another commitment (a station visit, another duty, mentoring, a meeting) during "
                 "%(day)s %(shift)s.", name=names, day=day, shift=shift_text)
    if rule == "overlap":
        return _("%(name)s would be on two shifts at once on %(day)s.", name=names, day=day)
    if rule == "max_hours":
        return _("%(name)s would work more than %(max)s hours within 24 hours around %(day)s.", name=names,
                 day=day, max=details.get("max", 16))
    if rule == "rest_after_night":
        return _("%(name)s would start a shift on %(day)s less than %(hours)s hours after a night shift.",
                 name=names, day=short_day(days[-1]) if days else day, hours=details.get("rest_hours", 8))
    return f"{rule}: {names} {day}"


def describe_all(period: DutyPeriod, problems: list[dict] | None = None) -> list[str]:
    ids = {i for p in (problems if problems is not None else period.problems or []) for i in p.get("lawyer_ids") or []}
    lawyers = {lw.id: lw for lw in period.lawyers}
    missing = ids - set(lawyers)
    if missing:
        lawyers.update({lw.id: lw for lw in db.session.scalars(select(Lawyer).where(Lawyer.id.in_(missing)))})
    return [describe_problem(p, lawyers, period) for p in (problems if problems is not None else period.problems or [])]
