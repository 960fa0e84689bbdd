"""Timefold's model of a visit plan, for bench/timefold_peer.py (which explains it). A module of its own, without
``from __future__ import annotations``: Timefold reads the annotations of these classes as objects. It imports the
``timefold`` package (the test extra), so timefold_peer loads it only once ``available()`` says Timefold can run."""

from dataclasses import dataclass, field
from typing import Annotated

from timefold.solver.domain import (
    PlanningEntityCollectionProperty,
    PlanningId,
    PlanningScore,
    PlanningVariable,
    ProblemFactCollectionProperty,
    ValueRangeProvider,
    planning_entity,
    planning_solution,
)
from timefold.solver.score import ConstraintFactory, HardSoftScore, Joiners, constraint_provider

GAP_TARGET = 14


@dataclass
class Option:
    """A day, half-day and lawyer a visit may take."""

    id: Annotated[int, PlanningId]
    lawyer_slot: int  # one number for (lawyer, day, half-day): two visits with the same one clash
    day: int  # the date's ordinal
    cost: int  # what taking it costs on its own (a visit by the backup lawyer)


@planning_entity
@dataclass
class Visit:
    """A visit of a station in a month; ``next_id`` is the station's next visit in the year (-1: the last)."""

    id: Annotated[int, PlanningId]
    next_id: int
    min_gap: int
    options: Annotated[list[Option], ValueRangeProvider(id="options")]
    option: Annotated[Option | None, PlanningVariable(value_range_provider_refs=["options"])] = \
        field(default=None)


@planning_solution
@dataclass
class Plan:
    all_options: Annotated[list[Option], ProblemFactCollectionProperty]
    visits: Annotated[list[Visit], PlanningEntityCollectionProperty]
    score: Annotated[HardSoftScore | None, PlanningScore] = field(default=None)


@constraint_provider
def constraints(factory: ConstraintFactory):
    return [
        factory.for_each_unique_pair(Visit, Joiners.equal(lambda v: v.option.lawyer_slot))
        .penalize(HardSoftScore.ONE_HARD).as_constraint("a lawyer in two places"),
        factory.for_each(Visit).join(Visit, Joiners.equal(lambda a: a.next_id, lambda b: b.id))
        .filter(lambda a, b: b.option.day - a.option.day < a.min_gap)
        .penalize(HardSoftScore.ONE_HARD, lambda a, b: a.min_gap - (b.option.day - a.option.day))
        .as_constraint("visits too close"),
        factory.for_each(Visit).join(Visit, Joiners.equal(lambda a: a.next_id, lambda b: b.id))
        .penalize(HardSoftScore.ONE_SOFT, lambda a, b: abs(b.option.day - a.option.day - GAP_TARGET))
        .as_constraint("uneven gaps"),
        factory.for_each(Visit).filter(lambda v: v.option.cost > 0)
        .penalize(HardSoftScore.ONE_SOFT, lambda v: v.option.cost).as_constraint("by the backup lawyer"),
    ]
