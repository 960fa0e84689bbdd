"""Suggest a firm, lead lawyer and backup for every unassigned station (一站一家一律师).

A plain greedy rule the coordinator can follow and overrule: firms are filled towards their contract's share
of the stations; a station goes back to the firm that served it before (continuity); within the firm the
lawyer with the fewest stations is preferred, with a bonus for an office near the station and for a
speciality that matches the station's union (建筑业 -> 建筑工程).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.org.models import District, Station
from trainer.visits.models import Assignment, Firm, Lawyer

CONTINUITY = 40.0
SHARE = 30.0
AREA = 12.0
SPECIALITY = 10.0
LAWYER_LOAD = 4.0


@dataclass
class Suggestion:
    station: Station
    firm: Firm
    lead: Lawyer
    backup: Lawyer | None
    reasons: list[str] = field(default_factory=list)


@dataclass
class FirmLoad:
    firm: Firm
    assigned: int
    contracted: int  # stations the contract covers (0: the contract does not say)
    share: float  # the firm's share of the district's stations by contract


def _matches(lawyer: Lawyer, station: Station) -> str | None:
    text = f"{station.union.name if station.union else ''} {station.name} {station.notes or ''}"
    for speciality in lawyer.specialities or []:
        core = speciality.removesuffix("法").removesuffix("工程").removesuffix("纠纷").removesuffix("争议")
        if len(core) >= 2 and core in text:
            return speciality
    return None


def _near(lawyer: Lawyer, station: Station) -> bool:
    area = (lawyer.office_area or "").strip()
    if not area:
        return False
    street = (station.union.street if station.union else "") or ""
    return area in station.name or (bool(street) and (area in street or street in area))


def firm_loads(district: District, day: date | None = None) -> list[FirmLoad]:
    """Each contracted firm's stations against its contract."""
    day = day or today_local()
    firms = db.session.scalars(select(Firm).where(Firm.district_id == district.id, Firm.active)
                               .options(selectinload(Firm.contracts)).order_by(Firm.name)).all()
    counts = Counter(db.session.scalars(select(Assignment.firm_id).where(Assignment.district_id == district.id,
                                                                          Assignment.active)))
    contracted = {f.id: (f.contract_on(day).stations_covered if f.contract_on(day) else 0) for f in firms}
    total = sum(contracted.values())
    loads = []
    for firm in firms:
        share = contracted[firm.id] / total if total else (1 / len(firms) if firms else 0)
        loads.append(FirmLoad(firm, counts.get(firm.id, 0), contracted[firm.id], share))
    return loads


@dataclass
class _Context:
    """What every station's suggestion weighs: the firms' loads and targets, their lawyers, the lawyers' loads and
    each station's previous assignment."""

    loads: list[FirmLoad]
    by_firm: dict[int, list[Lawyer]]
    lawyer_load: Counter
    previous: dict[int, Assignment]
    assigned: dict[int, int]
    target: dict[int, float]


def _context(district: District, day: date, stations: list[Station], active: dict[int, Assignment],
             leave_out: Assignment | None = None) -> _Context | None:
    loads = [fl for fl in firm_loads(district, day) if fl.firm.contract_on(day) is not None]
    if not loads:
        return None
    firm_ids = [fl.firm.id for fl in loads]
    lawyers = db.session.scalars(select(Lawyer).where(Lawyer.firm_id.in_(firm_ids), Lawyer.active)
                                 .options(selectinload(Lawyer.allowed)).order_by(Lawyer.name)).all()
    by_firm: dict[int, list[Lawyer]] = {fid: [] for fid in firm_ids}
    for lawyer in lawyers:
        by_firm[lawyer.firm_id].append(lawyer)
    lawyer_load = Counter(a.lead_lawyer_id for a in active.values() if a is not leave_out)
    previous = {}
    for row in db.session.scalars(select(Assignment).where(
            Assignment.district_id == district.id, Assignment.active.is_(False)).order_by(Assignment.start)):
        previous[row.station_id] = row
    if leave_out is not None:
        previous[leave_out.station_id] = leave_out  # the station's firm now counts as the one before
    assigned = {fl.firm.id: fl.assigned - (1 if leave_out is not None and leave_out.firm_id == fl.firm.id else 0)
                for fl in loads}
    total_stations = len(active) + len([s for s in stations if s.id not in active])
    target = {fl.firm.id: fl.share * total_stations for fl in loads}
    return _Context(loads, by_firm, lawyer_load, previous, assigned, target)


def _best(station: Station, ctx: _Context) -> Suggestion | None:
    """The firm, lead and backup that score best for ``station`` (see the module's docstring)."""
    best = None
    for fl in ctx.loads:
        candidates = [lw for lw in ctx.by_firm[fl.firm.id]
                      if not lw.allowed or station.id in lw.allowed_station_ids]
        if not candidates:
            continue
        firm = fl.firm
        score = SHARE * (ctx.target[firm.id] - ctx.assigned[firm.id]) / max(ctx.target[firm.id], 1)
        reasons = []
        before = ctx.previous.get(station.id)
        if before is not None and before.firm_id == firm.id:
            score += CONTINUITY
            reasons.append(_("served this station before"))
        ranked = []
        for lawyer in candidates:
            lawyer_score = -LAWYER_LOAD * ctx.lawyer_load[lawyer.id]
            why = []
            if before is not None and before.lead_lawyer_id == lawyer.id:
                lawyer_score += CONTINUITY / 2
                why.append(_("%(name)s was its lawyer", name=lawyer.name))
            if _near(lawyer, station):
                lawyer_score += AREA
                why.append(_("%(name)s's office is nearby", name=lawyer.name))
            speciality = _matches(lawyer, station)
            if speciality:
                lawyer_score += SPECIALITY
                why.append(_("%(name)s specialises in %(field)s", name=lawyer.name, field=speciality))
            ranked.append((lawyer_score, lawyer.name, lawyer, why))
        ranked.sort(key=lambda r: (-r[0], r[1]))
        total = score + ranked[0][0]
        if best is None or total > best[0]:
            backup = ranked[1][2] if len(ranked) > 1 else None
            best = (total, firm, ranked[0][2], backup, reasons + ranked[0][3])
    if best is None:
        return None
    _score, firm, lead, backup, reasons = best
    if not reasons:
        reasons.append(_("balances the firms' shares of their contracts"))
    return Suggestion(station, firm, lead, backup, reasons)


def _stations_and_assignments(district: District) -> tuple[list[Station], dict[int, Assignment]]:
    stations = db.session.scalars(select(Station).where(Station.district_id == district.id, Station.active)
                                  .options(selectinload(Station.union)).order_by(Station.name)).all()
    active = {a.station_id: a for a in db.session.scalars(select(Assignment).where(
        Assignment.district_id == district.id, Assignment.active))}
    return list(stations), active


def suggest(district: District, day: date | None = None) -> list[Suggestion]:
    """A suggestion for every unassigned station of the district, each counting those before it."""
    day = day or today_local()
    stations, active = _stations_and_assignments(district)
    unassigned = [s for s in stations if s.id not in active]
    if not unassigned:
        return []
    ctx = _context(district, day, stations, active)
    if ctx is None:
        return []
    suggestions = []
    # Stations that had a firm before go first, so continuity is not crowded out.
    for station in sorted(unassigned, key=lambda s: (s.id not in ctx.previous, s.name)):
        found = _best(station, ctx)
        if found is None:
            continue
        ctx.assigned[found.firm.id] += 1
        ctx.lawyer_load[found.lead.id] += 1
        suggestions.append(found)
    return suggestions


def suggest_station(station: Station, day: date | None = None) -> Suggestion | None:
    """The suggestion for one station (the assign form): as if the station had no firm now, its present firm and
    lead counting as the ones that served it before."""
    day = day or today_local()
    stations, active = _stations_and_assignments(station.district)
    ctx = _context(station.district, day, stations, active, leave_out=active.get(station.id))
    return _best(station, ctx) if ctx is not None else None
