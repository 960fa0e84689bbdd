"""Mediator coverage (覆盖率): which streets and unions have a certified independent mediator, and per year the
trainees, certifications and the success of week-two mediations. Reads only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.names import pinyin_order
from trainer.org.models import District, Union
from trainer.rotation.models import CaseLog, Certification, Placement, PlacementDay, ProgrammeYear, Trainee


@dataclass
class UnionCoverage:
    union: Union
    mediators: list[Certification]
    last_year: int | None


@dataclass
class YearStats:
    year: int
    trainees: int
    certified: int
    independent_cases: int
    agreements: int
    covered_streets: int  # cumulative by the end of that year

    @property
    def success_rate(self) -> float | None:
        return self.agreements / self.independent_cases if self.independent_cases else None


@dataclass
class DistrictCoverage:
    district: District
    unions: list[UnionCoverage]
    streets_total: int
    streets_covered: int
    years: list[YearStats]

    @property
    def share(self) -> float:
        return self.streets_covered / self.streets_total if self.streets_total else 0.0

    @property
    def uncovered(self) -> list[UnionCoverage]:
        return [u for u in self.unions if not u.mediators]


def _success_by_year(district_ids: list[int]) -> dict[tuple[int, int], tuple[int, int]]:
    """(district, year) -> (independent cases with an outcome, agreements)."""
    rows = db.session.execute(
        select(CaseLog.district_id, ProgrammeYear.year, CaseLog.outcome, func.count())
        .join(PlacementDay, CaseLog.placement_day_id == PlacementDay.id)
        .join(Placement, PlacementDay.placement_id == Placement.id)
        .join(ProgrammeYear, Placement.programme_year_id == ProgrammeYear.id)
        .where(CaseLog.district_id.in_(district_ids), CaseLog.role == "independent", CaseLog.outcome.is_not(None))
        .group_by(CaseLog.district_id, ProgrammeYear.year, CaseLog.outcome)).all()
    result: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for district_id, year, outcome, count in rows:
        result[(district_id, year)][0] += count
        if outcome == "agreement":
            result[(district_id, year)][1] += count
    return {k: (v[0], v[1]) for k, v in result.items()}


def coverage(districts: list[District]) -> list[DistrictCoverage]:
    """Which streets/unions have a certified independent mediator; trainees and success per year."""
    ids = [d.id for d in districts]
    unions = db.session.scalars(select(Union).where(Union.district_id.in_(ids)).order_by(Union.kind, *pinyin_order(Union))).all()
    certs = db.session.scalars(select(Certification).where(Certification.district_id.in_(ids))
                               .options(selectinload(Certification.trainee))
                               .order_by(Certification.certified_on)).all()
    trainee_rows = db.session.execute(
        select(Trainee.district_id, Trainee.union_id, ProgrammeYear.year).join(ProgrammeYear)
        .where(Trainee.district_id.in_(ids))).all()
    success = _success_by_year(ids)
    by_union: dict[int, list[Certification]] = defaultdict(list)
    for cert in certs:
        by_union[cert.union_id].append(cert)
    last_year: dict[int, int] = {}
    trainees_per: dict[tuple[int, int], int] = defaultdict(int)
    for district_id, union_id, year in trainee_rows:
        last_year[union_id] = max(last_year.get(union_id, 0), year)
        trainees_per[(district_id, year)] += 1
    result = []
    for district in districts:
        mine = [u for u in unions if u.district_id == district.id]
        rows = [UnionCoverage(u, by_union.get(u.id, []), last_year.get(u.id)) for u in mine]
        streets = {u.street or u.name for u in mine if u.kind == "street"}
        covered_first: dict[str, int] = {}
        for u in mine:
            if u.kind == "street" and by_union.get(u.id):
                key = u.street or u.name
                first = min(c.certified_on.year for c in by_union[u.id])
                covered_first[key] = min(first, covered_first.get(key, first))
        years = sorted({y for (d, y) in trainees_per if d == district.id}
                       | {c.certified_on.year for c in certs if c.district_id == district.id})
        stats = []
        for year in years:
            cases, agreements = success.get((district.id, year), (0, 0))
            stats.append(YearStats(
                year=year, trainees=trainees_per.get((district.id, year), 0),
                certified=sum(1 for c in certs if c.district_id == district.id and c.certified_on.year == year),
                independent_cases=cases, agreements=agreements,
                covered_streets=sum(1 for first in covered_first.values() if first <= year)))
        result.append(DistrictCoverage(district, rows, len(streets), len(covered_first), stats))
    return result


def districts_in_order():
    """A select() of every district, in the city's order (to narrow to the caller's scope)."""
    return select(District).order_by(District.sort_order)


def all_districts() -> list[District]:
    return db.session.scalars(districts_in_order()).all()
