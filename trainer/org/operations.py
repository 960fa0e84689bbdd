"""Unions and stations: create and change them. Callers commit."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput, clean_email
from trainer.org.models import HALVES, UNION_KINDS, Station, Union


def parse_rhythm(text: str | None) -> list[list[int]]:
    """'2-2, 4-2' (2nd and 4th Tuesday, weekday 1=Monday) -> [[2, 1], [4, 1]] (weekday 0=Monday)."""
    pairs = []
    for chunk in (text or "").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        try:
            week, weekday = (int(p) for p in chunk.split("-"))
        except ValueError:
            raise InvalidInput({"rhythm": _("Write week-of-month and weekday pairs, e.g. 2-2, 4-2.")}) from None
        if not (1 <= week <= 5 and 1 <= weekday <= 7):
            raise InvalidInput({"rhythm": _("Week of month is 1-5 and weekday 1-7.")})
        pairs.append([week, weekday - 1])
    return pairs


def format_rhythm(pairs: list | None) -> str:
    return ", ".join(f"{week}-{weekday + 1}" for week, weekday in (pairs or []))


def _check_receiving(receiving: list[str]) -> list[str]:
    clean = []
    for item in receiving:
        try:
            weekday, half = str(item).split(":")
            if not 0 <= int(weekday) <= 6 or half not in HALVES:
                raise ValueError
        except ValueError:
            raise InvalidInput({"receiving": _("Unknown half-day %(value)s.", value=item)}) from None
        clean.append(f"{int(weekday)}:{half}")
    if not clean:
        raise InvalidInput({"receiving": _("Choose at least one half-day when the station receives visitors.")})
    return sorted(set(clean))


def save_union(union: Union | None, *, district_id: int, name: str, kind: str, street: str | None,
               version: int | None = None) -> Union:
    if kind not in UNION_KINDS:
        raise InvalidInput({"kind": _("Unknown kind of union.")})
    name = name.strip()
    clash = db.session.scalar(select(Union).where(Union.district_id == district_id, Union.name == name))
    if clash is not None and clash is not union:
        raise InvalidInput({"name": _("This district already has a union of that name.")})
    if union is None:
        union = Union(district_id=district_id)
        db.session.add(union)
    else:
        check_version(union, version)
    union.name, union.kind, union.street = name, kind, (street or "").strip() or None
    db.session.flush()
    return union


HOURS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$")  # 09:00-12:00, real times of a day



def save_station(station: Station | None, *, union: Union, name: str, address: str, receiving: list[str],
                 contact_name: str | None = None, contact_phone: str | None = None,
                 contact_email: str | None = None, am_hours: str = "09:00-12:00",
                 pm_hours: str = "14:00-17:00", rhythm: list | None = None, notes: str | None = None,
                 version: int | None = None) -> Station:
    name = name.strip()
    receiving = _check_receiving(receiving)
    clash = db.session.scalar(select(Station).where(Station.district_id == union.district_id,
                                                    Station.name == name))
    if clash is not None and clash is not station:
        raise InvalidInput({"name": _("This district already has a station of that name.")})
    for field, hours in (("am_hours", am_hours), ("pm_hours", pm_hours)):
        if not HOURS.match(hours or ""):
            raise InvalidInput({field: _("Write hours as 09:00-12:00.")})
        start, _sep, end = hours.partition("-")
        if start >= end:
            raise InvalidInput({field: _("The end time must come after the start time.")})
    if station is None:
        station = Station()
        db.session.add(station)
    else:
        check_version(station, version)
    station.union = union
    station.district_id = union.district_id
    station.name = name
    station.address = address.strip()
    station.receiving = receiving
    station.contact_name = (contact_name or "").strip() or None
    station.contact_phone = (contact_phone or "").strip() or None
    station.contact_email = clean_email(contact_email, "contact_email")
    station.am_hours, station.pm_hours = am_hours, pm_hours
    station.rhythm = rhythm or []
    station.notes = notes or None
    db.session.flush()
    return station
