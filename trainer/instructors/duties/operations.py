"""Division of duties (分工职责): the streets, industries and enterprises each instructor answers for, and a
district's gaps (areas nobody covers) and overlaps (one area covered twice within a tier). Callers commit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.names import pinyin_order
from trainer.core.validation import InvalidInput
from trainer.instructors.labels import known_industries
from trainer.instructors.models import AREA_KINDS, Instructor, Responsibility
from trainer.org.models import Union


def add_responsibility(instructor: Instructor, kind: str, value: str) -> Responsibility:
    value = (value or "").strip()
    if kind not in AREA_KINDS:
        raise InvalidInput({"kind": _("Unknown kind of area.")})
    if not value:
        raise InvalidInput({"value": _("Name the street, industry or enterprise.")})
    if len(value) > 120:
        raise InvalidInput({"value": _("Keep it under 120 characters.")})
    for existing in instructor.responsibilities:
        if existing.kind == kind and existing.value == value:
            raise InvalidInput({"value": _("%(name)s already covers %(value)s.", name=instructor.name, value=value)})
    area = Responsibility(instructor=instructor, kind=kind, value=value)
    db.session.add(area)
    db.session.flush()
    return area


def remove_responsibility(area: Responsibility) -> None:
    area.instructor.responsibilities.remove(area)
    db.session.delete(area)
    db.session.flush()


def district_streets(district_id: int) -> list[str]:
    rows = db.session.scalars(select(Union.street).where(Union.district_id == district_id, Union.kind == "street",
                                                         Union.street.is_not(None))).all()
    return sorted(set(rows))


@dataclass
class Coverage:
    streets: list[str]
    industries: list[str]
    covered: dict[tuple[str, str], list[Instructor]]  # (kind, value) -> active instructors covering it
    gaps: dict[str, list[str]]  # kind -> areas nobody covers
    overlaps: list[tuple[str, str, str, list[Instructor]]]  # (kind, value, tier, instructors of that tier)


def coverage(district_id: int) -> Coverage:
    """Which of the district's streets and industries are covered, the gaps and the overlaps within a tier."""
    rows = db.session.scalars(select(Instructor).where(Instructor.district_id == district_id,
                                                       Instructor.status == "active")
                              .options(selectinload(Instructor.responsibilities)).order_by(*pinyin_order(Instructor))).all()
    covered: dict[tuple[str, str], list[Instructor]] = defaultdict(list)
    for instructor in rows:
        for area in instructor.responsibilities:
            covered[(area.kind, area.value)].append(instructor)
    streets = district_streets(district_id)
    industries = known_industries()
    gaps = {"street": [s for s in streets if ("street", s) not in covered],
            "industry": [i for i in industries if ("industry", i) not in covered]}
    overlaps = []
    for (kind, value), people in sorted(covered.items()):
        by_tier: dict[str, list[Instructor]] = defaultdict(list)
        for person in people:
            by_tier[person.tier].append(person)
        for tier, same in by_tier.items():
            if len(same) > 1:
                overlaps.append((kind, value, tier, same))
    return Coverage(streets=streets, industries=industries, covered=dict(covered), gaps=gaps, overlaps=overlaps)


def serving_instructors(district_id: int) -> list[Instructor]:
    """The district's instructors whose term has not ended, with their areas (the duties page)."""
    return list(db.session.scalars(select(Instructor).where(Instructor.district_id == district_id,
                                                            Instructor.status != "ended")
                                   .options(selectinload(Instructor.responsibilities))
                                   .order_by(Instructor.tier, *pinyin_order(Instructor))))
