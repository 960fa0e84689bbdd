"""The rotation section of the JSON programme file (``flask --app trainer export/import``).

``{"mentors": [{"name", "phone", "lawyer": "<firm>/<name>" | null, "unavailable": [{"start", "end", "reason"}]}],
   "years": [{"year", "trainee_target", "centre_name", "centre_address", "capacity", "placement_length",
              "mentor_max_trainees", "window_start", "window_end", "status",
              "blackouts": [{"start", "end", "label"}],
              "mentors_on_duty": [{"mentor", "duty_weekdays", "on_makeup_days"}],
              "selected_unions": ["<union name>", ...],
              "trainees": [{"name", "union", "station", "phone", "prior_experience", "unavailable": [dates],
                            "placement": {"pinned", "provisional", "days": [{"day", "phase", "mentor"}]} | null,
                            "evaluation": {<rubric scores>, "comments", "summary", "passed", "evaluated_on",
                                           "mentor"} | null,
                            "certification": {"number", "certified_on"} | null}]}]}``

Import matches mentors by name, years by year and trainees by (name, union) and brings them in line with the
file; every bad item is listed (``rotation.years[0].trainees[2].union``) and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.names import name_key
from trainer.core.validation import InvalidInput
from trainer.exchange.rows import Problems
from trainer.org.models import District
from trainer.rotation.logs.operations import save_evaluation
from trainer.rotation.mentors.operations import add_unavailable, assign_mentor, save_mentor
from trainer.rotation.mentors.queries import district_mentors
from trainer.rotation.models import (
    PHASES,
    RUBRIC,
    Certification,
    Mentor,
    Placement,
    ProgrammeYear,
    Trainee,
)
from trainer.rotation.placements.operations import write_placement
from trainer.rotation.trainees.operations import save_trainee
from trainer.rotation.years.operations import add_blackout, save_programme_year, select_unions
from trainer.rotation.years.queries import year_of
from trainer.visits.exchange import lawyer_ref
from trainer.visits.models import Lawyer

SECTION = "rotation"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_section(district: District) -> dict[str, Any]:
    mentors = district_mentors(district.id)
    lawyer_refs = _lawyer_refs({m.lawyer_id for m in mentors if m.lawyer_id})
    names = {m.id: m.name for m in mentors}
    years = db.session.scalars(
        select(ProgrammeYear).where(ProgrammeYear.district_id == district.id)
        .options(selectinload(ProgrammeYear.blackouts), selectinload(ProgrammeYear.centre_mentors),
                 selectinload(ProgrammeYear.selections),
                 selectinload(ProgrammeYear.trainees).selectinload(Trainee.placement).selectinload(Placement.days),
                 selectinload(ProgrammeYear.trainees).selectinload(Trainee.evaluation),
                 selectinload(ProgrammeYear.trainees).selectinload(Trainee.certification),
                 selectinload(ProgrammeYear.trainees).selectinload(Trainee.union),
                 selectinload(ProgrammeYear.trainees).selectinload(Trainee.station))
        .order_by(ProgrammeYear.year)).all()
    return {
        "mentors": [{"name": m.name, "phone": m.phone, "lawyer": lawyer_refs.get(m.lawyer_id),
                     "username": m.user.username if m.user else None,
                     "unavailable": [{"start": _iso(u.start), "end": _iso(u.end), "reason": u.reason}
                                     for u in m.unavailable]} for m in mentors],
        "years": [_export_year(py, names) for py in years],
    }


def _export_year(py: ProgrammeYear, names: dict[int, str]) -> dict:
    return {
        "year": py.year, "trainee_target": py.trainee_target, "centre_name": py.centre_name,
        "centre_address": py.centre_address, "capacity": py.capacity, "placement_length": py.placement_length,
        "mentor_max_trainees": py.mentor_max_trainees, "window_start": _iso(py.window_start),
        "window_end": _iso(py.window_end), "status": py.status,
        "blackouts": [{"start": _iso(b.start), "end": _iso(b.end), "label": b.label} for b in py.blackouts],
        "mentors_on_duty": sorted(({"mentor": names.get(link.mentor_id), "duty_weekdays": list(link.duty_weekdays),
                                    "on_makeup_days": link.on_makeup_days} for link in py.centre_mentors),
                                  key=lambda item: name_key(item["mentor"])),
        "selected_unions": sorted((s.union.name for s in py.selections), key=name_key),
        "trainees": [_export_trainee(t, names) for t in py.trainees],
    }


def _export_trainee(trainee: Trainee, names: dict[int, str]) -> dict:
    placement = trainee.placement
    evaluation = trainee.evaluation
    certification = trainee.certification
    return {
        "name": trainee.name, "union": trainee.union.name,
        "station": trainee.station.name if trainee.station else None, "phone": trainee.phone,
        "prior_experience": trainee.prior_experience, "unavailable": list(trainee.unavailable or []),
        "placement": None if placement is None or not placement.active_days else {
            "pinned": placement.pinned, "provisional": placement.provisional,
            "completed_on": _iso(placement.completed_on),
            "days": [{"day": _iso(d.day), "phase": d.phase, "mentor": names.get(d.mentor_id)}
                     for d in placement.active_days]},
        "evaluation": None if evaluation is None else {
            **{name: getattr(evaluation, name) for name in RUBRIC}, "comments": dict(evaluation.comments or {}),
            "summary": evaluation.summary, "passed": evaluation.passed,
            "evaluated_on": _iso(evaluation.evaluated_on), "mentor": names.get(evaluation.mentor_id)},
        "certification": None if certification is None else {
            "number": certification.number, "certified_on": _iso(certification.certified_on)},
    }


def _lawyer_refs(lawyer_ids: set[int]) -> dict[int, str]:
    if not lawyer_ids:
        return {}
    return {lw.id: lawyer_ref(lw) for lw in db.session.scalars(select(Lawyer).where(Lawyer.id.in_(lawyer_ids)))}


# --- import ---------------------------------------------------------------------------------------------------

YEAR_NUMBERS = {"trainee_target": 8, "capacity": 2, "placement_length": 10, "mentor_max_trainees": 2}
DUTY_WEEKDAYS = [0, 1, 2, 3, 4]


def _objects(problems: Problems, data: Any, key: str, where: str) -> Iterator[tuple[str, dict]]:
    """(place in the file, item) for each object of the list ``data[key]``; anything else is a problem."""
    for index, item in enumerate(problems.list_of(data, key, where)):
        place = f"{where}[{index}]"
        if isinstance(item, dict):
            yield place, item
        else:
            problems.add(place, _("Must be an object."))


def _known(ids: dict, kind: str, name: Any):
    """The row the file names by ``name`` in an earlier section (a union, a station, a lawyer), or None."""
    return ids.get((kind, name)) if isinstance(name, str) else None


def import_section(district: District, data: dict, ids: dict) -> None:
    problems = Problems()
    mentors = {m.name: m for m in district_mentors(district.id)}
    for where, item in _objects(problems, data, "mentors", "mentors"):
        name = problems.value(item.get("name"), f"{where}.name")
        if name is None:
            continue
        lawyer = _known(ids, "lawyer", item.get("lawyer"))
        if item.get("lawyer") and lawyer is None:
            problems.add(f"{where}.lawyer", _("No lawyer %(ref)s in the visits section.", ref=item["lawyer"]))
        mentor = mentors.get(name)
        user_id = problems.account(item, where, mentor.user_id if mentor else None)
        try:
            mentor = save_mentor(mentor, district_id=district.id, name=name, phone=item.get("phone"),
                                 lawyer_id=lawyer.id if lawyer is not None else (mentor.lawyer_id if mentor else None),
                                 user_id=user_id)
        except InvalidInput as error:
            problems.add(where, error)
            continue
        mentors[name] = mentor
        _import_leave(mentor, item, problems, where)
    db.session.flush()
    for where, item in _objects(problems, data, "years", "years"):
        _import_year(district, item, ids, mentors, problems, where)
    problems.check()


def _import_leave(mentor: Mentor, item: dict, problems: Problems, where: str) -> None:
    have = {(u.start, u.end) for u in mentor.unavailable}
    for at, leave in _objects(problems, item, "unavailable", f"{where}.unavailable"):
        start = problems.value(leave.get("start"), f"{at}.start", "date")
        end = problems.value(leave.get("end"), f"{at}.end", "date")
        if start and end and (start, end) not in have:
            try:
                add_unavailable(mentor, start=start, end=end, reason=str(leave.get("reason") or "")[:120])
            except InvalidInput as error:
                problems.add(at, error)


def _import_year(district: District, item: dict, ids: dict, mentors: dict[str, Mentor], problems: Problems,
                 where: str) -> None:
    year = problems.value(item.get("year"), f"{where}.year", "int")
    numbers = {key: problems.value(item.get(key, default), f"{where}.{key}", "int")
               for key, default in YEAR_NUMBERS.items()}
    window = [problems.value(item.get(key), f"{where}.{key}", "date", required=False)
              for key in ("window_start", "window_end")]
    if year is None or None in numbers.values():
        return
    try:
        py = save_programme_year(year_of(district.id, year), district_id=district.id, year=year,
                                 centre_name=str(item.get("centre_name") or ""),
                                 centre_address=str(item.get("centre_address") or ""),
                                 status=str(item.get("status", "draft")), window_start=window[0],
                                 window_end=window[1], **numbers)
    except InvalidInput as error:
        problems.add(where, error)
        return
    have = {(b.start, b.end, b.label) for b in py.blackouts}
    for at, blackout in _objects(problems, item, "blackouts", f"{where}.blackouts"):
        start = problems.value(blackout.get("start"), f"{at}.start", "date")
        end = problems.value(blackout.get("end"), f"{at}.end", "date")
        label = str(blackout.get("label") or "").strip()
        if start and end and (start, end, label) not in have:
            try:
                add_blackout(py, start=start, end=end, label=label)
            except InvalidInput as error:
                problems.add(at, error)
    for at, duty in _objects(problems, item, "mentors_on_duty", f"{where}.mentors_on_duty"):
        mentor = mentors.get(duty.get("mentor")) if isinstance(duty.get("mentor"), str) else None
        if mentor is None:
            problems.add(f"{at}.mentor", _("No mentor %(name)s in the file.", name=duty.get("mentor")))
            continue
        weekdays = duty.get("duty_weekdays") or DUTY_WEEKDAYS
        if not isinstance(weekdays, list) or not all(isinstance(d, int) for d in weekdays):
            problems.add(f"{at}.duty_weekdays", _("must be a list of weekday numbers (0 = Monday)"))
            continue
        try:
            assign_mentor(py, mentor, duty_weekdays=weekdays, on_makeup_days=bool(duty.get("on_makeup_days", True)))
        except InvalidInput as error:
            problems.add(at, error)
    selected = []
    for j, name in enumerate(problems.list_of(item, "selected_unions", f"{where}.selected_unions")):
        union = _known(ids, "union", name)
        if union is None:
            problems.add(f"{where}.selected_unions[{j}]", _("No union %(name)s.", name=name))
        else:
            selected.append(union.id)
    if selected:
        select_unions(py, selected)
    existing = {(t.name, t.union_id): t for t in py.trainees}
    for at, entry in _objects(problems, item, "trainees", f"{where}.trainees"):
        _import_trainee(py, entry, ids, mentors, existing, problems, at)


def _import_trainee(py: ProgrammeYear, entry: dict, ids: dict, mentors: dict[str, Mentor], existing: dict,
                    problems: Problems, where: str) -> None:
    union = _known(ids, "union", entry.get("union"))
    if union is None:
        problems.add(f"{where}.union", _("No union %(name)s.", name=entry.get("union")))
        return
    station = _known(ids, "station", entry.get("station")) if entry.get("station") else None
    if entry.get("station") and station is None:
        problems.add(f"{where}.station", _("No station %(name)s.", name=entry.get("station")))
        return
    unavailable = [problems.value(value, f"{where}.unavailable[{k}]", "date")
                   for k, value in enumerate(problems.list_of(entry, "unavailable", f"{where}.unavailable"))]
    trainee = existing.get((str(entry.get("name") or "").strip(), union.id))
    try:
        trainee = save_trainee(trainee, py=py, union_id=union.id, name=str(entry.get("name") or ""),
                               phone=entry.get("phone"), station_id=station.id if station else None,
                               prior_experience=entry.get("prior_experience"),
                               unavailable=[day for day in unavailable if day])
    except InvalidInput as error:
        problems.add(where, error)
        return
    if isinstance(entry.get("placement"), dict):
        _import_placement(py, trainee, entry["placement"], mentors, problems, f"{where}.placement")
    evaluation = entry.get("evaluation")
    if isinstance(evaluation, dict) and trainee.certification is None:
        mentor = mentors.get(evaluation.get("mentor")) if isinstance(evaluation.get("mentor"), str) else None
        evaluated_on = problems.value(evaluation.get("evaluated_on"), f"{where}.evaluation.evaluated_on", "date",
                                      required=False)
        try:
            save_evaluation(trainee, scores={name: evaluation.get(name) for name in RUBRIC},
                            comments=evaluation.get("comments") or {}, passed=bool(evaluation.get("passed")),
                            summary=evaluation.get("summary"), mentor_id=mentor.id if mentor else None,
                            evaluated_on=evaluated_on)
        except InvalidInput as error:
            problems.add(f"{where}.evaluation", error)
    certification = entry.get("certification")
    if isinstance(certification, dict) and trainee.certification is None:
        number = str(certification.get("number") or "").strip()
        on = problems.value(certification.get("certified_on"), f"{where}.certification.certified_on", "date")
        clash = db.session.scalar(select(Certification).where(Certification.number == number))
        if not number or clash is not None:
            problems.add(f"{where}.certification.number", _("Missing or already used certificate number."))
        elif on:
            db.session.add(Certification(trainee=trainee, district_id=trainee.district_id, union_id=union.id,
                                         certified_on=on, number=number))


def _import_placement(py: ProgrammeYear, trainee: Trainee, data: dict, mentors: dict[str, Mentor],
                      problems: Problems, where: str) -> None:
    before = len(problems)
    days = []
    for at, day in _objects(problems, data, "days", f"{where}.days"):
        value = problems.value(day.get("day"), f"{at}.day", "date")
        mentor = mentors.get(day.get("mentor")) if isinstance(day.get("mentor"), str) else None
        if day.get("mentor") and mentor is None:
            problems.add(f"{at}.mentor", _("No mentor %(name)s in the file.", name=day.get("mentor")))
        phase = problems.value(day.get("phase"), f"{at}.phase", "choice", choices={p: p for p in PHASES})
        if value and phase:
            days.append((value, mentor.id if mentor else None, phase))
    completed_on = problems.value(data.get("completed_on"), f"{where}.completed_on", "date", required=False)
    if not days or len(problems) > before:
        return
    write_placement(py, trainee, days, provisional=bool(data.get("provisional")))
    placement = trainee.placement
    placement.pinned = bool(data.get("pinned"))
    placement.completed_on = completed_on or placement.completed_on
