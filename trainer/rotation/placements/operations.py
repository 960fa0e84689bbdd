"""Planning the placements (跟班安排): the glue between the programme year and the pure solver
(``trainer.planning.rotation``), moving and pinning a placement, changing a day's mentor. Callers commit;
operations flush."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.agenda import placement_day_commitments, refuse_clashes
from trainer.core.clock import now_utc, today_local
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.core.validation import InvalidInput, check_reach
from trainer.planning import rotation as solver
from trainer.rotation.mentors.operations import busy_days, mentor_available_days
from trainer.rotation.models import Mentor, Placement, PlacementDay, ProgrammeYear, Trainee
from trainer.rotation.placements.problems import problem_dict, problem_sentence
from trainer.workdays import YearNotAnnounced, is_provisional_range, working_days_set
from trainer.workdays.notice_period import first_open_day

PLAN_TIME_LIMIT_S = 10.0


@dataclass
class PlanOutcome:
    placed: int
    unplaced: int
    moved: int
    problems: list[str]
    provisional: bool


def _working_days(py: ProgrammeYear, allow_provisional: bool) -> tuple[frozenset[date], bool]:
    first, last = py.first_day, py.last_day
    try:
        return working_days_set(first, last, allow_provisional=False), False
    except YearNotAnnounced as error:
        if not allow_provisional:
            message = error.localized() if hasattr(error, "localized") else str(error)
            raise InvalidInput({"year": _("%(reason)s. Plan on the provisional calendar (placements are marked "
                                          "provisional) or wait for the official one.", reason=message)}) from None
    return working_days_set(first, last, allow_provisional=True), True


def _blackout_days(py: ProgrammeYear) -> frozenset[date]:
    days: set[date] = set()
    for blackout in py.blackouts:
        days.update(blackout.days())
    return frozenset(days)


def plan_year(py: ProgrammeYear, *, allow_provisional: bool = False, mode: str = "replan",
              not_before: date | None = None, time_limit_s: float = PLAN_TIME_LIMIT_S) -> PlanOutcome:
    """Plan (or re-plan with least change) every trainee's placement of a programme year.

    Placements already begun (or pinned) stay as they are; the others may move, but in "replan" mode the
    solver keeps each one that still obeys every rule. Problems are stored on the year and returned as
    sentences for the coordinator.
    """
    if py.status == "closed":
        raise InvalidInput({"status": _("This programme year is closed; re-open it to plan.")})
    # Nothing automatic on today or the days of the district's minimum notice (what begins there stays).
    not_before = not_before or first_open_day(py.district_id)
    working_days, provisional = _working_days(py, allow_provisional)
    trainees = db.session.scalars(select(Trainee).where(Trainee.programme_year_id == py.id)
                                  .options(selectinload(Trainee.placement).selectinload(Placement.days))
                                  .order_by(Trainee.id)).all()
    if not trainees:
        raise InvalidInput({"trainees": _("Enrol the trainees before planning.")})
    available = mentor_available_days(py, working_days)
    if not available:
        raise InvalidInput({"mentors": _("Put at least one mentor on duty at the centre before planning.")})
    existing, trainee_specs = [], []
    # A trainee busy elsewhere as the same person (trainer.agenda) cannot come that day.
    elsewhere = busy_days("trainee", {t.id for t in trainees}, py, py.first_day, py.last_day)
    for trainee in trainees:
        placement = trainee.placement
        active = placement.active_days if placement is not None else []
        started = bool(active) and active[0].day < not_before
        earliest = max(py.first_day, not_before)
        if started:
            earliest = min(earliest, active[0].day)
        trainee_specs.append(solver.TraineeSpec(id=trainee.id, unavailable=trainee.unavailable_dates() | frozenset(
                                                    elsewhere.get(trainee.id, ())),
                                                earliest=earliest, latest=py.last_day))
        if active and (mode == "replan" or placement.pinned or started):
            existing.append(solver.Placement(
                trainee_id=trainee.id, pinned=bool(placement.pinned or started), placement_id=placement.id,
                days=tuple(solver.PlacementDay(day=d.day, mentor_id=d.mentor_id, phase=d.phase) for d in active)))
    request = solver.RotationRequest(
        year=py.year, working_days=working_days, trainees=tuple(trainee_specs),
        mentors=tuple(solver.MentorSpec(id=mid, available_days=days) for mid, days in sorted(available.items())),
        capacity=py.capacity, blackouts=tuple((b.start, b.end) for b in py.blackouts),
        placement_length=py.placement_length, mentor_max_trainees=py.mentor_max_trainees,
        existing=tuple(existing), time_limit_s=time_limit_s, mode="replan" if mode == "replan" else "full")
    result = solver.plan_rotation(request)

    by_trainee = {p.trainee_id: p for p in result.placements}
    moved = 0
    for trainee in trainees:
        planned = by_trainee.get(trainee.id)
        days = [(d.day, d.mentor_id, d.phase) for d in planned.days] if planned is not None else None
        if write_placement(py, trainee, days, provisional):
            moved += 1
    py.plan_problems = [problem_dict(p) for p in result.problems]
    py.planned_at = now_utc()
    db.session.flush()
    names = {t.id: t.name for t in trainees}
    mentor_names = dict(db.session.execute(select(Mentor.id, Mentor.name).where(
        Mentor.id.in_(list(available)))).all())
    sentences = [problem_sentence(p, py, names, mentor_names) for p in py.plan_problems]
    return PlanOutcome(placed=len(by_trainee), unplaced=len(trainees) - len(by_trainee), moved=moved,
                       problems=sentences, provisional=provisional)


def write_placement(py: ProgrammeYear, trainee: Trainee, days: Sequence[tuple[date, int | None, str]] | None,
                    provisional: bool) -> bool:
    """Give a trainee these placement days, each (day, mentor id, phase), with the least churn: days kept stay,
    others are cancelled (kept for the feeds). ``None`` cancels the placement's days that have no logs.
    Returns True when anything changed."""
    placement = trainee.placement
    if days is None:
        if placement is None or not placement.active_days:
            return False
        for day in placement.active_days:
            if not day.logs:
                day.status, day.sequence = "cancelled", day.sequence + 1
        return True
    days = sorted(days, key=lambda item: item[0])
    start, end = days[0][0], days[-1][0]
    if placement is None:
        placement = Placement(trainee=trainee, programme_year_id=py.id, district_id=py.district_id,
                              start=start, end=end)
        db.session.add(placement)
    rows = {d.day: d for d in placement.days}
    wanted = {day for day, _mentor, _phase in days}
    changed = False
    for number, (day, mentor_id, phase) in enumerate(days, start=1):
        row = rows.get(day)
        if row is None:
            placement.days.append(PlacementDay(day=day, district_id=py.district_id, phase=phase, mentor_id=mentor_id,
                                               number=number))
            changed = True
        elif (row.status, row.mentor_id, row.phase, row.number) != ("planned", mentor_id, phase, number):
            row.status, row.mentor_id, row.phase, row.number = "planned", mentor_id, phase, number
            row.sequence += 1
            changed = True
    for day, row in rows.items():
        if day not in wanted and row.status == "planned":
            row.status, row.sequence = "cancelled", row.sequence + 1
            changed = True
    if (placement.start, placement.end) != (start, end):
        placement.start, placement.end = start, end
        placement.sequence += 1
        changed = True
    placement.provisional = provisional
    return changed


def set_pinned(placement: Placement, pinned: bool) -> None:
    placement.pinned = bool(pinned)
    db.session.flush()


def move_placement(placement: Placement, start: date, *, allow_provisional: bool = False) -> Placement:
    """Put a placement on the working days from ``start`` and pin it (mentors chosen on those days).

    The hard rules are checked here so that a pin never breaks them silently."""
    py = placement.programme_year
    today = today_local()
    active = placement.active_days
    if active and active[0].day < today:
        # Its first days are past (and logged, perhaps): moving the whole would drop them.
        raise InvalidInput({"start": _("The placement began on %(day)s; it can no longer move as a whole.",
                                       day=format_day(active[0].day))})
    if any(d.logs or d.reflection is not None for d in active):
        raise InvalidInput({"start": _("Cases or reflections are already logged on this placement; it can no "
                                       "longer move as a whole.")})
    check_reach(start, "start", today=today)
    working, provisional = _working_days(py, allow_provisional)
    if start is None or start not in working:
        raise InvalidInput({"start": _("The first day must be a working day of the programme period.")})
    days = sorted(d for d in working if d >= start)[:py.placement_length]
    if len(days) < py.placement_length:
        raise InvalidInput({"start": _("Not enough working days left in the programme period.")})
    blackouts = _blackout_days(py)
    hit = [d for d in days if d in blackouts]
    if hit:
        raise InvalidInput({"start": _("The placement would fall in a blackout period (%(day)s).",
                                       day=format_day(hit[0]))})
    off = [d for d in days if d in placement.trainee.unavailable_dates()]
    if off:
        raise InvalidInput({"start": _("The trainee cannot come on %(day)s.", day=format_day(off[0]))})
    others = db.session.scalars(select(PlacementDay).join(Placement).where(
        Placement.programme_year_id == py.id, Placement.id != placement.id, PlacementDay.status == "planned",
        PlacementDay.day.in_(days))).all()
    load_centre: dict[date, int] = defaultdict(int)
    load_mentor: dict[tuple[int, date], int] = defaultdict(int)
    for row in others:
        load_centre[row.day] += 1
        if row.mentor_id:
            load_mentor[(row.mentor_id, row.day)] += 1
    full = [d for d in days if load_centre[d] >= py.capacity]
    if full:
        raise InvalidInput({"start": _("The centre is full on %(day)s.", day=format_day(full[0]))})
    available = mentor_available_days(py, frozenset(days))
    previous = {d.day: d.mentor_id for d in placement.active_days}
    plan = []
    for number, day in enumerate(days, start=1):
        candidates = [m for m, free in sorted(available.items())
                      if day in free and load_mentor[(m, day)] < py.mentor_max_trainees]
        if not candidates:
            raise InvalidInput({"start": _("No mentor is on duty and free on %(day)s.", day=format_day(day))})
        # Keep the trainee with the same mentor where possible.
        keep = previous.get(day) if previous.get(day) in candidates else None
        mentor_id = keep or (plan[-1][1] if plan and plan[-1][1] in candidates else candidates[0])
        phase = "guided" if number <= py.guided_days else "independent"
        plan.append((day, mentor_id, phase))
    write_placement(py, placement.trainee, plan, provisional)
    own = f"rotation:{py.id}"
    refuse_clashes([d for d in placement.days if d.status == "planned"], "start", ignore=lambda c: c.scope == own)
    placement.pinned = True
    db.session.flush()
    return placement


def change_day_mentor(day: PlacementDay, mentor_id: int) -> PlacementDay:
    py = day.placement.programme_year
    available = mentor_available_days(py, frozenset({day.day}))
    if mentor_id not in available:  # not an active mentor of the year's centre (or no mentor at all)
        raise InvalidInput({"mentor_id": _("That mentor is not on duty or not free on this day.")})
    # The mentor's commitments in the other programmes (a visit, a duty shift, a meeting…), both named.
    own = f"rotation:{py.id}"
    refuse_clashes([c for c in placement_day_commitments(day, mentor_id=mentor_id) if c.role == "mentor"],
                   "mentor_id", ignore=lambda c: c.scope == own)
    if day.day not in available[mentor_id]:
        raise InvalidInput({"mentor_id": _("That mentor is not on duty or not free on this day.")})
    load = db.session.scalar(select(func.count()).select_from(PlacementDay).where(
        PlacementDay.day == day.day, PlacementDay.mentor_id == mentor_id, PlacementDay.status == "planned",
        PlacementDay.id != day.id))
    if load >= py.mentor_max_trainees:
        raise InvalidInput({"mentor_id": _("That mentor already guides %(n)s trainee(s) that day.", n=load)})
    if day.mentor_id != mentor_id:
        day.mentor_id = mentor_id
        day.sequence += 1
    db.session.flush()
    return day


def move_day(row: PlacementDay, new_day: date) -> Placement:
    """Move one day of a placement to ``new_day`` (a proposal after the calendar, a mentor or the trainee
    changed): the other days stay, the days are numbered again in date order, and the placement is pinned."""
    placement = row.placement
    py = placement.programme_year
    days = sorted((new_day if d is row else d.day, d.mentor_id) for d in placement.active_days)
    if len({day for day, _mentor in days}) != len(days):
        raise InvalidInput({"day": _("The trainee is already at the centre on %(day)s.", day=format_day(new_day))})
    plan = [(day, mentor_id, "guided" if number <= py.guided_days else "independent")
            for number, (day, mentor_id) in enumerate(days, start=1)]
    write_placement(py, placement.trainee, plan, is_provisional_range(plan[0][0], plan[-1][0]))
    placement.pinned = True
    db.session.flush()
    return placement
