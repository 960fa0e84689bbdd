"""The instructors' part of the desk (see trainer/desk): engagements past a legal deadline (the 20-day reply, the
10-day filing); the search finds instructors."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.i18n import district_name
from trainer.desk.items import DeskItem, Found, matching
from trainer.instructors.access import visible_instructors
from trainer.instructors.engagements.queries import overdue_engagements
from trainer.instructors.labels import TIER_LABELS
from trainer.instructors.models import Instructor
from trainer.org.models import District


def desk_items(district: District, today: date) -> list[DeskItem]:
    found = overdue_engagements(district.id, today)
    what = {"reply": _("reply"), "filing": _("filing")}
    return [DeskItem("overdue", _("Engagements past a deadline"), len(found),
                     url_for("instructors.engagements", due="overdue", district=district.code), order=30,
                     lines=[(_("%(enterprise)s: %(what)s %(n)s day(s) overdue", enterprise=o.engagement.enterprise,
                               what=what[o.what], n=o.days),
                             url_for("instructors.engagement", engagement_id=o.engagement.id))
                            for o in found[:5]])]


def find(query: str, scope: int | None, limit: int) -> list[Found]:
    stmt = visible_instructors(select(Instructor), scope).options(selectinload(Instructor.district))
    return [Found("instructor", _("Instructors"), p.name, url_for("instructors.detail", instructor_id=p.id),
                  detail=str(TIER_LABELS[p.tier]), district=district_name(p.district))
            for p in matching(stmt, Instructor, query, limit)]
