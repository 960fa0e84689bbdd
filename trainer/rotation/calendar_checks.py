"""The rotation programme in the conflicts of the present (``trainer.workdays.conflicts``): placement days as
planned items, the rules only this area knows (the mentor on duty and free, the trainee able to come, the
centre's blackout periods), and moving one placement day to the day a proposal found."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date

from flask import has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.core.validation import InvalidInput
from trainer.rotation.mentors.operations import mentor_available_days
from trainer.rotation.models import Placement, PlacementDay, ProgrammeYear
from trainer.rotation.placements.operations import move_day
from trainer.workdays.conflicts import Breach, Person, PlannedItem, World

CENTRE_HOURS = ("09:00", "17:00")  # a placement day is a day at the mediation centre


def planned_items(district_id: int | None, first: date, last: date) -> list[PlannedItem]:
    stmt = (select(PlacementDay).where(PlacementDay.status == "planned", PlacementDay.day >= first,
                                       PlacementDay.day <= last)
            .options(selectinload(PlacementDay.placement).selectinload(Placement.trainee),
                     selectinload(PlacementDay.mentor)))
    if district_id is not None:
        stmt = stmt.where(PlacementDay.district_id == district_id)
    items = []
    for row in db.session.scalars(stmt):
        trainee = row.placement.trainee
        url = (url_for("rotation.trainee", trainee_id=trainee.id) if has_request_context()
               else f"/rotation/trainees/{trainee.id}")
        people = [Person("trainee", trainee.id, trainee.name)]
        if row.mentor is not None:
            people.append(Person("mentor", row.mentor.id, row.mentor.name))
        label = f"以干代训 · {trainee.name} · 第{row.number}天" + (f" · {row.mentor.name}" if row.mentor else "")
        items.append(PlannedItem(kind="placement_day", id=row.id, day=row.day, label=label,
                                 district_id=row.district_id, url=url, provisional=row.placement.provisional,
                                 start=CENTRE_HOURS[0], end=CENTRE_HOURS[1], people=tuple(people), share_kind=True,
                                 pinned=row.placement.pinned,
                                 refs={"programme_year_id": row.placement.programme_year_id,
                                       "trainee_unavailable": row.placement.trainee.unavailable_dates()}))
    return items


def _by_year(items: Sequence[PlannedItem]) -> dict[int, list[PlannedItem]]:
    grouped = defaultdict(list)
    for item in items:
        if item.kind == "placement_day":
            grouped[item.refs["programme_year_id"]].append(item)
    return grouped


def mentor_unavailable(items: Sequence[PlannedItem], world: World) -> Iterable[Breach]:
    """The day's mentor is not on duty at the centre then, or not free (unavailable, or as a lawyer on leave or
    at a station visit)."""
    for year_id, group in _by_year(items).items():
        py = db.session.get(ProgrammeYear, year_id)
        available = mentor_available_days(py, frozenset(i.day for i in group))
        for item in group:
            mentor = item.person("mentor")
            if mentor is not None and item.day not in available.get(mentor.id, frozenset()):
                yield Breach(item.key, "unavailable", _(
                    "The mentor %(name)s is not on duty at the centre or not free on %(day)s.", name=mentor.name,
                    day=format_day(item.day)))


def trainee_or_centre_closed(items: Sequence[PlannedItem], world: World) -> Iterable[Breach]:
    """The trainee said they cannot come that day, or the centre takes no trainees then (a blackout)."""
    for year_id, group in _by_year(items).items():
        py = db.session.get(ProgrammeYear, year_id)
        for item in group:
            if item.day in item.refs["trainee_unavailable"]:
                trainee = item.person("trainee")
                yield Breach(item.key, "unavailable", _("%(name)s cannot come on %(day)s.", name=trainee.name,
                                                        day=format_day(item.day)))
            blackout = next((b for b in py.blackouts if b.start <= item.day <= b.end), None)
            if blackout is not None:
                yield Breach(item.key, "blackout", _("The centre takes no trainees during %(label)s.",
                                                     label=blackout.label))


RULES = [mentor_unavailable, trainee_or_centre_closed]


def apply(moves: list[tuple[PlannedItem, PlannedItem]]) -> list[str]:
    refused = []
    for old, new in moves:
        if old.kind == "placement_day":
            try:  # checked before anything changes
                move_day(db.session.get(PlacementDay, old.id), new.day)
            except InvalidInput as error:
                refused.append(f"{old.label}: {error.message}")
    return refused
