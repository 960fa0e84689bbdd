"""Who may see which rotation record: staff of the district (the city admin: every district), the trainee
themselves, the trainee's mentor. The one place for "this record, if the current user may see it", shared by the
pages and the API (the role check comes first, from ``allow``)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from trainer.api.helpers import load_scoped
from trainer.auth.models import Role
from trainer.auth.permissions import check_district, working_district
from trainer.core.extensions import db
from trainer.org.models import District
from trainer.rotation.coverage.operations import all_districts
from trainer.rotation.mentors.queries import centre_link, mentor_of_user
from trainer.rotation.models import (
    Blackout,
    CaseLog,
    CentreMentor,
    Certification,
    Mentor,
    Placement,
    PlacementDay,
    ProgrammeYear,
    Trainee,
)


def is_staff() -> bool:
    return current_user.role in (Role.ADMIN, Role.COORDINATOR)


def my_mentor() -> Mentor | None:
    if current_user.role != Role.LAWYER:
        return None
    return mentor_of_user(current_user)


def mentors_trainee(mentor: Mentor | None, trainee: Trainee) -> bool:
    if mentor is None or trainee.placement is None:
        return False
    return any(d.mentor_id == mentor.id for d in trainee.placement.days)


def programme_year(year_id: int) -> ProgrammeYear:
    return load_scoped(ProgrammeYear, year_id)


def blackout(blackout_id: int) -> Blackout:
    return load_scoped(Blackout, blackout_id, district_of=lambda row: row.programme_year.district_id)


def year_mentor(py: ProgrammeYear, mentor_id: int) -> Mentor:
    """A mentor of the programme year's district (404 for any other)."""
    mentor = db.get_or_404(Mentor, mentor_id)
    if mentor.district_id != py.district_id:
        abort(404)
    return mentor


def centre_mentor(py: ProgrammeYear, mentor_id: int) -> CentreMentor:
    """A mentor's duty at the centre in the programme year."""
    return present(centre_link(py, mentor_id))


def trainee(trainee_id: int, *, mentor_ok: bool = True, own_ok: bool = True) -> Trainee:
    """A trainee the current user may see. To a trainee, another trainee's record does not exist (404)."""
    row = db.get_or_404(Trainee, trainee_id)
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


def placement(placement_id: int) -> Placement:
    return load_scoped(Placement, placement_id)


def placement_day(day_id: int) -> PlacementDay:
    day = db.get_or_404(PlacementDay, day_id)
    trainee(day.placement.trainee_id)
    return day


def case_log(case_id: int) -> CaseLog:
    case = db.get_or_404(CaseLog, case_id)
    placement_day(case.placement_day_id)
    return case


def certification(certification_id: int) -> Certification:
    row = db.get_or_404(Certification, certification_id)
    trainee(row.trainee_id)
    return row


def may_write_log(day: PlacementDay) -> bool:
    """The trainee writes their own log; staff may correct it."""
    owner = day.placement.trainee
    return (current_user.role == Role.TRAINEE and owner.user_id == current_user.id) or is_staff()


def may_write_reflection(day: PlacementDay) -> bool:
    """Only the trainee writes their reflection; mentors and staff read it."""
    return current_user.role == Role.TRAINEE and day.placement.trainee.user_id == current_user.id


def may_remark(day: PlacementDay) -> bool:
    """The trainee's mentor remarks on the cases; staff may too."""
    mentor = my_mentor()
    return is_staff() or (mentor is not None and mentors_trainee(mentor, day.placement.trainee))


def case_to_write(case_id: int) -> CaseLog:
    """A logged case the current user may change or remove (403 for a mentor, who only remarks)."""
    case = case_log(case_id)
    if not may_write_log(case.placement_day):
        abort(403)
    return case


def case_to_remark(case_id: int) -> CaseLog:
    """A logged case the current user may remark on (403 for the trainee)."""
    case = case_log(case_id)
    if not may_remark(case.placement_day):
        abort(403)
    return case


def present(row):
    """The record, or 404 when there is none (a trainee's placement or evaluation not made yet)."""
    if row is None:
        abort(404)
    return row


def district_at_work() -> District:
    """The district a staff page works on (the admin's chosen one), if the user works there (else 403)."""
    district = working_district()
    check_district(district.id)
    return district


def coverage_districts(city: bool = False) -> list[District]:
    """The districts whose coverage a page shows: the city admin may ask for every district; anyone else, and the
    admin by default, gets the district at work."""
    if city and current_user.role == Role.ADMIN:
        return all_districts()
    return [district_at_work()]
