"""What the organisation's pages and API read: districts, unions and stations, within the caller's scope."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.api.helpers import district_filter
from trainer.core.extensions import db
from trainer.core.names import name_matches, pinyin_order
from trainer.org.models import District, Station, Union


def all_districts() -> list[District]:
    return list(db.session.scalars(select(District).order_by(District.sort_order)))


def counts_by_district() -> tuple[dict[int, int], dict[int, int]]:
    """(stations, unions) per district id."""
    stations = dict(db.session.execute(select(Station.district_id, func.count()).group_by(Station.district_id)).all())
    unions = dict(db.session.execute(select(Union.district_id, func.count()).group_by(Union.district_id)).all())
    return stations, unions


def unions_of(district: District, *, with_stations: bool = False) -> list[Union]:
    """A district's unions: by kind then name with their stations (the page), or by name (a choice list)."""
    stmt = select(Union).where(Union.district_id == district.id)
    if with_stations:
        stmt = stmt.options(selectinload(Union.stations)).order_by(Union.kind, *pinyin_order(Union))
    else:
        stmt = stmt.order_by(*pinyin_order(Union))
    return list(db.session.scalars(stmt))


def stations_of(district: District, search: str = ""):
    """A district's stations by name (pinyin), those whose name (or its pinyin, initials) or address holds ``search`` (a select to paginate)."""
    stmt = (select(Station).where(Station.district_id == district.id)
            .options(selectinload(Station.union)).order_by(*pinyin_order(Station)))
    if search:
        stmt = stmt.where(name_matches(Station, search) | Station.address.contains(search, autoescape=True))
    return stmt


def unions_in_scope(district_code: str | None = None):
    """The unions the caller may list (the admin: all, or one district's by its code), by id."""
    return district_filter(select(Union).order_by(Union.id), Union.district_id, district_code)


def stations_in_scope(district_code: str | None = None):
    """The stations the caller may list (the admin: all, or one district's by its code), by id."""
    return district_filter(select(Station).order_by(Station.id), Station.district_id, district_code)
