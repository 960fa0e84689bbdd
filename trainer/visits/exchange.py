"""The ``visits`` section of the programme file: firms (+ contracts), lawyers (+ leave), assignments, visits.

References are by name where names are unique (stations and firms in a district) and by the file's own
``id`` for lawyers (export writes "firm/lawyer"; any unique string works). See docs/visits.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role, User
from trainer.core.clock import as_utc
from trainer.core.extensions import db
from trainer.core.inputs import date_problem
from trainer.core.names import name_key, pinyin_order
from trainer.core.validation import InvalidInput
from trainer.exchange.rows import Problems
from trainer.org.models import District, Station
from trainer.visits.models import (
    MISSED_REASONS,
    VISIT_STATUSES,
    Assignment,
    Firm,
    Lawyer,
    LawyerStation,
    Visit,
)
from trainer.visits.setup import operations
from trainer.visits.setup.leave import add_leave

SECTION = "visits"


def lawyer_ref(lawyer: Lawyer) -> str:
    """The lawyer's id in the programme file (other sections refer to lawyers with it)."""
    return f"{lawyer.firm.name}/{lawyer.name}"


def _day(value) -> str | None:
    return value.isoformat() if value else None


def export_section(district: District) -> dict:
    firms = db.session.scalars(select(Firm).where(Firm.district_id == district.id)
                               .options(selectinload(Firm.contracts)).order_by(*pinyin_order(Firm))).all()
    lawyers = db.session.scalars(select(Lawyer).where(Lawyer.district_id == district.id).options(
        selectinload(Lawyer.firm), selectinload(Lawyer.leave), selectinload(Lawyer.allowed).selectinload(
            LawyerStation.station), selectinload(Lawyer.user))).all()
    lawyers.sort(key=lambda lw: (name_key(lw.firm.name), name_key(lw.name)))
    assignments = db.session.scalars(select(Assignment).where(Assignment.district_id == district.id).options(
        selectinload(Assignment.station), selectinload(Assignment.firm), selectinload(Assignment.lead)
        .selectinload(Lawyer.firm), selectinload(Assignment.backup).selectinload(Lawyer.firm))).all()
    assignments.sort(key=lambda a: (name_key(a.station.name), a.start, not a.active))
    visits = db.session.scalars(select(Visit).where(Visit.district_id == district.id, Visit.status != "cancelled")
                                .options(selectinload(Visit.station), selectinload(Visit.lawyer)
                                         .selectinload(Lawyer.firm))).all()
    visits.sort(key=lambda v: (v.day, v.half, name_key(v.station.name)))
    return {
        "firms": [{
            "name": f.name, "contact_name": f.contact_name, "contact_phone": f.contact_phone, "address": f.address,
            "active": f.active,
            "contracts": [{"start": _day(c.start), "end": _day(c.end), "stations_covered": c.stations_covered,
                           "visits_per_station_month": c.visits_per_station_month,
                           "hours_per_visit": float(c.hours_per_visit), "reference": c.reference}
                          for c in f.contracts],
        } for f in firms],
        "lawyers": [{
            "id": lawyer_ref(lw), "firm": lw.firm.name, "name": lw.name, "phone": lw.phone,
            "specialities": list(lw.specialities or []), "office_area": lw.office_area,
            "stations": sorted(link.station.name for link in lw.allowed),
            "username": lw.user.username if lw.user else None, "active": lw.active,
            "leave": [{"start": _day(lv.start), "end": _day(lv.end), "half": lv.half, "reason": lv.reason}
                      for lv in lw.leave],
        } for lw in lawyers],
        "assignments": [{
            "station": a.station.name, "firm": a.firm.name, "lead": lawyer_ref(a.lead),
            "backup": lawyer_ref(a.backup) if a.backup else None, "start": _day(a.start), "end": _day(a.end),
            "active": a.active,
        } for a in assignments],
        "visits": [{
            "station": v.station.name, "lawyer": lawyer_ref(v.lawyer), "day": _day(v.day), "half": v.half,
            "status": v.status, "pinned": v.pinned, "by_backup": v.by_backup, "provisional": v.provisional,
            "note": v.note, **_record_of(v),
        } for v in visits],
    }


def _moment(value) -> str | None:
    return as_utc(value).isoformat() if value else None


def _record_of(visit: Visit) -> dict:
    """Part 2: what happened at the visit (times in UTC, ISO 8601), only where something did."""
    out = {}
    if visit.checked_in_at:
        out["checked_in_at"] = _moment(visit.checked_in_at)
    if visit.checked_out_at:
        out["checked_out_at"] = _moment(visit.checked_out_at)
    if visit.status == "missed":
        out["missed_reason"] = visit.missed_reason
        out["missed_note"] = visit.missed_note
    return out


def _parse_moment(value, errors: Problems, where: str):
    if value in (None, ""):
        return None
    try:
        moment = as_utc(datetime.fromisoformat(str(value)))
    except (ValueError, OverflowError):
        errors.add(where, _("Write moments as 2026-11-24T01:05:00+00:00."))
        return None
    if problem := date_problem(moment):
        errors.add(where, problem)
        return None
    return moment


class _ByRef(dict):
    """Stations and firms are referred to by name, or by the ``id`` the file gave them."""

    def get(self, key, default=None):
        return default if key is None else super().get(str(key), default)


def _objects(errors: Problems, data: dict, key: str, parent: str | None = None) -> Iterator[tuple[str, dict]]:
    """(its place in the file, the object) for each object of the list ``data[key]``; a list that is not one, or
    an item that is not an object, is a problem at its place."""
    where = f"{parent}.{key}" if parent else key
    for index, item in enumerate(errors.list_of(data, key, where)):
        if isinstance(item, dict):
            yield f"{where}[{index}]", item
        else:
            errors.add(f"{where}[{index}]", _("Must be an object."))


def import_section(district: District, section: dict, ids: dict) -> None:
    """Create or update the district's firms, lawyers, assignments and visits from the file's section.
    Collects every bad item; raises InvalidInput listing them (the importer rolls back)."""
    errors = Problems()
    stations = {s.name: s for s in db.session.scalars(select(Station).where(Station.district_id == district.id))}
    for (kind, key), row in ids.items():
        if kind == "station":
            stations.setdefault(key, row)

    stations = _ByRef({str(k): v for k, v in stations.items()})

    # Firms and their contracts.
    firms = _ByRef({f.name: f for f in db.session.scalars(select(Firm).where(Firm.district_id == district.id)
                                                          .options(selectinload(Firm.contracts)))})
    for where, item in _objects(errors, section, "firms"):
        if not item.get("name"):
            errors.add(where, _("A firm needs a name."))
            continue
        try:
            firm = operations.save_firm(firms.get(str(item["name"]).strip()), district_id=district.id,
                                        name=str(item["name"]), contact_name=item.get("contact_name"),
                                        contact_phone=item.get("contact_phone"), address=item.get("address"),
                                        active=item.get("active", True))
        except InvalidInput as error:
            errors.add(where, error)
            continue
        firms[firm.name] = firm
        ids[("firm", firm.name)] = firm
        if item.get("id") not in (None, ""):
            firms[str(item["id"])] = firm
            ids[("firm", str(item["id"]))] = firm
        for c_where, contract in _objects(errors, item, "contracts", where):
            start = errors.value(contract.get("start"), f"{c_where}.start", "date")
            end = errors.value(contract.get("end"), f"{c_where}.end", "date")
            if start is None or end is None:
                continue
            same = next((c for c in firm.contracts if c.start == start), None)
            try:
                operations.save_contract(
                    same, firm=firm, start=start, end=end, stations_covered=int(contract.get("stations_covered") or 0),
                    visits_per_station_month=int(contract.get("visits_per_station_month") or 2),
                    hours_per_visit=float(contract.get("hours_per_visit") or 3), reference=contract.get("reference"))
            except (TypeError, ValueError):
                errors.add(c_where, _("Numbers expected for stations_covered, visits_per_station_month and "
                                      "hours_per_visit."))
            except InvalidInput as error:
                errors.add(c_where, error)

    # Lawyers, their stations and leave.
    lawyers: dict[str, Lawyer] = {}
    for where, item in _objects(errors, section, "lawyers"):
        if not item.get("name"):
            errors.add(where, _("A lawyer needs a name."))
            continue
        firm = firms.get(str(item.get("firm") or "").strip())
        if firm is None:
            errors.add(f"{where}.firm", _("No firm %(name)s in the file or the district.", name=item.get("firm")))
            continue
        station_names = item.get("stations") or []
        unknown = [n for n in station_names if stations.get(n) is None]
        if unknown:
            errors.add(f"{where}.stations", _("Unknown stations: %(names)s.", names="、".join(map(str, unknown))))
            continue
        user_id = None
        if item.get("username"):
            user = db.session.scalar(select(User).where(User.username == item["username"]))
            if user is not None and user.role == Role.LAWYER:
                linked = db.session.scalar(select(Lawyer).where(Lawyer.user_id == user.id))
                if linked is None or (linked.firm_id == firm.id and linked.name == str(item["name"]).strip()):
                    user_id = user.id
        existing = db.session.scalar(select(Lawyer).where(Lawyer.firm_id == firm.id,
                                                          Lawyer.name == str(item["name"]).strip()))
        try:
            lawyer = operations.save_lawyer(
                existing, firm=firm, name=str(item["name"]), phone=item.get("phone"),
                specialities=item.get("specialities") or [], office_area=item.get("office_area"),
                station_ids=[stations.get(n).id for n in station_names], user_id=user_id,
                active=item.get("active", True))
        except InvalidInput as error:
            errors.add(where, error)
            continue
        ref = str(item.get("id") or f"{firm.name}/{lawyer.name}")
        if ref in lawyers:
            errors.add(f"{where}.id", _("The id %(id)s is used twice.", id=ref))
            continue
        lawyers[ref] = lawyer
        ids[("lawyer", ref)] = lawyer
        have = {(lv.start, lv.end, lv.half) for lv in lawyer.leave}
        for l_where, leave in _objects(errors, item, "leave", where):
            start = errors.value(leave.get("start"), f"{l_where}.start", "date")
            end = errors.value(leave.get("end") or leave.get("start"), f"{l_where}.end", "date")
            if start is None or end is None or (start, end, leave.get("half") or None) in have:
                continue
            try:
                add_leave(lawyer, start, end, leave.get("reason"), leave.get("half") or None, propose=False)
            except InvalidInput as error:
                errors.add(l_where, error)
    # References by the export's "firm/lawyer" form work too, and a bare name when it is unique.
    by_name: dict[str, list[Lawyer]] = {}
    for lawyer in list(lawyers.values()):
        lawyers.setdefault(f"{lawyer.firm.name}/{lawyer.name}", lawyer)
        if lawyer not in by_name.setdefault(lawyer.name, []):
            by_name[lawyer.name].append(lawyer)
    for name, same in by_name.items():
        if len(same) == 1:
            lawyers.setdefault(name, same[0])
    db.session.flush()

    def lawyer_for(ref, where: str) -> Lawyer | None:
        if ref in (None, ""):
            return None
        lawyer = lawyers.get(str(ref)) or ids.get(("lawyer", str(ref)))
        if lawyer is None:
            errors.add(where, _("No lawyer with id %(id)s in the file.", id=ref))
        return lawyer

    # Assignments: ended ones are history, the active one (at most one per station) is the current pairing.
    seen_active: set[str] = set()
    for where, item in _objects(errors, section, "assignments"):
        station = stations.get(item.get("station"))
        firm = firms.get(item.get("firm"))
        lead = lawyer_for(item.get("lead"), f"{where}.lead")
        backup = lawyer_for(item.get("backup"), f"{where}.backup") if item.get("backup") else None
        start = errors.value(item.get("start"), f"{where}.start", "date", required=False)
        end = errors.value(item.get("end"), f"{where}.end", "date", required=False)
        if station is None:
            errors.add(f"{where}.station", _("No station %(name)s in the file or the district.",
                                             name=item.get("station")))
        if firm is None:
            errors.add(f"{where}.firm", _("No firm %(name)s in the file or the district.", name=item.get("firm")))
        if station is None or firm is None or lead is None or (item.get("backup") and backup is None):
            continue
        active = bool(item.get("active", end is None))
        if active:
            if station.name in seen_active:
                errors.add(where, _("%(station)s has two active assignments.", station=station.name))
                continue
            seen_active.add(station.name)
            current = operations.current_assignment(station.id)
            try:
                if current is not None and (current.firm_id, current.lead_lawyer_id, current.backup_lawyer_id) == (
                        firm.id, lead.id, backup.id if backup else None):
                    continue
                operations.assign_station(station, firm=firm, lead=lead, backup=backup,
                                          start=start or (current.start if current else None))
            except InvalidInput as error:
                errors.add(where, error)
            continue
        # History: kept as it was, once.
        if start is None:
            errors.add(f"{where}.start", _("An ended assignment needs its start."))
            continue
        if lead.firm_id != firm.id or (backup is not None and backup.firm_id != firm.id):
            errors.add(where, _("The lead and backup lawyers must work for the firm."))
            continue
        known = db.session.scalar(select(Assignment).where(Assignment.station_id == station.id,
                                                           Assignment.start == start,
                                                           Assignment.active.is_(False)))
        if known is None:
            db.session.add(Assignment(district_id=district.id, station_id=station.id, firm_id=firm.id,
                                      lead_lawyer_id=lead.id, backup_lawyer_id=backup.id if backup else None,
                                      start=start, end=end or start, active=False))
    db.session.flush()

    # Visits: matched by station, day and half-day.
    file_slots: dict[tuple, str] = {}
    rows = []
    for where, item in _objects(errors, section, "visits"):
        station = stations.get(item.get("station"))
        if station is None:
            errors.add(f"{where}.station", _("No station %(name)s in the file or the district.",
                                             name=item.get("station")))
        lawyer = lawyer_for(item.get("lawyer"), f"{where}.lawyer")
        day = errors.value(item.get("day"), f"{where}.day", "date")
        half = item.get("half")
        status = item.get("status") or "planned"
        if half not in ("am", "pm"):
            errors.add(f"{where}.half", _("am or pm."))
        if status not in VISIT_STATUSES:
            errors.add(f"{where}.status", _("One of %(values)s.", values=", ".join(VISIT_STATUSES)))
        if station is None or lawyer is None or day is None or half not in ("am", "pm") \
                or status not in VISIT_STATUSES:
            continue
        if status != "cancelled":
            for key, label in ((("lawyer", lawyer.id, day, half), lawyer.name),
                               (("station", station.id, day, half), station.name)):
                if key in file_slots:
                    errors.add(where, _("%(who)s is booked twice on %(day)s %(half)s (also %(other)s).",
                                        who=label, day=day.isoformat(), half=half, other=file_slots[key]))
                    break
                file_slots[key] = where
            else:
                rows.append((where, item, station, lawyer, day, half, status))
        else:
            rows.append((where, item, station, lawyer, day, half, status))
    if rows:
        days = [r[4] for r in rows]
        existing = {(v.station_id, v.day, v.half): v for v in db.session.scalars(select(Visit).where(
            Visit.district_id == district.id, Visit.status != "cancelled", Visit.day >= min(days),
            Visit.day <= max(days)))}
        lawyer_ids = {r[3].id for r in rows}
        busy = {(v.lawyer_id, v.day, v.half): v for v in db.session.scalars(select(Visit).where(
            Visit.lawyer_id.in_(lawyer_ids), Visit.status != "cancelled", Visit.day >= min(days),
            Visit.day <= max(days)))}
        in_file = {(r[2].id, r[4], r[5]) for r in rows}
        for where, item, station, lawyer, day, half, status in rows:
            visit = existing.get((station.id, day, half))
            holder = busy.get((lawyer.id, day, half))
            if status != "cancelled" and holder is not None and holder is not visit \
                    and (holder.station_id, holder.day, holder.half) not in in_file:
                errors.add(where, _("%(name)s already has a visit at another station on %(day)s %(half)s.",
                                    name=lawyer.name, day=day.isoformat(), half=half))
                continue
            if visit is None:
                if status == "cancelled":
                    continue
                visit = Visit(district_id=district.id, station_id=station.id, day=day, half=half)
                db.session.add(visit)
            elif (visit.lawyer_id, visit.status) != (lawyer.id, status):
                visit.touch()
            visit.lawyer_id, visit.firm_id, visit.status = lawyer.id, lawyer.firm_id, status
            visit.pinned = bool(item.get("pinned", False))
            visit.by_backup = bool(item.get("by_backup", False))
            visit.provisional = bool(item.get("provisional", False))
            visit.note = (item.get("note") or None) if isinstance(item.get("note"), str | None) else None
            checked_in = _parse_moment(item.get("checked_in_at"), errors, f"{where}.checked_in_at")
            checked_out = _parse_moment(item.get("checked_out_at"), errors, f"{where}.checked_out_at")
            if checked_out is not None and (checked_in is None or checked_out <= checked_in):
                errors.add(f"{where}.checked_out_at", _("Check-out must come after check-in."))
                checked_out = None
            visit.checked_in_at, visit.checked_out_at = checked_in, checked_out
            reason = item.get("missed_reason")
            if status == "missed":
                visit.missed_reason = reason if reason in MISSED_REASONS else "other"
                note = item.get("missed_note")
                visit.missed_note = note[:300] if isinstance(note, str) and note else None
            else:
                visit.missed_reason = visit.missed_note = None
    errors.check()
    db.session.flush()

