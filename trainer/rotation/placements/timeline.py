"""How placements read on the pages: the year's weekly timeline, a trainee's progress and what each day is for."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _

from trainer.rotation.models import Placement, PlacementDay, ProgrammeYear, Trainee


@dataclass
class Timeline:
    """Placements per week: ``weeks`` are Mondays; ``cells[trainee_id][monday]`` the days there, by phase."""

    weeks: list[date] = field(default_factory=list)
    cells: dict[int, dict[date, list]] = field(default_factory=dict)
    load: dict[date, int] = field(default_factory=dict)  # most trainees at the centre on one day that week


def timeline(py: ProgrammeYear, trainees: list[Trainee]) -> Timeline:
    result = Timeline()
    weeks: set[date] = set()
    per_day: dict[date, int] = defaultdict(int)
    for trainee in trainees:
        placement = trainee.placement
        if placement is None:
            continue
        row: dict[date, list] = defaultdict(list)
        for day in placement.active_days:
            monday = day.day - timedelta(days=day.day.weekday())
            weeks.add(monday)
            row[monday].append(day)
            per_day[day.day] += 1
        result.cells[trainee.id] = dict(row)
    result.weeks = sorted(weeks)
    for day, count in per_day.items():
        monday = day - timedelta(days=day.weekday())
        result.load[monday] = max(result.load.get(monday, 0), count)
    return result


def day_purposes(days: list[PlacementDay]) -> dict[int, str]:
    """What each day of a placement is for, so the trainee knows what to expect."""
    purposes = {}
    if not days:
        return purposes
    total = max(len(days[0].placement.active_days), 1)
    for day in days:
        if day.number == 1:
            text = _("Welcome: the centre, the mediation procedure and the case files; observe with your mentor.")
        elif day.number == total:
            text = _("Last day: mediate on your own, then review the two weeks with your mentor (evaluation).")
        elif day.phase == "guided":
            text = _("Guided: observe and assist your mentor's mediations; draft a mediation agreement.")
        elif day.number == (total + 1) // 2 + 1:
            text = _("First day on your own: take your first cases; your mentor is at hand.")
        else:
            text = _("Independent: mediate cases on your own; your mentor reviews them.")
        purposes[day.id] = text
    return purposes


def progress(placement: Placement | None, today: date) -> tuple[int, int]:
    """(days done including today, days in all) of a placement."""
    if placement is None:
        return 0, 0
    days = placement.active_days
    return sum(1 for d in days if d.day <= today), len(days)
