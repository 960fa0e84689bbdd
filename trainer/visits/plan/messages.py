"""Planner problems in words a coordinator understands (Chinese first, English second).

Problems are stored as plain dicts (rule, station_ids, lawyer_ids, days, month, details) so that a plan run can
be shown again later in the reader's language; ``describe`` turns one into a sentence.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.core.extensions import db
from trainer.core.i18n import format_month, format_weekday, lang
from trainer.org.models import Station
from trainer.visits.labels import half_label, short_day
from trainer.visits.models import Lawyer

# Rules that leave stations unplanned (the rest of the plan goes ahead).
BLOCKING_RULES = {"no_receiving_day", "min_gap", "lawyer_unavailable", "lawyer_capacity", "unassigned"}


def problem_dict(problem) -> dict:
    """A PlanProblem (or a dict) as JSON-ready data."""
    data = asdict(problem) if not isinstance(problem, dict) else dict(problem)
    data["days"] = [d.isoformat() if isinstance(d, date) else d for d in data.get("days") or ()]
    data["month"] = list(data["month"]) if data.get("month") else None
    data["station_ids"] = list(data.get("station_ids") or ())
    data["lawyer_ids"] = list(data.get("lawyer_ids") or ())
    data.pop("trainee_ids", None)
    data["details"] = {k: v for k, v in (data.get("details") or {}).items()}
    return data


def _join(items: list[str]) -> str:
    return ("、" if lang() == "zh" else ", ").join(items)


def _days(days: list[date], limit: int = 6) -> str:
    shown = [short_day(d) for d in days[:limit]]
    if len(days) > limit:
        shown.append(_("and %(n)s more", n=len(days) - limit))
    return _join(shown)


def _receiving_words(pairs) -> str:
    return _join([f"{format_weekday(int(w))}{half_label(h)}" if lang() == "zh"
                  else f"{format_weekday(int(w))} {half_label(h)}" for w, h in sorted(pairs)])


class Names:
    """Station and lawyer names for a batch of problems, loaded in two queries."""

    def __init__(self, problems: list[dict]):
        station_ids = {i for p in problems for i in p.get("station_ids") or ()}
        lawyer_ids = {i for p in problems for i in p.get("lawyer_ids") or ()}
        self.stations = {s.id: s for s in db.session.scalars(select(Station).where(Station.id.in_(station_ids)))} \
            if station_ids else {}
        self.lawyers = {lw.id: lw for lw in db.session.scalars(select(Lawyer).where(Lawyer.id.in_(lawyer_ids)))} \
            if lawyer_ids else {}

    def station(self, sid) -> str:
        station = self.stations.get(sid)
        return station.name if station else f"#{sid}"

    def lawyer(self, lid) -> str:
        lawyer = self.lawyers.get(lid)
        return lawyer.name if lawyer else f"#{lid}"


def describe(problem: dict, names: Names | None = None) -> str:
    """One problem as a sentence, e.g. "2027年1月：王律师负责的 6 个服务站……"."""
    names = names or Names([problem])
    rule = problem.get("rule")
    details = problem.get("details") or {}
    month = problem.get("month")
    month_text = format_month(month[0], month[1]) if month else ""
    days = [date.fromisoformat(d) if isinstance(d, str) else d for d in problem.get("days") or ()]
    station_ids = problem.get("station_ids") or []
    lawyer_ids = problem.get("lawyer_ids") or []
    stations = _join([names.station(s) for s in station_ids])
    lawyers = _join([names.lawyer(lw) for lw in lawyer_ids])
    half = half_label(details.get("half"))
    day = short_day(days[0]) if days else ""
    needed = details.get("needed", 0)

    if rule == "unassigned":
        return _("%(station)s has no firm and lawyer assigned, so it was not planned.", station=stations)
    if rule == "no_receiving_day":
        receiving = ""
        station = names.stations.get(station_ids[0]) if station_ids else None
        if station is not None:
            receiving = _receiving_words(station.receiving_pairs())
        return _("%(month)s: %(station)s receives visitors only on %(receiving)s; this month has only "
                 "%(available)s such working days, but %(needed)s visits are needed.",
                 month=month_text, station=stations, receiving=receiving,
                 available=details.get("receiving_days", 0), needed=needed)
    if rule == "min_gap" and "gap_days" in details:
        return _("%(station)s: the visits on %(first)s and %(second)s are only %(gap)s days apart "
                 "(at least %(min)s are required).", station=stations, first=short_day(days[0]),
                 second=short_day(days[-1]), gap=details.get("gap_days"), min=details.get("min_gap_days", 7))
    if rule == "min_gap":
        around = _("visits already fixed on %(days)s", days=_days(days)) if days else _("no other visits")
        return _("%(month)s: %(station)s cannot fit %(needed)s visits at least %(min)s days apart on its "
                 "receiving working days (%(around)s).", month=month_text, station=stations, needed=needed,
                 min=details.get("min_gap_days", 7), around=around)
    if rule == "lawyer_unavailable" and "pinned" in details:
        return _("%(station)s: the visit on %(day)s %(half)s falls on leave or an unavailable day of "
                 "%(lawyer)s.", station=stations, day=day, half=half, lawyer=lawyers)
    if rule == "lawyer_unavailable":
        blocked = _("(on leave or busy on %(days)s)", days=_days(days)) if days else ""
        return _("%(month)s: %(station)s needs %(needed)s visits, but its lawyers %(lawyers)s are free on only "
                 "%(free)s of its receiving days %(blocked)s.", month=month_text, station=stations, needed=needed,
                 lawyers=lawyers, free=details.get("free_days", 0), blocked=blocked)
    if rule == "lawyer_capacity":
        common = ""
        group = [names.stations[s] for s in station_ids if s in names.stations]
        if group and len({s.receiving_pairs() for s in group}) == 1 and len(group[0].receiving_pairs()) <= 4:
            common = _("; they receive only on %(receiving)s", receiving=_receiving_words(group[0].receiving_pairs()))
        return _("%(month)s: the %(n)s stations of %(lawyers)s (%(stations)s) need %(needed)s visits%(common)s, "
                 "but the lawyers have only %(available)s free half-days on those stations' receiving days. "
                 "None of these stations was planned this month; give some of them another lawyer or a backup.",
                 month=month_text,
                 n=len(station_ids), lawyers=lawyers, stations=stations, common=common, needed=needed,
                 available=details.get("available", 0))
    if rule == "non_working_day":
        return _("%(station)s: the visit on %(day)s %(half)s is not on an official working day.",
                 station=stations, day=day, half=half)
    if rule == "not_receiving":
        return _("%(station)s: the station does not receive visitors on %(day)s %(half)s.",
                 station=stations, day=day, half=half)
    if rule == "wrong_lawyer":
        return _("%(station)s: the visit on %(day)s is by %(lawyer)s, who is neither its lead nor its backup "
                 "lawyer.", station=stations, day=day, lawyer=lawyers)
    if rule == "lawyer_double_booked":
        return _("%(lawyer)s is booked at %(stations)s at the same time (%(day)s %(half)s).",
                 lawyer=lawyers, stations=stations, day=day, half=half)
    if rule == "visit_count":
        return _("%(month)s: %(station)s has %(planned)s visits; the contract requires %(needed)s.",
                 month=month_text, station=stations, planned=details.get("planned", 0), needed=needed)
    if rule == "pinned_moved":
        return _("%(station)s: the pinned visit on %(day)s was moved.", station=stations, day=day)
    if rule == "outside_range":
        return _("%(station)s: the visit on %(day)s lies outside the planned months.", station=stations, day=day)
    if rule == "within_notice":
        return _("Not moved because of the minimum notice: the visits of %(station)s on %(days)s break a rule, but "
                 "automatic plans leave the days until %(until)s alone. Move them by hand if they must change "
                 "(see Calendar conflicts).", station=stations, days=_days(days),
                 until=short_day(date.fromisoformat(details["until"])) if details.get("until") else "")
    if rule == "unknown_station":
        return _("A visit on %(day)s belongs to a station that is not in the plan.", day=day)
    return _("%(rule)s: %(stations)s %(lawyers)s", rule=rule, stations=stations, lawyers=lawyers)


def describe_all(problems: list[dict]) -> list[str]:
    names = Names(problems)
    return [describe(p, names) for p in problems]
