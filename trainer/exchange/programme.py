"""The JSON programme file: one district's whole programme in one file, each area adding its section.

The file is ``{"format": "trainer-programme", "version": 1, "district": "chaoyang", "unions": [...],
"stations": [...], "<section>": {...}, ...}``. Unions and stations are written here (every programme refers to
them); each area with ``trainer/<area>/exchange.py`` (``SECTION``, ``export_section``, ``import_section``) adds
its section, in the order visits, rotation, instructors. See docs/visits.md for the format.

Import validates everything and changes nothing on error: every bad item is reported (``ProgrammeError``)
and the session is rolled back. On success the caller commits.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import selectinload

from trainer.core.clock import now_utc
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.models import UNION_KINDS, District, Station, Union

FORMAT = "trainer-programme"
VERSION = 1
SECTION_ORDER = ("visits", "rotation", "instructors")


class ProgrammeError(InvalidInput):
    """A programme file that cannot be imported; ``fields`` maps each bad item (e.g. ``visits.lawyers[3].phone``)
    to what is wrong with it."""


def section_modules() -> list:
    """The areas' ``exchange`` modules, in dependency order (visits, rotation, instructors, then others)."""
    from trainer.core.areas import AREAS, area_modules

    found = [module for module in area_modules("exchange", tuple(a for a in AREAS if a != "exchange"))
             if hasattr(module, "SECTION") and hasattr(module, "export_section")
             and hasattr(module, "import_section")]
    rank = {name: i for i, name in enumerate(SECTION_ORDER)}
    return sorted(found, key=lambda m: rank.get(m.SECTION, len(rank)))


# ----------------------------------------------------------------------------------------------------- export

def _export_org(district: District) -> dict[str, list]:
    unions = db.session.scalars(select(Union).where(Union.district_id == district.id).order_by(Union.name)).all()
    stations = db.session.scalars(select(Station).where(Station.district_id == district.id)
                                  .options(selectinload(Station.union)).order_by(Station.name)).all()
    return {
        "unions": [{"name": u.name, "kind": u.kind, "street": u.street} for u in unions],
        "stations": [{
            "name": s.name, "union": s.union.name, "address": s.address, "contact_name": s.contact_name,
            "contact_phone": s.contact_phone, "receiving": sorted(s.receiving or []), "am_hours": s.am_hours,
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

def _text(item: dict, key: str, errors: dict, where: str, *, required: bool = False, max_len: int = 250):
    value = item.get(key)
    if value is None or value == "":
        if required:
            errors[f"{where}.{key}"] = _("Missing.")
        return None
    if not isinstance(value, str):
        errors[f"{where}.{key}"] = _("Must be text.")
        return None
    value = value.strip()
    if len(value) > max_len:
        errors[f"{where}.{key}"] = _("At most %(n)s characters.", n=max_len)
        return None
    return value


def _import_org(district: District, data: dict, ids: dict, errors: dict) -> None:
    from trainer.org import operations as org

    unions = data.get("unions") or []
    stations = data.get("stations") or []
    if not isinstance(unions, list) or not isinstance(stations, list):
        errors["stations"] = _("unions and stations must be lists.")
        return
    existing_unions = {u.name: u for u in db.session.scalars(select(Union).where(Union.district_id == district.id))}
    for index, item in enumerate(unions):
        where = f"unions[{index}]"
        if not isinstance(item, dict):
            errors[where] = _("Must be an object.")
            continue
        name = _text(item, "name", errors, where, required=True, max_len=120)
        kind = item.get("kind") or "street"
        if kind not in UNION_KINDS:
            errors[f"{where}.kind"] = _("One of %(values)s.", values=", ".join(UNION_KINDS))
            continue
        if name is None:
            continue
        union = existing_unions.get(name)
        if union is None or (union.kind, union.street) != (kind, item.get("street") or None):
            try:
                union = org.save_union(union, district_id=district.id, name=name, kind=kind,
                                       street=_text(item, "street", errors, where, max_len=80))
            except InvalidInput as error:
                errors.update({f"{where}.{k}": v for k, v in error.fields.items()})
                continue
        existing_unions[name] = union
        ids[("union", name)] = union
    existing = {s.name: s for s in db.session.scalars(select(Station).where(Station.district_id == district.id))}
    for index, item in enumerate(stations):
        where = f"stations[{index}]"
        if not isinstance(item, dict):
            errors[where] = _("Must be an object.")
            continue
        name = _text(item, "name", errors, where, required=True, max_len=120)
        union_name = _text(item, "union", errors, where, max_len=120)
        union = existing_unions.get(union_name) if union_name else None
        if union is None and name:
            if union_name:
                errors[f"{where}.union"] = _("No union %(name)s in the file or the district.", name=union_name)
                continue
            # A station without a union gets one of its own name (street union), as coordinators set it up.
            union_title = name.removesuffix("服务站").removesuffix("工会") + "工会"
            union = existing_unions.get(union_title) or org.save_union(
                None, district_id=district.id, name=union_title, kind="street", street=None)
            existing_unions[union_title] = union
        if name is None:
            continue
        receiving = item.get("receiving") or [f"{d}:{h}" for d in range(5) for h in ("am", "pm")]
        rhythm = item.get("rhythm") or []
        if not isinstance(receiving, list):
            errors[f"{where}.receiving"] = _("A list such as [\"1:am\", \"3:pm\"].")
            continue
        if not (isinstance(rhythm, list) and all(isinstance(p, list | tuple) and len(p) == 2
                                                 and all(isinstance(x, int) for x in p)
                                                 and 1 <= p[0] <= 5 and 0 <= p[1] <= 6 for p in rhythm)):
            errors[f"{where}.rhythm"] = _("A list of [week of month 1-5, weekday 0-6] pairs.")
            continue
        phone = _text(item, "contact_phone", errors, where, max_len=20)
        try:
            station = org.save_station(
                existing.get(name), union=union, name=name, address=_text(item, "address", errors, where) or "",
                receiving=receiving, contact_name=_text(item, "contact_name", errors, where, max_len=60),
                contact_phone=phone, am_hours=item.get("am_hours") or "09:00-12:00",
                pm_hours=item.get("pm_hours") or "14:00-17:00", rhythm=[list(p) for p in rhythm],
                notes=_text(item, "notes", errors, where, max_len=2000))
        except InvalidInput as error:
            errors.update({f"{where}.{k}": v for k, v in error.fields.items()})
            continue
        station.active = bool(item.get("active", True))
        existing[name] = station
        ids[("station", name)] = station
        if item.get("id") not in (None, ""):
            ids[("station", str(item["id"]))] = station
    for station in existing.values():
        ids.setdefault(("station", station.name), station)


def import_programme(data: Any, *, district_code: str | None = None) -> District:
    """Import a programme file into its district (or ``district_code``). Flushes; the caller commits.

    Raises ``ProgrammeError`` listing every bad item, after rolling the session back.
    """
    errors: dict[str, str] = {}
    if not isinstance(data, dict):
        raise ProgrammeError({"file": _("A programme file is a JSON object.")})
    if data.get("format") not in (None, FORMAT):
        raise ProgrammeError({"format": _("Not a Trainer programme file (format %(value)s).", value=data.get("format"))})
    if data.get("version", VERSION) != VERSION:
        raise ProgrammeError({"version": _("This Trainer reads version %(version)s of the programme file.",
                                           version=VERSION)})
    code = district_code or data.get("district")
    district = District.by_code(code)
    if district is None:
        raise ProgrammeError({"district": _("Unknown district %(code)s.", code=code)})
    ids: dict[tuple[str, str], Any] = {}
    try:
        _import_org(district, data, ids, errors)
        db.session.flush()
        for module in section_modules():
            section = data.get(module.SECTION)
            if section is None:
                continue
            if not isinstance(section, dict):
                errors[module.SECTION] = _("Must be an object.")
                continue
            try:
                module.import_section(district, section, ids)
                db.session.flush()
            except InvalidInput as error:
                errors.update({f"{module.SECTION}.{k}": v for k, v in error.fields.items()}
                              or {module.SECTION: error.message})
    except IntegrityError as error:
        errors["database"] = _("The data contradicts itself or the database: %(detail)s",
                               detail=str(error.orig).splitlines()[0])
    except SQLAlchemyError as error:  # pragma: no cover - a broken database is reported, never half-imported
        errors["database"] = str(error).splitlines()[0]
    if errors:
        db.session.rollback()
        raise ProgrammeError(errors, message=_("%(n)s problems in the programme file; nothing was imported.",
                                               n=len(errors)))
    return district
