"""Trainees (调解员学员): enrolment in a programme year, their dates, their login, their removal. Callers
commit; operations flush."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.auth.models import Role, User
from trainer.auth.operations import create_user
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.core.validation import InvalidInput
from trainer.org.models import Station, Union
from trainer.rotation.models import ProgrammeYear, Trainee


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
            else:
                first = last = date.fromisoformat(chunk)
        except ValueError:
            raise InvalidInput({"unavailable": _("Write dates as 2026-10-12 or ranges as 2026-10-20..2026-10-22; "
                                                 "%(value)s is not one.", value=chunk)}) from None
        if last < first:
            raise InvalidInput({"unavailable": _("In %(value)s the last day comes before the first.", value=chunk)})
        if (last - first).days > 366:
            raise InvalidInput({"unavailable": _("%(value)s is longer than a year.", value=chunk)})
        days.update(first + timedelta(days=i) for i in range((last - first).days + 1))
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
    outside = [d for d in unavailable or [] if d.year != py.year]
    if outside:
        errors["unavailable"] = _("%(day)s is not in %(year)s, the year of this rotation.",
                                  day=format_day(outside[0]), year=py.year)
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
