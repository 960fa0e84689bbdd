"""What the rotation pages show beyond the rows themselves: the weekly timeline, the purpose of each day,
and the coverage charts (inline SVG, drawn on the server, no JavaScript)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainer.core.extensions import db
from trainer.rotation.models import Placement, PlacementDay, ProgrammeYear, Trainee


def year_counts(year_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per programme year: trainees and placed trainees, two queries for the whole list."""
    if not year_ids:
        return {}
    trainees = dict(db.session.execute(select(Trainee.programme_year_id, func.count()).where(
        Trainee.programme_year_id.in_(year_ids)).group_by(Trainee.programme_year_id)).all())
    placed = dict(db.session.execute(
        select(Placement.programme_year_id, func.count(func.distinct(Placement.id)))
        .join(PlacementDay).where(Placement.programme_year_id.in_(year_ids), PlacementDay.status == "planned")
        .group_by(Placement.programme_year_id)).all())
    return {i: {"trainees": trainees.get(i, 0), "placed": placed.get(i, 0)} for i in year_ids}


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


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    css: str = "bar"


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    target_y: float | None
    target_label: str
    axis_y: float
    title: str
    desc: str
    ticks: list[tuple[float, str]] = field(default_factory=list)


def _chart(values: list[tuple[str, float, str]], maximum: float, target: float | None, target_label: str,
           title: str, desc: str, percent: bool = False) -> Chart:
    width, height, top, bottom, left = 640, 260, 20, 40, 44
    plot_h = height - top - bottom
    n = max(len(values), 1)
    slot = (width - left - 10) / n
    bar_w = min(48.0, slot * 0.6)
    maximum = max(maximum, target or 0, 1)

    def y_of(v: float) -> float:
        return top + plot_h - (v / maximum) * plot_h

    bars = []
    for i, (label, value, shown) in enumerate(values):
        x = left + i * slot + (slot - bar_w) / 2
        y = y_of(value)
        bars.append(Bar(round(x, 1), round(y, 1), round(bar_w, 1), round(top + plot_h - y, 1), label, shown))
    ticks = [(round(y_of(maximum * f), 1), f"{int(round(maximum * f * (100 if percent else 1)))}"
              + ("%" if percent else "")) for f in (0, 0.5, 1)]
    return Chart(width, height, bars, round(y_of(target), 1) if target is not None else None, target_label,
                 top + plot_h, title, desc, ticks)


def year_chart(cov) -> Chart:
    """A district: streets covered (cumulative) per year against the goal of every street."""
    values = [(str(s.year), float(s.covered_streets), f"{s.covered_streets}") for s in cov.years]
    desc = "; ".join(f"{s.year}: {s.covered_streets}/{cov.streets_total}" for s in cov.years)
    return _chart(values, float(cov.streets_total), float(cov.streets_total),
                  _("Goal: every street (%(n)s)", n=cov.streets_total),
                  _("Streets with a certified independent mediator, by year"), desc)


def city_chart(results) -> Chart:
    """The city: the share of streets covered in each district against the goal of 100%."""
    values = [(r.district.name, r.share, f"{round(r.share * 100)}%") for r in results if r.streets_total]
    desc = "; ".join(f"{r.district.name}: {r.streets_covered}/{r.streets_total}" for r in results)
    return _chart(values, 1.0, 1.0, _("Goal: every street by year end"),
                  _("Share of streets with a certified independent mediator"), desc, percent=True)
