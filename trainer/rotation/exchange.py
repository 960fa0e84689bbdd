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

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.models import District
from trainer.rotation import operations
from trainer.rotation.models import (
    PHASES,
    RUBRIC,
    Certification,
    Mentor,
    MentorUnavailable,
    Placement,
    PlacementDay,
    ProgrammeYear,
    Trainee,
)

SECTION = "rotation"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def export_section(district: District) -> dict[str, Any]:
    mentors = db.session.scalars(select(Mentor).where(Mentor.district_id == district.id)
                                 .options(selectinload(Mentor.unavailable)).order_by(Mentor.name)).all()
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
                                  key=lambda item: item["mentor"] or ""),
        "selected_unions": sorted(s.union.name for s in py.selections),
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
    try:
        from trainer.visits.exchange import lawyer_ref
        from trainer.visits.models import Lawyer
    except ImportError:
        return {}
    return {lw.id: lawyer_ref(lw) for lw in db.session.scalars(select(Lawyer).where(Lawyer.id.in_(lawyer_ids)))}


# --- import ---------------------------------------------------------------------------------------------------

class _Errors(dict):
    def fail(self, where: str, message: str) -> None:
        self.setdefault(where, message)


def _date(value, errors: _Errors, where: str, *, required: bool = True) -> date | None:
    if value in (None, ""):
        if required:
            errors.fail(where, _("Required."))
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.fail(where, _("%(value)s is not an ISO date (2026-10-12).", value=value))
        return None


def _list(data: dict, key: str, errors: _Errors, where: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        errors.fail(f"{where}.{key}" if where else key, _("Must be a list."))
        return []
    return value


def import_section(district: District, data: dict, ids: dict) -> None:
    errors = _Errors()
    mentors = {m.name: m for m in db.session.scalars(select(Mentor).where(Mentor.district_id == district.id))}
    for i, item in enumerate(_list(data, "mentors", errors, "")):
        where = f"mentors[{i}]"
        if not isinstance(item, dict) or not str(item.get("name") or "").strip():
            errors.fail(f"{where}.name", _("Required."))
            continue
        name = str(item["name"]).strip()
        lawyer = ids.get(("lawyer", item.get("lawyer"))) if item.get("lawyer") else None
        if item.get("lawyer") and lawyer is None:
            errors.fail(f"{where}.lawyer", _("No lawyer %(ref)s in the visits section.", ref=item["lawyer"]))
        mentor = mentors.get(name)
        try:
            mentor = operations.save_mentor(mentor, district_id=district.id, name=name, phone=item.get("phone"),
                                            lawyer_id=lawyer.id if lawyer is not None else
                                            (mentor.lawyer_id if mentor else None),
                                            user_id=mentor.user_id if mentor else None)
        except InvalidInput as error:
            errors.update({f"{where}.{k}": v for k, v in error.fields.items()})
            continue
        mentors[name] = mentor
        have = {(u.start, u.end) for u in mentor.unavailable}
        for j, leave in enumerate(_list(item, "unavailable", errors, where)):
            start = _date(leave.get("start"), errors, f"{where}.unavailable[{j}].start")
            end = _date(leave.get("end"), errors, f"{where}.unavailable[{j}].end")
            if start and end and (start, end) not in have:
                if end < start:
                    errors.fail(f"{where}.unavailable[{j}].end", _("The end must not come before the start."))
                else:
                    db.session.add(MentorUnavailable(mentor=mentor, start=start, end=end,
                                                     reason=str(leave.get("reason") or "")[:120]))
    db.session.flush()
    for i, item in enumerate(_list(data, "years", errors, "")):
        if not isinstance(item, dict):
            errors.fail(f"years[{i}]", _("Must be an object."))
            continue
        _import_year(district, item, ids, mentors, errors, f"years[{i}]")
    if errors:
        raise InvalidInput(dict(errors))


def _import_year(district: District, item: dict, ids: dict, mentors: dict[str, Mentor], errors: _Errors,
                 where: str) -> None:
    try:
        year = int(item.get("year"))
    except (TypeError, ValueError):
        errors.fail(f"{where}.year", _("Required."))
        return
    py = db.session.scalar(select(ProgrammeYear).where(ProgrammeYear.district_id == district.id,
                                                       ProgrammeYear.year == year))
    try:
        py = operations.save_programme_year(
            py, district_id=district.id, year=year, centre_name=str(item.get("centre_name") or ""),
            centre_address=str(item.get("centre_address") or ""), trainee_target=int(item.get("trainee_target", 8)),
            capacity=int(item.get("capacity", 2)), placement_length=int(item.get("placement_length", 10)),
            mentor_max_trainees=int(item.get("mentor_max_trainees", 2)), status=str(item.get("status", "draft")),
            window_start=_date(item.get("window_start"), errors, f"{where}.window_start", required=False),
            window_end=_date(item.get("window_end"), errors, f"{where}.window_end", required=False))
    except (TypeError, ValueError):
        errors.fail(where, _("Numbers are expected for capacity, length and target."))
        return
    except InvalidInput as error:
        errors.update({f"{where}.{k}": v for k, v in error.fields.items()})
        return
    have = {(b.start, b.end, b.label) for b in py.blackouts}
    for j, blackout in enumerate(_list(item, "blackouts", errors, where)):
        start = _date(blackout.get("start"), errors, f"{where}.blackouts[{j}].start")
        end = _date(blackout.get("end"), errors, f"{where}.blackouts[{j}].end")
        label = str(blackout.get("label") or "").strip()
        if start and end and (start, end, label) not in have:
            try:
                operations.add_blackout(py, start=start, end=end, label=label)
            except InvalidInput as error:
                errors.update({f"{where}.blackouts[{j}].{k}": v for k, v in error.fields.items()})
    for j, duty in enumerate(_list(item, "mentors_on_duty", errors, where)):
        mentor = mentors.get(duty.get("mentor"))
        if mentor is None:
            errors.fail(f"{where}.mentors_on_duty[{j}].mentor", _("No mentor %(name)s in the file.",
                                                                  name=duty.get("mentor")))
            continue
        try:
            operations.assign_mentor(py, mentor, duty_weekdays=duty.get("duty_weekdays") or [0, 1, 2, 3, 4],
                                     on_makeup_days=bool(duty.get("on_makeup_days", True)))
        except (InvalidInput, TypeError, ValueError) as error:
            errors.fail(f"{where}.mentors_on_duty[{j}]", getattr(error, "message", str(error)))
    selected = []
    for j, name in enumerate(_list(item, "selected_unions", errors, where)):
        union = ids.get(("union", name))
        if union is None:
            errors.fail(f"{where}.selected_unions[{j}]", _("No union %(name)s.", name=name))
        else:
            selected.append(union.id)
    if selected:
        operations.select_unions(py, selected)
    existing = {(t.name, t.union_id): t for t in py.trainees}
    for j, entry in enumerate(_list(item, "trainees", errors, where)):
        _import_trainee(py, entry, ids, mentors, existing, errors, f"{where}.trainees[{j}]")


def _import_trainee(py: ProgrammeYear, entry: dict, ids: dict, mentors: dict[str, Mentor], existing: dict,
                    errors: _Errors, where: str) -> None:
    union = ids.get(("union", entry.get("union")))
    if union is None:
        errors.fail(f"{where}.union", _("No union %(name)s.", name=entry.get("union")))
        return
    station = ids.get(("station", entry.get("station"))) if entry.get("station") else None
    if entry.get("station") and station is None:
        errors.fail(f"{where}.station", _("No station %(name)s.", name=entry.get("station")))
        return
    unavailable = [d for d in (_date(v, errors, f"{where}.unavailable") for v in entry.get("unavailable") or []) if d]
    trainee = existing.get((str(entry.get("name") or "").strip(), union.id))
    try:
        trainee = operations.save_trainee(trainee, py=py, union_id=union.id, name=str(entry.get("name") or ""),
                                          phone=entry.get("phone"), station_id=station.id if station else None,
                                          prior_experience=entry.get("prior_experience"), unavailable=unavailable)
    except InvalidInput as error:
        errors.update({f"{where}.{k}": v for k, v in error.fields.items()})
        return
    placement_data = entry.get("placement")
    if placement_data:
        days = []
        for k, day in enumerate(placement_data.get("days") or []):
            value = _date(day.get("day"), errors, f"{where}.placement.days[{k}].day")
            mentor = mentors.get(day.get("mentor")) if day.get("mentor") else None
            if day.get("mentor") and mentor is None:
                errors.fail(f"{where}.placement.days[{k}].mentor", _("No mentor %(name)s in the file.",
                                                                     name=day.get("mentor")))
            if day.get("phase") not in PHASES:
                errors.fail(f"{where}.placement.days[{k}].phase", _("guided or independent."))
            if value:
                days.append((value, mentor.id if mentor else None, day.get("phase")))
        if days and not any(k.startswith(f"{where}.placement") for k in errors):
            _write_placement(py, trainee, sorted(days), placement_data)
    evaluation = entry.get("evaluation")
    if evaluation:
        scores = {name: evaluation.get(name) for name in RUBRIC}
        mentor = mentors.get(evaluation.get("mentor")) if evaluation.get("mentor") else None
        try:
            if trainee.certification is None:
                operations.save_evaluation(
                    trainee, scores=scores, comments=evaluation.get("comments") or {},
                    passed=bool(evaluation.get("passed")), summary=evaluation.get("summary"),
                    mentor_id=mentor.id if mentor else None,
                    evaluated_on=_date(evaluation.get("evaluated_on"), errors, f"{where}.evaluation.evaluated_on",
                                       required=False))
        except InvalidInput as error:
            errors.update({f"{where}.evaluation.{k}": v for k, v in error.fields.items()})
    certification = entry.get("certification")
    if certification and trainee.certification is None:
        number = str(certification.get("number") or "").strip()
        on = _date(certification.get("certified_on"), errors, f"{where}.certification.certified_on")
        clash = db.session.scalar(select(Certification).where(Certification.number == number))
        if not number or clash is not None:
            errors.fail(f"{where}.certification.number", _("Missing or already used certificate number."))
        elif on:
            db.session.add(Certification(trainee=trainee, district_id=trainee.district_id, union_id=union.id,
                                         certified_on=on, number=number))


def _write_placement(py: ProgrammeYear, trainee: Trainee, days: list[tuple], data: dict) -> None:
    placement = trainee.placement
    if placement is None:
        placement = Placement(trainee=trainee, programme_year_id=py.id, district_id=py.district_id,
                              start=days[0][0], end=days[-1][0])
        db.session.add(placement)
    rows = {d.day: d for d in placement.days}
    wanted = {d for d, _m, _p in days}
    for number, (day, mentor_id, phase) in enumerate(days, start=1):
        row = rows.get(day)
        if row is None:
            placement.days.append(PlacementDay(day=day, district_id=py.district_id, phase=phase,
                                               mentor_id=mentor_id, number=number))
        elif (row.status, row.mentor_id, row.phase, row.number) != ("planned", mentor_id, phase, number):
            row.status, row.mentor_id, row.phase, row.number = "planned", mentor_id, phase, number
            row.sequence += 1
    for day, row in rows.items():
        if day not in wanted and row.status == "planned":
            row.status, row.sequence = "cancelled", row.sequence + 1
    placement.start, placement.end = days[0][0], days[-1][0]
    placement.pinned = bool(data.get("pinned"))
    placement.provisional = bool(data.get("provisional"))
    if data.get("completed_on"):
        try:
            placement.completed_on = date.fromisoformat(data["completed_on"])
        except ValueError:
            pass

