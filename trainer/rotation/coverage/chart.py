"""The coverage charts: inline SVG drawn on the server (no JavaScript), the goal line included."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _


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
