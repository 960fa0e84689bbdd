"""The planner's problems in the coordinator's words: stored on the programme year as plain dicts (so each
reader sees them in their own language) and turned into sentences naming the trainee, the rule and what to do."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.rotation.models import ProgrammeYear, Trainee


def problem_dict(problem) -> dict:
    """A solver's problem as stored on the year (JSON: dates as ISO text)."""
    details = {}
    for key, value in (getattr(problem, "details", None) or {}).items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, (set, frozenset, tuple, list)):
            value = [v.isoformat() if isinstance(v, date) else v for v in value]
        details[str(key)] = value
    return {"rule": problem.rule, "trainee_ids": list(getattr(problem, "trainee_ids", ()) or ()),
            "mentor_ids": list(getattr(problem, "lawyer_ids", ()) or ()),
            "days": [d.isoformat() for d in (getattr(problem, "days", ()) or ())], "details": details}


def _rule_names() -> dict[str, str]:
    return {
        "window": _("outside the programme period"), "blackout": _("in a blackout period"),
        "unavailable": _("on a day the trainee cannot come"), "no_mentor": _("a day without a mentor on duty"),
        "capacity": _("over the centre's capacity"), "mentor_capacity": _("mentors fully booked"),
        "not_consecutive": _("not consecutive working days"), "placement_length": _("wrong number of days"),
    }


def _show_day(iso: str) -> str:
    try:
        return format_day(date.fromisoformat(iso))
    except (ValueError, RuntimeError):
        return iso


def problem_sentence(problem: dict, py: ProgrammeYear, names: dict[int, str] | None = None,
                     mentor_names: dict[int, str] | None = None) -> str:
    """A coordinator's sentence (in the page's language) for a stored problem: who, what, and what to do."""
    names = names or {}
    who = "、".join(names.get(t, f"#{t}") for t in problem.get("trainee_ids", [])) or _("The plan")
    days = [_show_day(d) for d in problem.get("days") or []]
    shown = "、".join(days[:3]) + ("…" if len(days) > 3 else "")
    details = problem.get("details") or {}
    rule = problem.get("rule")
    length = details.get("placement_length", py.placement_length)
    if rule == "window":
        return _("%(who)s: no run of %(n)s consecutive working days fits in the programme period that is still "
                 "open; widen the period.", who=who, n=length)
    if rule == "blackout":
        return _("%(who)s: every run of %(n)s consecutive working days left crosses a blackout period; shorten "
                 "a blackout or widen the period.", who=who, n=length)
    if rule == "unavailable":
        return _("%(who)s: the trainee's unavailable dates leave no run of %(n)s consecutive working days; ask "
                 "the trainee about other dates.", who=who, n=length)
    if rule == "no_mentor":
        if days:
            return _("%(who)s: no mentor is on duty and free on %(days)s; add a mentor's duty day or move the "
                     "placement.", who=who, days=shown)
        return _("%(who)s: no run of %(n)s working days has a mentor on duty every day; add mentors or duty "
                 "days.", who=who, n=length)
    if rule == "capacity":
        return _("%(who)s: the centre already hosts %(capacity)s trainees at a time on every possible run "
                 "(full e.g. on %(days)s); raise the capacity, widen the period or shorten a blackout.",
                 who=who, capacity=details.get("capacity", py.capacity), days=shown or "—")
    if rule == "mentor_capacity":
        return _("%(who)s: the mentors on duty already guide as many trainees as they may (full e.g. on "
                 "%(days)s); add mentors or duty days.", who=who, days=shown or "—")
    if rule == "pinned_conflict":
        labels = _rule_names()
        broken = "、".join(labels.get(r, r) for r in details.get("broken_rules", [])) or "—"
        return _("%(who)s: the pinned placement (%(first)s to %(last)s) breaks a rule: %(broken)s; move or "
                 "unpin it.", who=who, first=days[0] if days else "—", last=days[-1] if days else "—",
                 broken=broken)
    if rule == "solver_timeout":
        return _("%(who)s: the planner ran out of time; plan again.", who=who)
    label = _rule_names().get(rule, rule)
    return _("%(who)s: %(problem)s %(days)s", who=who, problem=label, days=shown).strip()


def stored_problems(py: ProgrammeYear) -> list[str]:
    if not py.plan_problems:
        return []
    names = dict(db.session.execute(select(Trainee.id, Trainee.name).where(
        Trainee.programme_year_id == py.id)).all())
    return [problem_sentence(p, py, names) for p in py.plan_problems]
