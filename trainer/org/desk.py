"""The organisation's part of the desk: the search finds stations and unions (see trainer/desk)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.i18n import district_name
from trainer.desk.items import Found, matching
from trainer.org.forms import KIND_LABELS
from trainer.org.models import Station, Union
from trainer.web.shell import station_link


def _within(stmt, model, scope: int | None):
    return stmt if scope is None else stmt.where(model.district_id == scope)


def find(query: str, scope: int | None, limit: int) -> list[Found]:
    stations = matching(_within(select(Station), Station, scope).options(
        selectinload(Station.union), selectinload(Station.district)), Station, query, limit)
    unions = matching(_within(select(Union), Union, scope).options(selectinload(Union.district)), Union, query,
                      limit)
    return ([Found("station", _("Stations"), s.name, station_link(s),
                   detail=" · ".join(filter(None, [s.union.name if s.union else "", s.address,
                                                   "" if s.active else _("inactive")])),
                   district=district_name(s.district)) for s in stations]
            + [Found("union", _("Unions"), u.name, url_for("org.union_edit", union_id=u.id),
                     detail=str(KIND_LABELS.get(u.kind, u.kind)), district=district_name(u.district))
               for u in unions])
