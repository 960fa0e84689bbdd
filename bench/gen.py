"""Deterministic (seeded) planning inputs for benchmarks: a district and the whole city.

The working days are an argument: the generators never decide what a working day is.

* district: 52 service stations, 8 law firms, 20 lawyers with leave and court half-days;
* the city at 10x a district: 520 stations, 80 firms, 200 lawyers (``district_visits(scale=10)``);
* a rotation year (8 trainees, mentors with their free days), a fortnight and a month of 24-hour telephone
  duty.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from trainer.planning.duty import DutyLawyerSpec, DutyRequest, ShiftSpec
from trainer.planning.rotation import MentorSpec, RotationRequest, TraineeSpec
from trainer.planning.visits import LawyerSpec, Slot, StationSpec, VisitPlanRequest

WEEKDAYS = range(5)
HALVES = ("am", "pm")


def _leave(rng: random.Random, year: int, spells: int, longest: int) -> frozenset[date]:
    """A few spells of leave (休假, 出差) of a lawyer: calendar days."""
    days: set[date] = set()
    for _ in range(spells):
        start = date(year, 1, 1) + timedelta(days=rng.randrange(0, 350))
        length = rng.randint(2, longest)
        days.update(start + timedelta(days=offset) for offset in range(length))
    return frozenset(d for d in days if d.year == year)


def _court_halves(rng: random.Random, working: Sequence[date], count: int) -> frozenset[Slot]:
    """Single half-days a lawyer is in court (开庭): unavailable for a visit."""
    return frozenset(Slot(rng.choice(working), rng.choice(HALVES)) for _ in range(count))


def _station(rng: random.Random, station_id: int, lead: int, backup: int | None, firm: int) -> StationSpec:
    weekdays = rng.sample(list(WEEKDAYS), rng.choice((1, 2, 2, 3)))
    receiving = {(weekday, rng.choice(HALVES)) for weekday in weekdays}
    if rng.random() < 0.3:
        receiving.add((weekdays[0], "pm" if (weekdays[0], "am") in receiving else "am"))
    if rng.random() < 0.08:
        receiving.add((5, "am"))  # a few stations also receive on Saturday mornings
    rhythm: tuple[tuple[int, int], ...] = ()
    if rng.random() < 0.5:
        weekday = rng.choice(weekdays)
        rhythm = ((1, weekday), (3, weekday)) if rng.random() < 0.5 else ((2, weekday), (4, weekday))
    return StationSpec(station_id, lead, backup, firm, frozenset(receiving), rhythm)


def _firm_block(rng: random.Random, year: int, working: Sequence[date], firm: int, lawyer_ids: list[int],
                station_ids: list[int], backup_share: float) -> tuple[list[LawyerSpec], list[StationSpec]]:
    lawyers = [
        LawyerSpec(lawyer_id, firm, _leave(rng, year, rng.randint(0, 2), 10),
                   _court_halves(rng, working, rng.randint(4, 12)))
        for lawyer_id in lawyer_ids
    ]
    stations = []
    for position, station_id in enumerate(station_ids):
        lead = lawyer_ids[position % len(lawyer_ids)]
        others = [i for i in lawyer_ids if i != lead]
        backup = rng.choice(others) if others and rng.random() < backup_share else None
        stations.append(_station(rng, station_id, lead, backup, firm))
    return lawyers, stations


def district_visits(year: int, working_days: frozenset[date], seed: int = 1,
                    time_limit_s: float = 5.0, scale: int = 1) -> VisitPlanRequest:
    """A district (区): 52 stations, 8 firms, 20 lawyers (2 or 3 a firm), a year of months; ``scale`` copies
    of its shape with their own draws (10: 520 stations, 80 firms, 200 lawyers, 12,480 visits a year)."""
    rng = random.Random(seed)
    working = sorted(d for d in working_days if d.year == year)
    lawyers: list[LawyerSpec] = []
    stations: list[StationSpec] = []
    next_lawyer, next_station = 1, 1
    for firm in range(1, 8 * scale + 1):
        lawyer_count = 3 if firm % 8 in (1, 2, 3, 4) else 2
        station_count = 7 if firm % 8 in (1, 2, 3, 4) else 6
        lawyer_ids = list(range(next_lawyer, next_lawyer + lawyer_count))
        station_ids = list(range(next_station, next_station + station_count))
        next_lawyer += lawyer_count
        next_station += station_count
        block = _firm_block(rng, year, working, firm, lawyer_ids, station_ids, backup_share=0.8)
        lawyers += block[0]
        stations += block[1]
    return VisitPlanRequest(
        months=tuple((year, m) for m in range(1, 13)), working_days=working_days,
        stations=tuple(stations), lawyers=tuple(lawyers), time_limit_s=time_limit_s)


def rotation_year(year: int, working_days: frozenset[date], seed: int = 3,
                  time_limit_s: float = 5.0) -> RotationRequest:
    """以干代训: 8 trainees, capacity 2, 6 mentors on duty at the mediation centre two or three days a week."""
    rng = random.Random(seed)
    working = sorted(d for d in working_days if d.year == year)
    trainees = tuple(
        TraineeSpec(i, frozenset(d for d in working if rng.random() < 0.03), None, None) for i in range(1, 9)
    )
    mentors = []
    for mentor_id in range(101, 107):
        duty_weekdays = set(rng.sample(list(WEEKDAYS), 3))
        leave = _leave(rng, year, 2, 8)
        mentors.append(MentorSpec(mentor_id, frozenset(
            d for d in working if (d.weekday() in duty_weekdays or d.weekday() >= 5) and d not in leave)))
    blackouts = ((date(year, 1, 1), date(year, 1, 20)), (date(year, 12, 15), date(year, 12, 31)))
    return RotationRequest(year=year, working_days=working_days, trainees=trainees, mentors=tuple(mentors),
                           capacity=2, blackouts=blackouts, time_limit_s=time_limit_s)


def duty_month(year: int, month: int, seed: int = 4, lawyers: int = 24, time_limit_s: float = 5.0) -> DutyRequest:
    """A month of 24-hour telephone duty (三班倒, two lawyers a shift) for a district's lawyers."""
    rng = random.Random(seed)
    first = date(year, month, 1)
    last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    shifts = (ShiftSpec("night", time(0), time(8), night=True), ShiftSpec("day", time(8), time(16)),
              ShiftSpec("evening", time(16), time(0)))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    specs = []
    for lawyer_id in range(1, lawyers + 1):
        leave = frozenset(d for d in days if rng.random() < 0.08)
        busy = tuple(
            (datetime.combine(d, time(9)), datetime.combine(d, time(12)))
            for d in days if d.weekday() < 5 and rng.random() < 0.1
        )
        specs.append(DutyLawyerSpec(lawyer_id, unavailable_days=leave, busy=busy))
    return DutyRequest(first_day=first, last_day=last, shifts=shifts, lawyers=tuple(specs), per_shift=2,
                       time_limit_s=time_limit_s)


def duty_fortnight(first: date, seed: int = 5, lawyers: int = 8, time_limit_s: float = 0.6) -> DutyRequest:
    """The issue's roster: 14 days x 3 shifts, one lawyer a shift, 8 lawyers, two of them with a day of leave
    and a few with a station visit in the period."""
    rng = random.Random(seed)
    shifts = (ShiftSpec("night", time(0), time(8), night=True), ShiftSpec("day", time(8), time(16)),
              ShiftSpec("evening", time(16), time(0)))
    days = [first + timedelta(days=i) for i in range(14)]
    specs = []
    for lawyer_id in range(1, lawyers + 1):
        leave = frozenset({rng.choice(days)}) if lawyer_id <= 2 else frozenset()
        visits = tuple((datetime.combine(d, time(9)), datetime.combine(d, time(11, 30)))
                       for d in rng.sample(days, 2) if d.weekday() < 5)
        specs.append(DutyLawyerSpec(lawyer_id, unavailable_days=leave, busy=visits))
    return DutyRequest(first_day=first, last_day=days[-1], shifts=shifts, lawyers=tuple(specs), per_shift=1,
                       time_limit_s=time_limit_s)
