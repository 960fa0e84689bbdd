"""The org chart of the hierarchy and each instructor's span (how many they guide), with the span limit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.names import pinyin_order
from trainer.instructors.models import Instructor, Tier


def span_limit() -> int:
    return int(current_app.config.get("INSTRUCTOR_SPAN_LIMIT", 8))


@dataclass
class ChartNode:
    instructor: Instructor
    children: list[ChartNode] = field(default_factory=list)

    @property
    def span(self) -> int:
        return len(self.children)


@dataclass
class OrgChart:
    roots: list[ChartNode]
    unlinked: list[Instructor]  # district instructors whose guide is missing (to be fixed)
    limit: int

    def over_limit(self) -> list[ChartNode]:
        found = []

        def walk(nodes):
            for node in nodes:
                if node.span > self.limit:
                    found.append(node)
                walk(node.children)

        walk(self.roots)
        return found


def org_chart(district_id: int | None, *, include_ended: bool = False) -> OrgChart:
    """The tree: city instructors, the district full-time instructors they guide, their part-time ones.

    With a district, only that district's instructors appear, under the city instructors who guide them.
    Spans count the instructors guided in the whole city (a city instructor's span is city-wide).
    """
    rows = db.session.scalars(select(Instructor).options(selectinload(Instructor.district))
                              .order_by(*pinyin_order(Instructor))).all()
    if not include_ended:
        rows = [r for r in rows if r.status != "ended"]
    by_guide: dict[int | None, list[Instructor]] = defaultdict(list)
    for row in rows:
        by_guide[row.guide_id].append(row)
    ids = {r.id for r in rows}

    def build(instructor: Instructor) -> ChartNode:
        node = ChartNode(instructor)
        for child in by_guide.get(instructor.id, []):
            node.children.append(build(child))
        return node

    roots = [build(r) for r in rows if r.tier == Tier.CITY_FULL]
    unlinked = [r for r in rows if r.tier != Tier.CITY_FULL and (r.guide_id is None or r.guide_id not in ids)]
    if district_id is not None:
        for root in roots:
            root.children = [c for c in root.children if c.instructor.district_id == district_id]
        city_span = {root.instructor.id: len(by_guide.get(root.instructor.id, [])) for root in roots}
        roots = [r for r in roots if r.children]
        unlinked = [u for u in unlinked if u.district_id == district_id]
        for root in roots:
            root.city_span = city_span[root.instructor.id]
    return OrgChart(roots=roots, unlinked=unlinked, limit=span_limit())


def spans() -> dict[int, int]:
    """How many instructors each instructor guides (serving ones)."""
    rows = db.session.execute(select(Instructor.guide_id, func.count()).where(
        Instructor.guide_id.is_not(None), Instructor.status != "ended").group_by(Instructor.guide_id)).all()
    return {guide_id: count for guide_id, count in rows}
