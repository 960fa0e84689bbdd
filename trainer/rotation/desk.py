"""The rotation's part of the desk (see trainer/desk): placements with a day ahead that has no mentor; the search
finds trainees and mentors."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.i18n import district_name, format_day
from trainer.core.names import name_key
from trainer.desk.items import DeskItem, Found, matching
from trainer.org.models import District
from trainer.rotation.models import Mentor, Placement, PlacementDay, ProgrammeYear, Trainee


def placements_without_mentor(district: District, today: date) -> list[tuple[Placement, list[PlacementDay]]]:
    """Each placement of the district with planned days from ``today`` on that have no mentor, and those days."""
    days = db.session.scalars(select(PlacementDay).where(
        PlacementDay.district_id == district.id, PlacementDay.day >= today, PlacementDay.status == "planned",
        PlacementDay.mentor_id.is_(None)).options(
        selectinload(PlacementDay.placement).selectinload(Placement.trainee)).order_by(PlacementDay.day))
    by_placement: dict[int, tuple[Placement, list[PlacementDay]]] = {}
    for day in days:
        by_placement.setdefault(day.placement_id, (day.placement, []))[1].append(day)
    return sorted(by_placement.values(), key=lambda pair: (pair[1][0].day, name_key(pair[0].trainee.name)))


def desk_items(district: District, today: date) -> list[DeskItem]:
    found = placements_without_mentor(district, today)
    year_id = found[0][0].programme_year_id if found else db.session.scalar(
        select(ProgrammeYear.id).where(ProgrammeYear.district_id == district.id)
        .order_by(ProgrammeYear.year.desc()).limit(1))
    url = (url_for("rotation.year", year_id=year_id) + "#trainees") if year_id else url_for("rotation.years")
    return [DeskItem("no_mentor", _("Placements with days without a mentor"), len(found), url, order=60,
                     lines=[(_("%(trainee)s: %(n)s day(s) from %(day)s", trainee=placement.trainee.name,
                               n=len(days), day=format_day(days[0].day)),
                             url_for("rotation.trainee", trainee_id=placement.trainee_id))
                            for placement, days in found[:5]])]


def find(query: str, scope: int | None, limit: int) -> list[Found]:
    trainees = select(Trainee).options(selectinload(Trainee.union), selectinload(Trainee.programme_year))
    mentors = select(Mentor)
    if scope is not None:
        trainees, mentors = trainees.where(Trainee.district_id == scope), mentors.where(Mentor.district_id == scope)
    districts = {d.id: d for d in db.session.scalars(select(District))}
    latest = dict(db.session.execute(select(ProgrammeYear.district_id, func.max(ProgrammeYear.id))
                                     .group_by(ProgrammeYear.district_id)).all())
    return ([Found("trainee", _("Trainees"), t.name, url_for("rotation.trainee", trainee_id=t.id),
                   detail=" · ".join(filter(None, [t.union.name if t.union else "",
                                                   str(t.programme_year.year) if t.programme_year else ""])),
                   district=district_name(districts.get(t.district_id)))
             for t in matching(trainees, Trainee, query, limit)]
            + [Found("mentor", _("Mentors"), m.name, (url_for("rotation.mentor_edit", year_id=latest[m.district_id], mentor_id=m.id)
                                                  if m.district_id in latest else url_for("rotation.years")),
                     detail=m.phone or "",
                     district=district_name(districts.get(m.district_id)))
               for m in matching(mentors, Mentor, query, limit)])
