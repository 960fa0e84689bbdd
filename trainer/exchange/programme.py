"""The JSON programme file: one district's whole programme in one file, each area adding its section.

The file is ``{"format": "trainer-programme", "version": 1, "district": "chaoyang", "unions": [...],
"stations": [...], "<section>": {...}, ...}``. Unions and stations are written here (every programme refers to
them); each area with ``trainer/<area>/exchange.py`` (``SECTION``, ``export_section``, ``import_section``) adds
its section, in the order visits, rotation, instructors. See docs/visits.md for the format.

Import reads every value through ``trainer.exchange.rows`` (the wording of every import) and changes nothing
on error: every bad item is reported (``ProgrammeError``). ``import_programme`` commits the whole file as one
transaction through ``rows.run_import``, so a second identical import at the same moment is refused
(``ImportClash``), never half-done.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.areas import AREAS, area_modules
from trainer.core.clock import now_utc
from trainer.core.extensions import db
from trainer.core.inputs import place, problems_in
from trainer.core.names import pinyin_order
from trainer.core.validation import InvalidInput
from trainer.exchange.rows import Problems, run_import
from trainer.org import operations as org
from trainer.org.models import UNION_KINDS, District, Station, Union

FORMAT = "trainer-programme"
VERSION = 1
SECTION_ORDER = ("visits", "rotation", "instructors")


class ProgrammeError(InvalidInput):
    """A programme file that cannot be imported; ``fields`` maps each bad item (e.g. ``visits.lawyers[3].phone``)
    to what is wrong with it."""


def section_modules() -> list:
    """The areas' ``exchange`` modules, in dependency order (visits, rotation, instructors, then others)."""
    found = [module for module in area_modules("exchange", tuple(a for a in AREAS if a != "exchange"))
             if hasattr(module, "SECTION") and hasattr(module, "export_section")
             and hasattr(module, "import_section")]
    rank = {name: i for i, name in enumerate(SECTION_ORDER)}
    return sorted(found, key=lambda m: rank.get(m.SECTION, len(rank)))


# ----------------------------------------------------------------------------------------------------- export

def _export_org(district: District) -> dict[str, list]:
    unions = db.session.scalars(select(Union).where(Union.district_id == district.id).order_by(*pinyin_order(Union))).all()
    stations = db.session.scalars(select(Station).where(Station.district_id == district.id)
                                  .options(selectinload(Station.union)).order_by(*pinyin_order(Station))).all()
    return {
        "unions": [{"name": u.name, "kind": u.kind, "street": u.street} for u in unions],
        "stations": [{
            "name": s.name, "union": s.union.name, "address": s.address, "contact_name": s.contact_name,
            "contact_phone": s.contact_phone, "contact_email": s.contact_email, "receiving": sorted(s.receiving or []), "am_hours": s.am_hours,
            "pm_hours": s.pm_hours, "rhythm": [list(p) for p in (s.rhythm or [])], "notes": s.notes,
            "active": s.active,
        } for s in stations],
    }


def export_programme(district: District, *, include_timestamp: bool = True) -> dict[str, Any]:
    data: dict[str, Any] = {"format": FORMAT, "version": VERSION, "district": district.code,
                            "district_name": district.name}
    if include_timestamp:
        data["exported_at"] = now_utc().isoformat(timespec="seconds")
    data.update(_export_org(district))
    for module in section_modules():
        data[module.SECTION] = module.export_section(district)
    return data


# ----------------------------------------------------------------------------------------------------- import

UNION_CHOICES = {kind: kind for kind in UNION_KINDS}
ALL_HALF_DAYS = [f"{d}:{h}" for d in range(5) for h in ("am", "pm")]


def _items(data: dict, key: str, problems: Problems) -> Iterator[tuple[str, dict]]:
    """(its place, e.g. ``stations[3]``, the item) for each object in the list ``data[key]``; others are problems."""
    for index, item in enumerate(problems.list_of(data, key)):
        where = f"{key}[{index}]"
        if isinstance(item, dict):
            yield where, item
        else:
            problems.add(where, _("Must be an object."))


def _import_unions(district: District, data: dict, ids: dict, problems: Problems) -> dict[str, Union]:
    existing = {u.name: u for u in db.session.scalars(select(Union).where(Union.district_id == district.id))}
    for where, item in _items(data, "unions", problems):
        before = len(problems)
        name = problems.value(item.get("name"), f"{where}.name", max_length=120)
        kind = problems.value(item.get("kind") or "street", f"{where}.kind", "choice", choices=UNION_CHOICES)
        street = problems.value(item.get("street"), f"{where}.street", required=False, max_length=80)
        if len(problems) > before:
            continue
        union = existing.get(name)
        if union is None or (union.kind, union.street) != (kind, street):
            try:
                union = org.save_union(union, district_id=district.id, name=name, kind=kind, street=street)
            except InvalidInput as error:
                problems.add(where, error)
                continue
        existing[name] = union
        ids[("union", name)] = union
    return existing


def _import_stations(district: District, data: dict, ids: dict, problems: Problems,
                     unions: dict[str, Union]) -> None:
    existing = {s.name: s for s in db.session.scalars(select(Station).where(Station.district_id == district.id))}
    for where, item in _items(data, "stations", problems):
        before = len(problems)
        name = problems.value(item.get("name"), f"{where}.name", max_length=120)
        union_name = problems.value(item.get("union"), f"{where}.union", required=False, max_length=120)
        texts = {key: problems.value(item.get(key), f"{where}.{key}", required=False, max_length=length)
                 for key, length in (("address", 250), ("contact_name", 60), ("contact_phone", 20),
                                     ("contact_email", 200), ("notes", 2000))}
        receiving = item.get("receiving") or ALL_HALF_DAYS
        rhythm = item.get("rhythm") or []
        if not isinstance(receiving, list):
            problems.add(f"{where}.receiving", _("A list such as [\"1:am\", \"3:pm\"]."))
        if not (isinstance(rhythm, list) and all(isinstance(p, list | tuple) and len(p) == 2
                                                 and all(isinstance(x, int) for x in p)
                                                 and 1 <= p[0] <= 5 and 0 <= p[1] <= 6 for p in rhythm)):
            problems.add(f"{where}.rhythm", _("A list of [week of month 1-5, weekday 0-6] pairs."))
        union = unions.get(union_name) if union_name else None
        if union_name and union is None:
            problems.add(f"{where}.union", _("No union %(name)s in the file or the district.", name=union_name))
        if len(problems) > before:
            continue
        if union is None:
            # A station without a union gets one of its own name (street union), as coordinators set it up.
            union_title = name.removesuffix("服务站").removesuffix("工会") + "工会"
            union = unions.get(union_title) or org.save_union(
                None, district_id=district.id, name=union_title, kind="street", street=None)
            unions[union_title] = union
        try:
            station = org.save_station(
                existing.get(name), union=union, name=name, address=texts["address"] or "", receiving=receiving,
                contact_name=texts["contact_name"], contact_phone=texts["contact_phone"],
                contact_email=texts["contact_email"] if "contact_email" in item else (
                    existing[name].contact_email if name in existing else None),
                am_hours=item.get("am_hours") or "09:00-12:00", pm_hours=item.get("pm_hours") or "14:00-17:00",
                rhythm=[list(p) for p in rhythm], notes=texts["notes"])
        except InvalidInput as error:
            problems.add(where, error)
            continue
        station.active = bool(item.get("active", True))
        existing[name] = station
        ids[("station", name)] = station
        if item.get("id") not in (None, ""):
            ids[("station", str(item["id"]))] = station
    for station in existing.values():
        ids.setdefault(("station", station.name), station)


def _district_of(data: Any, district_code: str | None) -> District:
    """The district a file goes to (its own, or ``district_code``), once the file is known to be a programme."""
    if not isinstance(data, dict):
        raise ProgrammeError({"file": _("A programme file is a JSON object.")})
    if data.get("format") not in (None, FORMAT):
        raise ProgrammeError({"format": _("Not a Trainer programme file (format %(value)s).",
                                          value=data.get("format"))})
    if data.get("version", VERSION) != VERSION:
        raise ProgrammeError({"version": _("This Trainer reads version %(version)s of the programme file.",
                                           version=VERSION)})
    code = district_code or data.get("district")
    district = District.by_code(code)
    if district is None:
        raise ProgrammeError({"district": _("Unknown district %(code)s.", code=code)})
    return district


def _load(data: dict, district: District) -> District:
    problems = Problems()
    ids: dict[tuple[str, str], Any] = {}
    unions = _import_unions(district, data, ids, problems)
    _import_stations(district, data, ids, problems, unions)
    db.session.flush()
    for module in section_modules():
        section = data.get(module.SECTION)
        if section is None:
            continue
        if not isinstance(section, dict):
            problems.add(module.SECTION, _("Must be an object."))
            continue
        try:
            module.import_section(district, section, ids)
            db.session.flush()
        except InvalidInput as error:
            problems.add(module.SECTION, error)
    try:
        problems.check()
    except InvalidInput as error:
        raise ProgrammeError(error.fields, error.message) from None
    return district


def import_programme(data: Any, *, district_code: str | None = None) -> District:
    """Import a programme file into its district (or ``district_code``), committed as one transaction.

    Raises ``ProgrammeError`` listing every bad item, or ``ImportClash`` when an identical import saved the same
    records at the same moment; either way nothing of the file is kept. Every value anywhere in the file is held
    to the input rule first (``trainer.core.inputs``), also those no section reads.
    """
    found = problems_in(data)
    if found:
        raise ProgrammeError({place(path): message for path, message in found.items()},
                             _("%(n)s problem(s) in the file; nothing was imported.", n=len(found)))
    district = _district_of(data, district_code)
    return run_import(lambda: _load(data, district), district_id=district.id)
