"""Rotation training (以干代训): every change goes through here. Callers commit; operations flush."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.auth.models import Role, User
from trainer.core.clock import now_utc, today_local
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.models import District, Station, Union
from trainer.rotation.models import (
    CASE_ROLES,
    CATEGORIES,
    OUTCOMES,
    RUBRIC,
    YEAR_STATUSES,
    Blackout,
    CaseLog,
    CentreMentor,
    Certification,
    Evaluation,
    Mentor,
    MentorUnavailable,
    Placement,
    PlacementDay,
    ProgrammeYear,
    SelectedUnion,
    Trainee,
)

log = logging.getLogger(__name__)

DEFAULT_CENTRE = "区仲裁院工会劳动争议调解中心"
# Certificate numbers start with the district's initials: CY-2027-001.
DISTRICT_INITIALS = {
    "dongcheng": "DC", "xicheng": "XC", "chaoyang": "CY", "haidian": "HD", "fengtai": "FT", "shijingshan": "SJS",
    "mentougou": "MTG", "fangshan": "FS", "tongzhou": "TZ", "shunyi": "SY", "changping": "CP", "daxing": "DX",
    "huairou": "HR", "pinggu": "PG", "miyun": "MY", "yanqing": "YQ",
}
PLAN_TIME_LIMIT_S = 10.0


# --- programme years ---------------------------------------------------------------------------------------

def _check_window(year: int, start: date | None, end: date | None) -> None:
    errors = {}
    if start and start.year != year:
        errors["window_start"] = _("The placement period must lie in %(year)s.", year=year)
    if end and end.year != year:
        errors["window_end"] = _("The placement period must lie in %(year)s.", year=year)
    if start and end and end < start and not errors:
        errors["window_end"] = _("The end must not come before the start.")
    if errors:
        raise InvalidInput(errors)


def save_programme_year(py: ProgrammeYear | None, *, district_id: int, year: int, centre_name: str,
                        centre_address: str = "", trainee_target: int = 8, capacity: int = 2,
                        placement_length: int = 10, mentor_max_trainees: int = 2, status: str = "draft",
                        window_start: date | None = None, window_end: date | None = None,
                        version: int | None = None) -> ProgrammeYear:
    errors = {}
    if not 2000 <= int(year) <= 2100:
        errors["year"] = _("Give a year between 2000 and 2100.")
    if not (centre_name or "").strip():
        errors["centre_name"] = _("Name the mediation centre.")
    if capacity is None or capacity < 1:
        errors["capacity"] = _("The centre hosts at least one trainee at a time.")
    if placement_length is None or not 2 <= placement_length <= 30:
        errors["placement_length"] = _("A placement lasts 2 to 30 working days.")
    if trainee_target is None or trainee_target < 0:
        errors["trainee_target"] = _("The number of trainees cannot be negative.")
    if mentor_max_trainees is None or mentor_max_trainees < 1:
        errors["mentor_max_trainees"] = _("A mentor guides at least one trainee a day.")
    if status not in YEAR_STATUSES:
        errors["status"] = _("Unknown status.")
    if errors:
        raise InvalidInput(errors)
    _check_window(int(year), window_start, window_end)
    clash = db.session.scalar(select(ProgrammeYear).where(ProgrammeYear.district_id == district_id,
                                                          ProgrammeYear.year == year))
    if clash is not None and clash is not py:
        raise InvalidInput({"year": _("This district already has a programme for %(year)s.", year=year)})
    if py is None:
        py = ProgrammeYear(district_id=district_id)
        db.session.add(py)
    else:
        check_version(py, version)
        if py.year != int(year) and py.trainees:
            raise InvalidInput({"year": _("The year cannot change once trainees are enrolled.")})
    py.year = int(year)
    py.centre_name = centre_name.strip()
    py.centre_address = (centre_address or "").strip()
    py.trainee_target, py.capacity = trainee_target, capacity
    py.placement_length, py.mentor_max_trainees = placement_length, mentor_max_trainees
    py.status = status
    py.window_start, py.window_end = window_start, window_end
    db.session.flush()
    return py


def add_blackout(py: ProgrammeYear, *, start: date, end: date, label: str) -> Blackout:
    errors = {}
    if start is None:
        errors["start"] = _("Give the first day.")
    if end is None:
        errors["end"] = _("Give the last day.")
    if not (label or "").strip():
        errors["label"] = _("Name the period, e.g. 春节.")
    if errors:
        raise InvalidInput(errors)
    if end < start:
        raise InvalidInput({"end": _("The end must not come before the start.")})
    if start.year != py.year and end.year != py.year:
        raise InvalidInput({"start": _("The period must touch %(year)s.", year=py.year)})
    blackout = Blackout(programme_year=py, start=start, end=end, label=label.strip())
    db.session.add(blackout)
    db.session.flush()
    return blackout


def delete_blackout(blackout: Blackout) -> None:
    db.session.delete(blackout)
    db.session.flush()


# --- mentors -------------------------------------------------------------------------------------------------

def save_mentor(mentor: Mentor | None, *, district_id: int, name: str, phone: str | None = None,
                lawyer_id: int | None = None, user_id: int | None = None, version: int | None = None) -> Mentor:
    name = (name or "").strip()
    if not name:
        raise InvalidInput({"name": _("Give the mentor's name.")})
    clash = db.session.scalar(select(Mentor).where(Mentor.district_id == district_id, Mentor.name == name))
    if clash is not None and clash is not mentor:
        raise InvalidInput({"name": _("This district already has a mentor of that name.")})
    if user_id:
        user = db.session.get(User, user_id)
        if user is None or user.role != Role.LAWYER:
            raise InvalidInput({"user_id": _("Choose a lawyer's account.")})
        other = db.session.scalar(select(Mentor).where(Mentor.user_id == user_id))
        if other is not None and other is not mentor:
            raise InvalidInput({"user_id": _("This account already belongs to mentor %(name)s.", name=other.name)})
    if mentor is None:
        mentor = Mentor(district_id=district_id)
        db.session.add(mentor)
    else:
        check_version(mentor, version)
    mentor.name, mentor.phone = name, (phone or "").strip() or None
    mentor.lawyer_id, mentor.user_id = lawyer_id or None, user_id or None
    db.session.flush()
    return mentor


def assign_mentor(py: ProgrammeYear, mentor: Mentor, *, duty_weekdays: list[int],
                  on_makeup_days: bool = True) -> CentreMentor:
    if mentor.district_id != py.district_id:
        raise InvalidInput({"mentor_id": _("Choose a mentor of this district.")})
    weekdays = sorted({int(d) for d in duty_weekdays if 0 <= int(d) <= 4})
    if not weekdays:
        raise InvalidInput({"duty_weekdays": _("Choose at least one weekday on duty.")})
    link = db.session.scalar(select(CentreMentor).where(CentreMentor.programme_year_id == py.id,
                                                        CentreMentor.mentor_id == mentor.id))
    if link is None:
        link = CentreMentor(programme_year=py, mentor=mentor)
        db.session.add(link)
    link.duty_weekdays, link.on_makeup_days = weekdays, bool(on_makeup_days)
    db.session.flush()
    return link


def remove_centre_mentor(link: CentreMentor) -> None:
    used = db.session.scalar(select(func.count()).select_from(PlacementDay).join(Placement).where(
        Placement.programme_year_id == link.programme_year_id, PlacementDay.mentor_id == link.mentor_id,
        PlacementDay.status == "planned"))
    if used:
        raise InvalidInput({"mentor_id": _("%(name)s mentors %(n)s planned days; re-plan without them first.",
                                           name=link.mentor.name, n=used)})
    db.session.delete(link)
    db.session.flush()


def add_unavailable(mentor: Mentor, *, start: date, end: date, reason: str = "") -> MentorUnavailable:
    if start is None or end is None:
        raise InvalidInput({"start": _("Give the first and the last day.")})
    if end < start:
        raise InvalidInput({"end": _("The end must not come before the start.")})
    row = MentorUnavailable(mentor=mentor, start=start, end=end, reason=(reason or "").strip())
    db.session.add(row)
    db.session.flush()
    return row


def _linked_lawyer_busy(lawyer_ids: set[int], first: date, last: date) -> dict[int, set[date]]:
    """Days a linked lawyer is on leave or visiting stations (the visits area, when it is installed)."""
    busy: dict[int, set[date]] = defaultdict(set)
    if not lawyer_ids:
        return busy
    try:
        from trainer.visits import models as visits
    except ImportError:
        return busy
    leave_model = getattr(visits, "LawyerLeave", None)
    if leave_model is not None:
        try:
            rows = db.session.scalars(select(leave_model).where(leave_model.lawyer_id.in_(lawyer_ids),
                                                                leave_model.end >= first,
                                                                leave_model.start <= last)).all()
        except AttributeError:  # a different shape than the contract: ignore rather than fail planning
            rows = []
        for row in rows:
            day = max(row.start, first)
            while day <= min(row.end, last):
                busy[row.lawyer_id].add(day)
                day += timedelta(days=1)
    visit_model = getattr(visits, "Visit", None)
    if visit_model is not None:
        try:
            stmt = select(visit_model.lawyer_id, visit_model.day).where(
                visit_model.lawyer_id.in_(lawyer_ids), visit_model.day >= first, visit_model.day <= last)
            if hasattr(visit_model, "status"):
                stmt = stmt.where(visit_model.status != "cancelled")
            for lawyer_id, day in db.session.execute(stmt).all():
                busy[lawyer_id].add(day)
        except AttributeError:
            pass
    return busy


def mentor_available_days(py: ProgrammeYear, working_days: frozenset[date]) -> dict[int, frozenset[date]]:
    """Per mentor of the year: the working days they are on duty at the centre and free."""
    links = db.session.scalars(select(CentreMentor).where(CentreMentor.programme_year_id == py.id)
                               .options(selectinload(CentreMentor.mentor).selectinload(Mentor.unavailable))).all()
    busy = _linked_lawyer_busy({link.mentor.lawyer_id for link in links if link.mentor.lawyer_id},
                               min(working_days, default=py.first_day), max(working_days, default=py.last_day))
    result = {}
    for link in links:
        if not link.mentor.active:
            continue
        off: set[date] = set()
        for row in link.mentor.unavailable:
            day = row.start
            while day <= row.end:
                off.add(day)
                day += timedelta(days=1)
        if link.mentor.lawyer_id:
            off |= busy.get(link.mentor.lawyer_id, set())
        result[link.mentor_id] = frozenset(d for d in working_days if link.on_duty(d) and d not in off)
    return result


# --- selection -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Proposal:
    union: Union
    rank: int
    certified: int
    last_year: int | None
    reason: str
    selected: bool


def propose_selection(py: ProgrammeYear) -> list[Proposal]:
    """A fair order of the district's unions: those without a certified independent mediator first, then the
    ones that have waited longest since they last sent a trainee (never = first), then by name."""
    unions = db.session.scalars(select(Union).where(Union.district_id == py.district_id)
                                .order_by(Union.name)).all()
    certified = dict(db.session.execute(
        select(Certification.union_id, func.count()).where(Certification.district_id == py.district_id)
        .group_by(Certification.union_id)).all())
    last_sent = dict(db.session.execute(
        select(Trainee.union_id, func.max(ProgrammeYear.year)).join(ProgrammeYear)
        .where(Trainee.district_id == py.district_id, ProgrammeYear.year < py.year)
        .group_by(Trainee.union_id)).all())
    chosen = {s.union_id for s in py.selections}
    kind_order = {"street": 0, "zone": 1, "industry": 2}

    def key(union: Union):
        last = last_sent.get(union.id)
        return (1 if certified.get(union.id) else 0, -1 if last is None else last, kind_order.get(union.kind, 3),
                union.name)

    proposals = []
    for rank, union in enumerate(sorted(unions, key=key), start=1):
        count, last = certified.get(union.id, 0), last_sent.get(union.id)
        parts = [_("no certified independent mediator yet") if not count
                 else _("%(n)s certified independent mediator(s)", n=count)]
        if last is None:
            parts.append(_("has never sent a trainee"))
        else:
            parts.append(_("last sent a trainee in %(year)s (%(n)s year(s) ago)", year=last, n=py.year - last))
        proposals.append(Proposal(union, rank, count, last, "；".join(parts), union.id in chosen))
    return proposals


def select_unions(py: ProgrammeYear, union_ids: list[int]) -> list[SelectedUnion]:
    """Replace the year's selection with these unions (the reason shown when chosen is kept)."""
    wanted = {int(u) for u in union_ids}
    unions = {u.id: u for u in db.session.scalars(select(Union).where(Union.id.in_(wanted)))} if wanted else {}
    if any(u.district_id != py.district_id for u in unions.values()) or len(unions) != len(wanted):
        raise InvalidInput({"union_ids": _("Choose unions of this district.")})
    reasons = {p.union.id: p.reason for p in propose_selection(py)}
    for selection in list(py.selections):
        if selection.union_id not in wanted:
            py.selections.remove(selection)
    have = {s.union_id for s in py.selections}
    for union_id in sorted(wanted - have):
        py.selections.append(SelectedUnion(union_id=union_id, reason=reasons.get(union_id, "")[:200]))
    db.session.flush()
    return list(py.selections)


# --- trainees ------------------------------------------------------------------------------------------------

def parse_dates(text: str | None) -> list[date]:
    """'2026-10-12, 2026-10-20..2026-10-22' -> the dates (a range with ..)."""
    days: set[date] = set()
    for chunk in (text or "").replace("，", ",").replace("、", ",").replace(";", ",").split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        try:
            if ".." in chunk:
                first, last = (date.fromisoformat(p.strip()) for p in chunk.split(".."))
                if last < first or (last - first).days > 366:
                    raise ValueError
                days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
            else:
                days.add(date.fromisoformat(chunk))
        except ValueError:
            raise InvalidInput({"unavailable": _("Write dates as 2026-10-12 or ranges as 2026-10-20..2026-10-22; "
                                                 "%(value)s is not one.", value=chunk)}) from None
    return sorted(days)


def format_dates(days) -> str:
    """The inverse of parse_dates: consecutive days become a range."""
    ordered = sorted(date.fromisoformat(d) if isinstance(d, str) else d for d in days or [])
    parts, i = [], 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] - ordered[j] == timedelta(days=1):
            j += 1
        parts.append(ordered[i].isoformat() if i == j else f"{ordered[i].isoformat()}..{ordered[j].isoformat()}")
        i = j + 1
    return ", ".join(parts)


def save_trainee(trainee: Trainee | None, *, py: ProgrammeYear, union_id: int, name: str,
                 phone: str | None = None, station_id: int | None = None, prior_experience: str | None = None,
                 unavailable: list[date] | None = None, version: int | None = None) -> Trainee:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the trainee's name.")
    union = db.session.get(Union, union_id) if union_id else None
    if union is None or union.district_id != py.district_id:
        errors["union_id"] = _("Choose a union of this district.")
    station = db.session.get(Station, station_id) if station_id else None
    if station_id and (station is None or (union is not None and station.union_id != union.id)):
        errors["station_id"] = _("Choose a station of the trainee's union.")
    if errors:
        raise InvalidInput(errors)
    clash = db.session.scalar(select(Trainee).where(Trainee.programme_year_id == py.id, Trainee.name == name,
                                                    Trainee.union_id == union.id))
    if clash is not None and clash is not trainee:
        raise InvalidInput({"name": _("%(name)s of this union is already enrolled this year.", name=name)})
    if trainee is None:
        trainee = Trainee(programme_year=py, district_id=py.district_id)
        db.session.add(trainee)
    else:
        check_version(trainee, version)
    trainee.union_id, trainee.station_id = union.id, station.id if station else None
    trainee.name, trainee.phone = name, (phone or "").strip() or None
    trainee.prior_experience = (prior_experience or "").strip() or None
    trainee.unavailable = [d.isoformat() for d in sorted(set(unavailable or []))]
    db.session.flush()
    return trainee


def create_trainee_account(trainee: Trainee, *, username: str, password: str) -> User:
    """A login for the trainee (role trainee, the trainee's district); they land on their rotation."""
    from trainer.auth.operations import create_user

    if trainee.user_id:
        raise InvalidInput({"username": _("%(name)s already has an account.", name=trainee.name)})
    user = create_user(username=username, display_name=trainee.name, role=Role.TRAINEE, password=password,
                       district_id=trainee.district_id, phone=trainee.phone)
    trainee.user_id = user.id
    db.session.flush()
    return user


def delete_trainee(trainee: Trainee) -> None:
    if trainee.certification is not None or trainee.evaluation is not None:
        raise InvalidInput({"trainee": _("An evaluated or certified trainee cannot be removed.")})
    if trainee.placement is not None:
        if any(day.logs for day in trainee.placement.days):
            raise InvalidInput({"trainee": _("The trainee has daily logs and cannot be removed.")})
        db.session.delete(trainee.placement)
    db.session.delete(trainee)
    db.session.flush()


def trainee_of_user(user) -> Trainee | None:
    """The trainee record of a trainee login (the latest year's when there are several)."""
    return db.session.scalar(select(Trainee).join(ProgrammeYear).where(Trainee.user_id == user.id)
                             .order_by(ProgrammeYear.year.desc()).limit(1))


def mentor_of_user(user) -> Mentor | None:
    return db.session.scalar(select(Mentor).where(Mentor.user_id == user.id))


# --- planning ------------------------------------------------------------------------------------------------

@dataclass
class PlanOutcome:
    placed: int
    unplaced: int
    moved: int
    problems: list[str]
    provisional: bool


def _working_days(py: ProgrammeYear, allow_provisional: bool) -> tuple[frozenset[date], bool]:
    from trainer.workdays import YearNotAnnounced, working_days_set

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
    from trainer.planning import rotation as solver

    if py.status == "closed":
        raise InvalidInput({"status": _("This programme year is closed; re-open it to plan.")})
    not_before = not_before or today_local()
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
    for trainee in trainees:
        placement = trainee.placement
        active = placement.active_days if placement is not None else []
        started = bool(active) and active[0].day < not_before
        earliest = max(py.first_day, not_before)
        if started:
            earliest = min(earliest, active[0].day)
        trainee_specs.append(solver.TraineeSpec(id=trainee.id, unavailable=trainee.unavailable_dates(),
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
        if _persist_placement(py, trainee, planned, provisional):
            moved += 1
    py.plan_problems = [_problem_dict(p) for p in result.problems]
    py.planned_at = now_utc()
    db.session.flush()
    names = {t.id: t.name for t in trainees}
    mentor_names = dict(db.session.execute(select(Mentor.id, Mentor.name).where(
        Mentor.id.in_(list(available)))).all())
    sentences = [problem_sentence(p, py, names, mentor_names) for p in py.plan_problems]
    return PlanOutcome(placed=len(by_trainee), unplaced=len(trainees) - len(by_trainee), moved=moved,
                       problems=sentences, provisional=provisional)


def _problem_dict(problem) -> dict:
    details = {}
    for key, value in (getattr(problem, "details", None) or {}).items():
        if isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, (set, frozenset, tuple, list)):
            value = [v.isoformat() if isinstance(v, date) else v for v in value]
        details[str(key)] = value
    return {"rule": problem.rule, "trainee_ids": list(getattr(problem, "trainee_ids", ()) or ()),
            "mentor_ids": list(getattr(problem, "lawyer_ids", ()) or ()),
            "days": [d.isoformat() for d in (getattr(problem, "days", ()) or ())], "details": details}


def _persist_placement(py: ProgrammeYear, trainee: Trainee, planned, provisional: bool) -> bool:
    """Write one trainee's planned days with the least churn; returns True when anything changed."""
    placement = trainee.placement
    if planned is None:
        if placement is None or not placement.active_days:
            return False
        for day in placement.active_days:
            if not day.logs:
                day.status, day.sequence = "cancelled", day.sequence + 1
        return True
    if placement is None:
        placement = Placement(trainee=trainee, programme_year_id=py.id, district_id=py.district_id,
                              start=planned.days[0].day, end=planned.days[-1].day)
        db.session.add(placement)
    rows = {d.day: d for d in placement.days}
    wanted = {d.day: d for d in planned.days}
    changed = False
    for number, item in enumerate(sorted(planned.days, key=lambda d: d.day), start=1):
        row = rows.get(item.day)
        if row is None:
            row = PlacementDay(day=item.day, district_id=py.district_id, phase=item.phase, mentor_id=item.mentor_id,
                               number=number)
            placement.days.append(row)
            changed = True
        elif (row.status, row.mentor_id, row.phase, row.number) != ("planned", item.mentor_id, item.phase, number):
            row.status, row.mentor_id, row.phase, row.number = "planned", item.mentor_id, item.phase, number
            row.sequence += 1
            changed = True
    for day, row in rows.items():
        if day not in wanted and row.status == "planned":
            row.status, row.sequence = "cancelled", row.sequence + 1
            changed = True
    start, end = planned.days[0].day, planned.days[-1].day
    if (placement.start, placement.end) != (start, end):
        placement.start, placement.end = start, end
        placement.sequence += 1
        changed = True
    if changed or placement.provisional != provisional:
        placement.provisional = provisional
    return changed


def set_pinned(placement: Placement, pinned: bool) -> None:
    placement.pinned = bool(pinned)
    db.session.flush()


def move_placement(placement: Placement, start: date, *, allow_provisional: bool = False) -> Placement:
    """Put a placement on the working days from ``start`` and pin it (mentors chosen on those days).

    The hard rules are checked here so that a pin never breaks them silently."""
    py = placement.programme_year
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
                                       day=hit[0].isoformat())})
    off = [d for d in days if d in placement.trainee.unavailable_dates()]
    if off:
        raise InvalidInput({"start": _("The trainee cannot come on %(day)s.", day=off[0].isoformat())})
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
        raise InvalidInput({"start": _("The centre is full on %(day)s.", day=full[0].isoformat())})
    available = mentor_available_days(py, frozenset(days))
    previous = {d.day: d.mentor_id for d in placement.active_days}
    plan = []
    for number, day in enumerate(days, start=1):
        candidates = [m for m, free in sorted(available.items())
                      if day in free and load_mentor[(m, day)] < py.mentor_max_trainees]
        if not candidates:
            raise InvalidInput({"start": _("No mentor is on duty and free on %(day)s.", day=day.isoformat())})
        # Keep the trainee with the same mentor where possible.
        keep = previous.get(day) if previous.get(day) in candidates else None
        mentor_id = keep or (plan[-1][1] if plan and plan[-1][1] in candidates else candidates[0])
        phase = "guided" if number <= py.guided_days else "independent"
        plan.append((day, mentor_id, phase))

    @dataclass(frozen=True)
    class _Day:
        day: date
        mentor_id: int
        phase: str

    @dataclass(frozen=True)
    class _Planned:
        days: tuple

    _persist_placement(py, placement.trainee, _Planned(tuple(_Day(*p) for p in plan)), provisional)
    placement.pinned = True
    db.session.flush()
    return placement


def change_day_mentor(day: PlacementDay, mentor_id: int) -> PlacementDay:
    py = day.placement.programme_year
    available = mentor_available_days(py, frozenset({day.day}))
    if day.day not in available.get(mentor_id, frozenset()):
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


def _rule_names() -> dict[str, str]:
    return {
        "window": _("outside the programme period"), "blackout": _("in a blackout period"),
        "unavailable": _("on a day the trainee cannot come"), "no_mentor": _("a day without a mentor on duty"),
        "capacity": _("over the centre's capacity"), "mentor_capacity": _("mentors fully booked"),
        "not_consecutive": _("not consecutive working days"), "placement_length": _("wrong number of days"),
    }


def _show_day(iso: str) -> str:
    from trainer.core.i18n import format_day

    try:
        return format_day(date.fromisoformat(iso))
    except (ValueError, RuntimeError):
        return iso


def problem_sentence(problem: dict, py: ProgrammeYear, names: dict[int, str] | None = None,
                     mentor_names: dict[int, str] | None = None) -> str:
    """A coordinator's sentence (in the page's language) for a stored problem: who, what, and what to do."""
    names = names or {}
    who = "、".join(names.get(t, f"#{t}") for t in problem.get("trainee_ids", [])) or _("The plan")
    days = [_show_day(d) for d in problem.get("days") or []]
    shown = "、".join(days[:3]) + ("…" if len(days) > 3 else "")
    details = problem.get("details") or {}
    rule = problem.get("rule")
    length = details.get("placement_length", py.placement_length)
    if rule == "window":
        return _("%(who)s: no run of %(n)s consecutive working days fits in the programme period that is still "
                 "open; widen the period.", who=who, n=length)
    if rule == "blackout":
        return _("%(who)s: every run of %(n)s consecutive working days left crosses a blackout period; shorten "
                 "a blackout or widen the period.", who=who, n=length)
    if rule == "unavailable":
        return _("%(who)s: the trainee's unavailable dates leave no run of %(n)s consecutive working days; ask "
                 "the trainee about other dates.", who=who, n=length)
    if rule == "no_mentor":
        if days:
            return _("%(who)s: no mentor is on duty and free on %(days)s; add a mentor's duty day or move the "
                     "placement.", who=who, days=shown)
        return _("%(who)s: no run of %(n)s working days has a mentor on duty every day; add mentors or duty "
                 "days.", who=who, n=length)
    if rule == "capacity":
        return _("%(who)s: the centre already hosts %(capacity)s trainees at a time on every possible run "
                 "(full e.g. on %(days)s); raise the capacity, widen the period or shorten a blackout.",
                 who=who, capacity=details.get("capacity", py.capacity), days=shown or "—")
    if rule == "mentor_capacity":
        return _("%(who)s: the mentors on duty already guide as many trainees as they may (full e.g. on "
                 "%(days)s); add mentors or duty days.", who=who, days=shown or "—")
    if rule == "pinned_conflict":
        labels = _rule_names()
        broken = "、".join(labels.get(r, r) for r in details.get("broken_rules", [])) or "—"
        return _("%(who)s: the pinned placement (%(first)s to %(last)s) breaks a rule: %(broken)s; move or "
                 "unpin it.", who=who, first=days[0] if days else "—", last=days[-1] if days else "—",
                 broken=broken)
    if rule == "solver_timeout":
        return _("%(who)s: the planner ran out of time; plan again.", who=who)
    label = _rule_names().get(rule, rule)
    return _("%(who)s: %(problem)s %(days)s", who=who, problem=label, days=shown).strip()


def stored_problems(py: ProgrammeYear) -> list[str]:
    if not py.plan_problems:
        return []
    names = dict(db.session.execute(select(Trainee.id, Trainee.name).where(
        Trainee.programme_year_id == py.id)).all())
    return [problem_sentence(p, py, names) for p in py.plan_problems]


# --- daily logs ------------------------------------------------------------------------------------------------

def save_case_log(case: CaseLog | None, *, day: PlacementDay, case_ref: str, category: str, role: str,
                  accepted_on: date | None, outcome: str | None = None, summary: str | None = None,
                  version: int | None = None) -> CaseLog:
    errors = {}
    case_ref = (case_ref or "").strip()
    if not case_ref:
        errors["case_ref"] = _("Give the case reference.")
    if category not in CATEGORIES:
        errors["category"] = _("Choose a dispute category.")
    if role not in CASE_ROLES:
        errors["role"] = _("Choose how you took part.")
    elif role == "independent" and day.phase != "independent":
        errors["role"] = _("Independent mediation comes only in week two; on a guided day, choose observed or "
                           "assisted.")
    if outcome and outcome not in OUTCOMES:
        errors["outcome"] = _("Choose an outcome.")
    if accepted_on is None:
        errors["accepted_on"] = _("Give the day the case was accepted.")
    elif accepted_on > day.day:
        errors["accepted_on"] = _("A case is accepted on or before the day it is logged.")
    elif (day.day - accepted_on).days > 60:
        errors["accepted_on"] = _("The case was accepted more than 60 days before this day; check the date.")
    if day.status != "planned":
        errors["day"] = _("This day is no longer part of the placement.")
    if errors:
        raise InvalidInput(errors)
    if case is None:
        case = CaseLog(placement_day=day, district_id=day.district_id)
        db.session.add(case)
    else:
        check_version(case, version)
    case.case_ref, case.category, case.role = case_ref, category, role
    case.accepted_on, case.outcome = accepted_on, outcome or None
    case.summary = (summary or "").strip() or None
    db.session.flush()
    return case


def add_remarks(case: CaseLog, remarks: str, version: int | None = None) -> CaseLog:
    check_version(case, version)
    case.mentor_remarks = (remarks or "").strip() or None
    db.session.flush()
    return case


def delete_case_log(case: CaseLog) -> None:
    db.session.delete(case)
    db.session.flush()


# --- evaluation and certification ------------------------------------------------------------------------------

def save_evaluation(trainee: Trainee, *, scores: dict[str, int], comments: dict[str, str] | None = None,
                    passed: bool, summary: str | None = None, mentor_id: int | None = None,
                    evaluated_by: User | None = None, evaluated_on: date | None = None,
                    version: int | None = None) -> Evaluation:
    errors = {}
    for name in RUBRIC:
        value = scores.get(name)
        if not isinstance(value, int) or not 1 <= value <= 5:
            errors[name] = _("Give a score from 1 to 5.")
    placement = trainee.placement
    if placement is None or not placement.active_days:
        errors["trainee"] = _("The trainee has no placement to evaluate.")
    if mentor_id is not None:
        mentor = db.session.get(Mentor, mentor_id)
        if mentor is None or mentor.district_id != trainee.district_id:
            errors["mentor_id"] = _("Choose a mentor of this district.")
    if trainee.certification is not None:
        errors["trainee"] = _("The trainee is already certified; the evaluation can no longer change.")
    if errors:
        raise InvalidInput(errors)
    evaluation = trainee.evaluation
    if evaluation is None:
        evaluation = Evaluation(trainee=trainee, district_id=trainee.district_id)
        db.session.add(evaluation)
    else:
        check_version(evaluation, version)
    for name in RUBRIC:
        setattr(evaluation, name, scores[name])
    evaluation.comments = {k: v.strip() for k, v in (comments or {}).items() if k in RUBRIC and v and v.strip()}
    evaluation.passed = bool(passed)
    evaluation.summary = (summary or "").strip() or None
    evaluation.mentor_id = mentor_id
    evaluation.evaluated_by_id = evaluated_by.id if evaluated_by is not None else None
    evaluation.evaluated_on = evaluated_on or today_local()
    db.session.flush()
    return evaluation


def _next_number(district: District, year: int) -> str:
    prefix = f"{DISTRICT_INITIALS.get(district.code, district.code[:2].upper())}-{year}-"
    numbers = db.session.scalars(select(Certification.number).where(Certification.number.like(f"{prefix}%"))).all()
    last = max((int(n.removeprefix(prefix)) for n in numbers if n.removeprefix(prefix).isdigit()), default=0)
    return f"{prefix}{last + 1:03d}"


def confirm_completion(trainee: Trainee, *, by: User | None, on: date | None = None) -> Certification:
    """The coordinator confirms the placement is complete and the evaluation passed: the trainee becomes a
    certified independent mediator of their union (认证独立调解员)."""
    on = on or today_local()
    placement = trainee.placement
    errors = {}
    if trainee.certification is not None:
        errors["trainee"] = _("%(name)s is already certified (%(number)s).", name=trainee.name,
                              number=trainee.certification.number)
    elif placement is None or not placement.active_days:
        errors["trainee"] = _("%(name)s has no placement.", name=trainee.name)
    elif placement.active_days[-1].day > on:
        errors["trainee"] = _("The placement ends on %(day)s; confirm completion after it.",
                              day=placement.active_days[-1].day.isoformat())
    elif trainee.evaluation is None:
        errors["trainee"] = _("The mentor has not evaluated %(name)s yet.", name=trainee.name)
    elif not trainee.evaluation.passed:
        errors["trainee"] = _("%(name)s did not pass the evaluation.", name=trainee.name)
    if errors:
        raise InvalidInput(errors)
    district = db.session.get(District, trainee.district_id)
    certification = Certification(trainee=trainee, district_id=trainee.district_id, union_id=trainee.union_id,
                                  certified_on=on, number=_next_number(district, trainee.programme_year.year),
                                  confirmed_by_id=by.id if by is not None else None)
    placement.completed_on = on
    db.session.add(certification)
    db.session.flush()
    return certification


# --- progress and coverage --------------------------------------------------------------------------------------

def progress(placement: Placement | None, today: date) -> tuple[int, int]:
    """(days done including today, days in all) of a placement."""
    if placement is None:
        return 0, 0
    days = placement.active_days
    return sum(1 for d in days if d.day <= today), len(days)


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
    unions = db.session.scalars(select(Union).where(Union.district_id.in_(ids)).order_by(Union.kind, Union.name)).all()
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


def years_for(district_id: int) -> list[ProgrammeYear]:
    return db.session.scalars(select(ProgrammeYear).where(ProgrammeYear.district_id == district_id)
                              .order_by(ProgrammeYear.year.desc())).all()
