"""Who may see which rotation record: staff of the district, the trainee themselves, the trainee's mentor.
Shared by the pages and the API (the role check comes first, from ``allow``)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import check_district
from trainer.core.extensions import db
from trainer.rotation import operations
from trainer.rotation.models import CaseLog, Mentor, PlacementDay, ProgrammeYear, Trainee


def is_staff() -> bool:
    return current_user.role in (Role.ADMIN, Role.COORDINATOR)


def my_mentor() -> Mentor | None:
    if current_user.role != Role.LAWYER:
        return None
    return operations.mentor_of_user(current_user)


def mentors_trainee(mentor: Mentor | None, trainee: Trainee) -> bool:
    if mentor is None or trainee.placement is None:
        return False
    return any(d.mentor_id == mentor.id for d in trainee.placement.days)


def programme_year(year_id: int) -> ProgrammeYear:
    py = db.session.get(ProgrammeYear, year_id)
    if py is None:
        abort(404)
    check_district(py.district_id)
    return py


def trainee(trainee_id: int, *, mentor_ok: bool = True, own_ok: bool = True) -> Trainee:
    """A trainee the current user may see. To a trainee, another trainee's record does not exist (404)."""
    row = db.session.get(Trainee, trainee_id)
    if row is None:
        abort(404)
    if is_staff():
        check_district(row.district_id)
    elif current_user.role == Role.TRAINEE:
        if not own_ok or row.user_id != current_user.id:
            abort(404)
    elif current_user.role == Role.LAWYER:
        if not mentor_ok or not mentors_trainee(my_mentor(), row):
            abort(404)
    else:
        abort(403)
    return row


def placement_day(day_id: int) -> PlacementDay:
    day = db.session.get(PlacementDay, day_id)
    if day is None:
        abort(404)
    trainee(day.placement.trainee_id)
    return day


def case_log(case_id: int) -> CaseLog:
    case = db.session.get(CaseLog, case_id)
    if case is None:
        abort(404)
    placement_day(case.placement_day_id)
    return case


def may_write_log(day: PlacementDay) -> bool:
    owner = day.placement.trainee
    return (current_user.role == Role.TRAINEE and owner.user_id == current_user.id) or is_staff()


def may_remark(day: PlacementDay) -> bool:
    mentor = my_mentor()
    return is_staff() or (mentor is not None and mentors_trainee(mentor, day.placement.trainee))
