"""The rotation programme in the conflicts of the present (``trainer.workdays.conflicts``): placement days as
planned items, the rules only this area knows (the mentor on duty and free, the trainee able to come, the
centre's blackout periods), and moving one placement day to the day a proposal found."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta

from flask import has_request_context, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.core.validation import InvalidInput
from trainer.rotation.mentors.operations import mentor_available_days
from trainer.rotation.models import Placement, PlacementDay, ProgrammeYear
from trainer.rotation.placements.operations import change_day_mentor, move_day
from trainer.workdays.conflicts import Breach, Person, PlannedItem, World
from trainer.workdays.proposals import SEARCH_DAYS

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


def _mentor_load(days: Iterable[date]) -> dict[tuple[date, int], int]:
    rows = db.session.execute(select(PlacementDay.day, PlacementDay.mentor_id, func.count()).where(
        PlacementDay.day.in_(set(days)), PlacementDay.status == "planned", PlacementDay.mentor_id.is_not(None))
        .group_by(PlacementDay.day, PlacementDay.mentor_id))
    return {(day, mentor_id): n for day, mentor_id, n in rows}


def alternatives(item: PlannedItem, open_day: Callable[[int | None], date]) -> Iterable[PlannedItem] | None:
    """A placement day keeps its place in the fortnight where it can: first another mentor on duty and free that
    day (the least busy first, never one already guiding the most trainees allowed); else the day moves past the
    placement's last day (the run is extended, not cut into pieces), with a mentor on duty then."""
    if item.kind != "placement_day":
        return None
    if item.day < open_day(item.district_id):
        return []
    row = db.session.get(PlacementDay, item.id)
    py = db.session.get(ProgrammeYear, item.refs["programme_year_id"])
    trainee = item.person("trainee")
    current = item.person("mentor")
    after = max(max(d.day for d in row.placement.active_days) + timedelta(days=1), open_day(item.district_id))
    later = [after + timedelta(days=n) for n in range(SEARCH_DAYS)]
    days = [item.day, *later]
    available = mentor_available_days(py, frozenset(days))
    load = _mentor_load(days)
    names = {link.mentor_id: link.mentor.name for link in py.centre_mentors}
    found = []
    for day in days:
        for mentor_id in sorted(available, key=lambda m: (load.get((day, m), 0), names.get(m, ""), m)):
            if day not in available[mentor_id] or load.get((day, mentor_id), 0) >= py.mentor_max_trainees:
                continue
            if day == item.day and current is not None and mentor_id == current.id:
                continue
            mentor = Person("mentor", mentor_id, names.get(mentor_id, ""))
            found.append(item.moved_to(day=day, people=(trainee, mentor)))
    return found


def apply(moves: list[tuple[PlannedItem, PlannedItem]]) -> list[str]:
    """Carry out proposals for placement days: another mentor the same day, or the day moved (then its mentor)."""
    refused = []
    for old, new in moves:
        if old.kind != "placement_day":
            continue
        row = db.session.get(PlacementDay, old.id)
        mentor = new.person("mentor")
        try:  # checked before anything changes
            if new.day != old.day:
                placement = move_day(row, new.day)
                row = next(d for d in placement.active_days if d.day == new.day)
            if mentor is not None and row.mentor_id != mentor.id:
                change_day_mentor(row, mentor.id)
        except InvalidInput as error:
            refused.append(f"{old.label}: {error.message}")
    return refused
