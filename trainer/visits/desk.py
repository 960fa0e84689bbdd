"""The lawyer visits' part of the desk (see trainer/desk): visits past their slot and not recorded, stations with
no firm and lawyer, firms with more stations than their contract covers, today's visits; the search finds
lawyers and firms."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.i18n import district_name
from trainer.core.months import month_key, month_of
from trainer.core.names import name_key, pinyin_order
from trainer.desk.items import DeskItem, Found, matching
from trainer.org.models import District, Station
from trainer.visits.labels import half_label, label, short_day
from trainer.visits.models import Assignment, Firm, Lawyer, Visit
from trainer.visits.records import rules
from trainer.visits.setup.suggestion import firm_loads

SHOWN = 5  # visits named on the desk under a count


def _visits(district: District, *conditions) -> list[Visit]:
    visits = db.session.scalars(select(Visit).where(Visit.district_id == district.id, *conditions).options(
        selectinload(Visit.station), selectinload(Visit.lawyer)))
    return sorted(visits, key=lambda v: (v.day, v.half, name_key(v.station.name)))


def unrecorded_visits(district: District, today: date) -> list[Visit]:
    """Planned visits whose slot is over with nothing recorded (``rules.state`` = unrecorded), oldest first."""
    return [v for v in _visits(district, Visit.status == rules.PLANNED, Visit.day <= today)
            if rules.state(v) == rules.UNRECORDED]


def unassigned_stations(district: District) -> list[Station]:
    assigned = select(Assignment.station_id).where(Assignment.district_id == district.id, Assignment.active)
    return list(db.session.scalars(select(Station).where(Station.district_id == district.id, Station.active,
                                                         Station.id.not_in(assigned))
                                   .order_by(*pinyin_order(Station))))


def _visit_line(visit: Visit, *, with_day: bool) -> str:
    parts = [short_day(visit.day)] if with_day else []
    start, end = visit.station.hours_of(visit.half)
    parts += [f"{half_label(visit.half)} {start}–{end}", visit.station.name, visit.lawyer.name]
    if not with_day:
        parts.append(label("state", rules.state(visit)))
    return " · ".join(parts)


def desk_items(district: District, today: date) -> list[DeskItem]:
    items = []
    unrecorded = unrecorded_visits(district, today)
    months = sorted({month_key(month_of(v.day)) for v in unrecorded})
    items.append(DeskItem(
        "unrecorded", _("Visits past their day, not recorded"), len(unrecorded),
        url_for("visits.records_review", month=months[0] if months else month_key(month_of(today))), order=20,
        note=_("Months: %(months)s", months="、".join(months)) if len(months) > 1 else "",
        lines=[(_visit_line(v, with_day=True), url_for("visits.visit_record", visit_id=v.id))
               for v in unrecorded[:SHOWN]]))
    unassigned = unassigned_stations(district)
    items.append(DeskItem("unassigned", _("Stations without a firm and lawyer"), len(unassigned),
                          url_for("visits.assignments") + "#unassigned", order=40,
                          lines=[(s.name, url_for("visits.station_assign", station_id=s.id))
                                 for s in unassigned[:SHOWN]]))
    over = [load for load in firm_loads(district, today) if load.assigned > load.contracted]
    items.append(DeskItem(
        "over_contract", _("Firms with more stations than their contract"), len(over),
        url_for("visits.assignments") + "#firms", order=50,
        lines=[(_("%(firm)s: %(assigned)s stations, the contract covers %(contracted)s", firm=load.firm.name,
                  assigned=load.assigned, contracted=load.contracted),
                url_for("visits.firm_edit", firm_id=load.firm.id)) for load in over]))
    today_visits = _visits(district, Visit.day == today, Visit.status != rules.CANCELLED)
    items.append(DeskItem(
        "today", _("Today's visits"), len(today_visits),
        url_for("visits.calendar", month=month_key(month_of(today))) + f"#day-{today.isoformat()}", order=90,
        informative=True,
        lines=[(_visit_line(v, with_day=False), url_for("visits.visit", visit_id=v.id)) for v in today_visits]))
    return items


def find(query: str, scope: int | None, limit: int) -> list[Found]:
    lawyers = select(Lawyer).options(selectinload(Lawyer.firm).selectinload(Firm.district))
    firms = select(Firm).options(selectinload(Firm.district))
    if scope is not None:
        lawyers, firms = lawyers.where(Lawyer.district_id == scope), firms.where(Firm.district_id == scope)
    return ([Found("lawyer", _("Lawyers"), lw.name, url_for("visits.lawyer_edit", lawyer_id=lw.id),
                   detail=" · ".join(filter(None, [lw.firm.name, lw.phone or "",
                                                   "" if lw.active else _("inactive")])),
                   district=district_name(lw.firm.district)) for lw in matching(lawyers, Lawyer, query, limit)]
            + [Found("firm", _("Firms"), f.name, url_for("visits.firm_edit", firm_id=f.id),
                     detail=" · ".join(filter(None, [f.contact_name or "", f.contact_phone or ""])),
                     district=district_name(f.district)) for f in matching(firms, Firm, query, limit)])
