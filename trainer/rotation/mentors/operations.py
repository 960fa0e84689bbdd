"""The centre's mentors (带教律师): who they are, on which days they are on duty in a programme year, their
leave, and the days they are free to mentor. Callers commit; operations flush."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from trainer.agenda import busy_of
from trainer.auth.models import Role, User
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.rotation.mentors.queries import centre_link, centre_links
from trainer.rotation.models import (
    CENTRE_HOURS,
    CentreMentor,
    Mentor,
    MentorUnavailable,
    Placement,
    PlacementDay,
    ProgrammeYear,
)
from trainer.visits.models import Lawyer, LawyerLeave


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
    if lawyer_id:
        _check_lawyer(mentor, district_id, lawyer_id, user_id)
    if mentor is None:
        mentor = Mentor(district_id=district_id)
        db.session.add(mentor)
    else:
        check_version(mentor, version)
    mentor.name, mentor.phone = name, (phone or "").strip() or None
    mentor.lawyer_id, mentor.user_id = lawyer_id or None, user_id or None
    db.session.flush()
    return mentor


def _check_lawyer(mentor: Mentor | None, district_id: int, lawyer_id: int, user_id: int | None) -> None:
    """A mentor is the same person as at most one lawyer of the district, and not as another mentor."""
    lawyer = db.session.get(Lawyer, lawyer_id)
    if lawyer is None or lawyer.district_id != district_id:
        raise InvalidInput({"lawyer_id": _("Choose a lawyer of this district.")})
    other = db.session.scalar(select(Mentor).where(Mentor.lawyer_id == lawyer_id))
    if other is not None and other is not mentor:
        raise InvalidInput({"lawyer_id": _("Lawyer %(lawyer)s is already the same person as mentor %(name)s.",
                                           lawyer=lawyer.name, name=other.name)})
    if user_id and lawyer.user_id and lawyer.user_id != user_id:
        raise InvalidInput({"user_id": _("Lawyer %(lawyer)s logs in with another account; choose that one or "
                                         "none.", lawyer=lawyer.name)})


def assign_mentor(py: ProgrammeYear, mentor: Mentor, *, duty_weekdays: list[int],
                  on_makeup_days: bool = True) -> CentreMentor:
    if mentor.district_id != py.district_id:
        raise InvalidInput({"mentor_id": _("Choose a mentor of this district.")})
    weekdays = sorted({int(d) for d in duty_weekdays if 0 <= int(d) <= 4})
    if not weekdays:
        raise InvalidInput({"duty_weekdays": _("Choose at least one weekday on duty.")})
    link = centre_link(py, mentor.id)
    if link is None:
        link = CentreMentor(programme_year=py, mentor=mentor)
        db.session.add(link)
    link.duty_weekdays, link.on_makeup_days = weekdays, bool(on_makeup_days)
    db.session.flush()
    return link


def save_mentor_on_duty(py: ProgrammeYear, mentor: Mentor | None, *, name: str, phone: str | None = None,
                        user_id: int | None = None, lawyer_id: int | None = None, duty_weekdays: list[int],
                        on_makeup_days: bool = True, version: int | None = None) -> Mentor:
    """The mentor form: the mentor's details, the lawyer they are (if any), and their duty at the centre in this
    programme year."""
    mentor = save_mentor(mentor, district_id=py.district_id, name=name, phone=phone, user_id=user_id,
                         lawyer_id=lawyer_id, version=version)
    assign_mentor(py, mentor, duty_weekdays=duty_weekdays, on_makeup_days=on_makeup_days)
    return mentor


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


def _linked_lawyer_leave(lawyer_ids: set[int], first: date, last: date) -> dict[int, set[date]]:
    """Days a linked lawyer (of the visits area) is on leave."""
    busy: dict[int, set[date]] = defaultdict(set)
    if not lawyer_ids:
        return busy
    leave = db.session.scalars(select(LawyerLeave).where(LawyerLeave.lawyer_id.in_(lawyer_ids),
                                                         LawyerLeave.end >= first, LawyerLeave.start <= last))
    for row in leave:
        day = max(row.start, first)
        while day <= min(row.end, last):
            busy[row.lawyer_id].add(day)
            day += timedelta(days=1)
    return busy


def busy_days(role: str, ids: set[int], py: ProgrammeYear, first: date, last: date) -> dict[int, set[date]]:
    """Days on which a mentor or trainee, as the same person, has a commitment in another programme (a station
    visit, a duty shift, a meeting, a session, another programme year's day) during the centre's hours."""
    own = f"rotation:{py.id}"
    out: dict[int, set[date]] = defaultdict(set)
    for ident, items in busy_of(role, ids, first, last, ignore=lambda c: c.scope == own).items():
        for item in items:
            day = item.start.date()
            while day <= item.end.date():
                start, end = (datetime.combine(day, time.fromisoformat(h)) for h in CENTRE_HOURS)
                if item.start < end and start < item.end:
                    out[ident].add(day)
                day += timedelta(days=1)
    return out


def mentor_available_days(py: ProgrammeYear, working_days: frozenset[date]) -> dict[int, frozenset[date]]:
    """Per mentor of the year: the working days they are on duty at the centre and free (not on leave, and not
    busy elsewhere as the same person: trainer.agenda)."""
    links = centre_links(py)
    first, last = min(working_days, default=py.first_day), max(working_days, default=py.last_day)
    leave = _linked_lawyer_leave({link.mentor.lawyer_id for link in links if link.mentor.lawyer_id}, first, last)
    busy = busy_days("mentor", {link.mentor_id for link in links}, py, first, last)
    result = {}
    for link in links:
        if not link.mentor.active:
            continue
        off: set[date] = set(busy.get(link.mentor_id, set()))
        for row in link.mentor.unavailable:
            day = row.start
            while day <= row.end:
                off.add(day)
                day += timedelta(days=1)
        if link.mentor.lawyer_id:
            off |= leave.get(link.mentor.lawyer_id, set())
        result[link.mentor_id] = frozenset(d for d in working_days if link.on_duty(d) and d not in off)
    return result
