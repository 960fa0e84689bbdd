"""The "instructors" section of the JSON programme file (see docs/instructors.md for the format).

Export writes the district's instructors (with the city instructors who guide them), their areas, the meeting
series (meetings are regenerated from their rules on import), engagements with sessions, training and
assessments. Import matches existing rows (instructor: name + district; engagement: enterprise + request day;
series: title + organiser) so importing the same file twice changes nothing, goes through the same operations
as the forms, and lists every bad item.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from trainer.core.extensions import db
from trainer.core.names import name_key, pinyin_order
from trainer.core.validation import InvalidInput
from trainer.exchange.rows import Problems
from trainer.instructors.duties.operations import add_responsibility
from trainer.instructors.engagements.operations import cancel_session, save_engagement, save_session
from trainer.instructors.hierarchy.operations import save_instructor
from trainer.instructors.meetings.operations import horizon, save_and_place
from trainer.instructors.models import (
    TIERS,
    Assessment,
    Engagement,
    Instructor,
    MeetingSeries,
    Tier,
    TrainingRecord,
)
from trainer.instructors.training.operations import add_training, save_assessment

SECTION = "instructors"


def _ref(p: Instructor) -> str:
    return f"instructor-{p.id}"


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _instructor_item(p: Instructor) -> dict:
    return {"id": _ref(p), "name": p.name, "tier": p.tier, "phone": p.phone, "background": p.background,
            "specialities": list(p.specialities or []), "term_from": _day(p.term_from), "term_to": _day(p.term_to),
            "status": p.status, "guide": _ref(p.guide) if p.guide else None,
            "username": p.user.username if p.user else None,
            "areas": [{"kind": a.kind, "value": a.value} for a in p.responsibilities]}


def export_section(district) -> dict:
    people = db.session.scalars(select(Instructor).where(Instructor.district_id == district.id)
                                .options(selectinload(Instructor.responsibilities), selectinload(Instructor.guide))
                                .order_by(Instructor.tier, *pinyin_order(Instructor))).all()
    people = sorted(people, key=lambda p: (TIERS.index(p.tier), name_key(p.name)))
    city = sorted({p.guide.id: p.guide for p in people if p.guide and p.guide.tier == Tier.CITY_FULL}.values(),
                  key=lambda p: p.name)
    ids = {p.id for p in people} | {p.id for p in city}
    series = db.session.scalars(select(MeetingSeries).where(MeetingSeries.district_id == district.id)
                                .order_by(MeetingSeries.id)).all()
    engagements = db.session.scalars(select(Engagement).where(Engagement.district_id == district.id)
                                     .options(selectinload(Engagement.instructors), selectinload(Engagement.sessions))
                                     .order_by(Engagement.request_sent_on, Engagement.id)).all()
    local_ids = [p.id for p in people]
    training = db.session.scalars(select(TrainingRecord).where(TrainingRecord.instructor_id.in_(local_ids))
                                  .order_by(TrainingRecord.year, TrainingRecord.id)).all()
    assessments = db.session.scalars(select(Assessment).where(Assessment.instructor_id.in_(local_ids))
                                     .order_by(Assessment.year, Assessment.id)).all()
    return {
        "city_instructors": [_instructor_item(p) | {"areas": []} for p in city],
        "instructors": [_instructor_item(p) for p in people],
        "meeting_series": [{
            "organiser": f"instructor-{s.organiser_id}" if s.organiser_id in ids else None,
            "pair": s.pair, "title": s.title, "rrule": s.rrule, "starts_on": _day(s.starts_on),
            "until": _day(s.until), "start_time": s.start_time, "end_time": s.end_time, "location": s.location,
            "active": s.active} for s in series],
        "engagements": [{
            "enterprise": e.enterprise, "union_name": e.union_name, "industry": e.industry, "street": e.street,
            "stage": e.stage, "request_sent_on": _day(e.request_sent_on),
            "reply_received_on": _day(e.reply_received_on), "agreement_signed_on": _day(e.agreement_signed_on),
            "filed_on": _day(e.filed_on), "in_force_on": _day(e.in_force_on), "notes": e.notes,
            "instructors": [_ref(p) for p in e.instructors if p.id in ids],
            "sessions": [{"day": _day(s.day), "start_time": s.start_time, "end_time": s.end_time,
                          "location": s.location, "status": s.status} for s in e.sessions]} for e in engagements],
        "training": [{"instructor": f"instructor-{t.instructor_id}", "year": t.year, "course": t.course,
                      "hours": t.hours, "day": _day(t.day)} for t in training],
        "assessments": [{"instructor": f"instructor-{a.instructor_id}", "year": a.year, "result": a.result,
                         "score": a.score, "remarks": a.remarks} for a in assessments],
    }


def _day_of(problems: Problems, item: dict, key: str, where: str, *, required: bool = False) -> date | None:
    return problems.value(item.get(key), f"{where}.{key}", "date", required=required)


def _import_instructor(item: Any, where: str, district_id: int | None, ids: dict, problems: Problems) -> None:
    if not isinstance(item, dict):
        problems.add(where, _("Must be an object."))
        return
    tier = item.get("tier")
    if tier not in TIERS:
        problems.add(f"{where}.tier", _("Unknown tier."))
        return
    own_district = None if tier == Tier.CITY_FULL else district_id
    name = str(item.get("name") or "").strip()
    existing = db.session.scalar(select(Instructor).where(
        Instructor.name == name, Instructor.district_id.is_(None) if own_district is None
        else Instructor.district_id == own_district))
    guide = None
    if item.get("guide"):
        guide = ids.get(("instructor", str(item["guide"])))
        if guide is None:
            problems.add(f"{where}.guide", _("Unknown guide %(ref)s (list guides before the people they guide).",
                                             ref=item["guide"]))
            return
    before = len(problems)
    term_from = _day_of(problems, item, "term_from", where)
    term_to = _day_of(problems, item, "term_to", where)
    if len(problems) > before:
        return
    if tier == Tier.CITY_FULL and existing is not None:
        ids[("instructor", str(item.get("id")))] = existing  # city instructors are the city's: use, never change
        return
    try:
        person = save_instructor(
            existing, tier=tier, district_id=own_district, name=name, background=item.get("background") or "",
            phone=item.get("phone"), specialities=item.get("specialities") or [], term_from=term_from,
            term_to=term_to, status=item.get("status") or "active", guide=guide,
            user_id=problems.account(item, where, existing.user_id if existing else None),
            notes=existing.notes if existing else None)
        have = {(a.kind, a.value) for a in person.responsibilities}
        for area in item.get("areas") or []:
            if isinstance(area, dict) and (area.get("kind"), str(area.get("value", "")).strip()) not in have:
                add_responsibility(person, area.get("kind"), str(area.get("value", "")))
    except InvalidInput as error:
        problems.add(where, error)
        return
    ids[("instructor", str(item.get("id")))] = person


def _import_series(district, items: list, person, problems: Problems) -> None:
    until = horizon()
    for index, item in enumerate(items):
        where = f"meeting_series[{index}]"
        organiser = person(item.get("organiser"), f"{where}.organiser") if isinstance(item, dict) else None
        starts_on = _day_of(problems, item, "starts_on", where, required=True) if isinstance(item, dict) else None
        if organiser is None or starts_on is None:
            continue
        existing = db.session.scalar(select(MeetingSeries).where(MeetingSeries.title == item.get("title"),
                                                                 MeetingSeries.organiser_id == organiser.id))
        try:
            save_and_place(
                existing, place_until=until, organiser=organiser, pair=item.get("pair"), district_id=district.id,
                title=item.get("title") or "", rrule=item.get("rrule") or "", starts_on=starts_on,
                until=_day_of(problems, item, "until", where), start_time=item.get("start_time") or "",
                end_time=item.get("end_time") or "", location=item.get("location") or "",
                active=bool(item.get("active", True)))
        except InvalidInput as error:
            problems.add(where, error)


def _import_sessions(engagement: Engagement, sessions: list, where: str, problems: Problems) -> None:
    known = {(s.day, s.start_time) for s in engagement.sessions}
    for index, session in enumerate(sessions):
        s_where = f"{where}.sessions[{index}]"
        day = _day_of(problems, session, "day", s_where, required=True)
        if day is None or (day, session.get("start_time")) in known:
            continue
        try:
            row = save_session(None, engagement=engagement, day=day, start_time=session.get("start_time") or "",
                               end_time=session.get("end_time") or "", location=session.get("location") or "")
            if session.get("status") == "cancelled":
                cancel_session(row)
        except InvalidInput as error:
            problems.add(s_where, error)


def _import_engagements(district, items: list, person, problems: Problems) -> None:
    for index, item in enumerate(items):
        where = f"engagements[{index}]"
        if not isinstance(item, dict):
            problems.add(where, _("Must be an object."))
            continue
        dates = {key: _day_of(problems, item, key, where, required=key == "request_sent_on") for key in (
            "request_sent_on", "reply_received_on", "agreement_signed_on", "filed_on", "in_force_on")}
        assigned = [person(ref, f"{where}.instructors") for ref in item.get("instructors") or []]
        if any(p is None for p in assigned) or dates["request_sent_on"] is None:
            continue
        existing = db.session.scalar(select(Engagement).where(
            Engagement.district_id == district.id, Engagement.enterprise == item.get("enterprise"),
            Engagement.request_sent_on == dates["request_sent_on"]))
        try:
            engagement = save_engagement(
                existing, district_id=district.id, enterprise=item.get("enterprise") or "",
                union_name=item.get("union_name") or "", industry=item.get("industry"), street=item.get("street"),
                stage=item.get("stage") or "", notes=item.get("notes"), instructors=assigned, **dates)
            _import_sessions(engagement, item.get("sessions") or [], where, problems)
            if item.get("stage") and engagement.stage != item["stage"]:
                engagement.stage = item["stage"]  # adding sessions must not move the recorded stage
        except InvalidInput as error:
            problems.add(where, error)


def _import_training(items: list, person, problems: Problems) -> None:
    for index, item in enumerate(items):
        where = f"training[{index}]"
        who = person(item.get("instructor"), f"{where}.instructor") if isinstance(item, dict) else None
        if who is None:
            continue
        year = problems.value(item.get("year"), f"{where}.year", "int")
        hours = problems.value(item.get("hours"), f"{where}.hours", "float")
        if year is None or hours is None:
            continue
        duplicate = db.session.scalar(select(TrainingRecord).where(
            TrainingRecord.instructor_id == who.id, TrainingRecord.year == year,
            TrainingRecord.course == str(item.get("course") or "").strip()))
        if duplicate is not None:
            continue
        try:
            add_training(who, year=year, course=str(item.get("course") or ""), hours=hours,
                         day=_day_of(problems, item, "day", where))
        except InvalidInput as error:
            problems.add(where, error)


def _import_assessments(items: list, person, problems: Problems) -> None:
    for index, item in enumerate(items):
        where = f"assessments[{index}]"
        who = person(item.get("instructor"), f"{where}.instructor") if isinstance(item, dict) else None
        if who is None:
            continue
        before = len(problems)
        year = problems.value(item.get("year"), f"{where}.year", "int")
        score = problems.value(item.get("score"), f"{where}.score", "float", required=False)
        if len(problems) > before:
            continue
        try:
            save_assessment(who, year=year, result=item.get("result") or "", score=score,
                            remarks=item.get("remarks"))
        except InvalidInput as error:
            problems.add(where, error)


def import_section(district, data: dict, ids: dict) -> None:
    problems = Problems()
    for index, item in enumerate(problems.list_of(data, "city_instructors")):
        _import_instructor(item, f"city_instructors[{index}]", None, ids, problems)
    people = problems.list_of(data, "instructors")
    # Guides first, whatever order the file has.
    order = sorted(range(len(people)), key=lambda i: TIERS.index(people[i].get("tier"))
                   if isinstance(people[i], dict) and people[i].get("tier") in TIERS else -1)
    for index in order:
        _import_instructor(people[index], f"instructors[{index}]", district.id, ids, problems)

    def person(ref, where) -> Instructor | None:
        found = ids.get(("instructor", str(ref)))
        if found is None:
            problems.add(where, _("Unknown instructor %(ref)s.", ref=ref))
        return found

    _import_series(district, problems.list_of(data, "meeting_series"), person, problems)
    _import_engagements(district, problems.list_of(data, "engagements"), person, problems)
    _import_training(problems.list_of(data, "training"), person, problems)
    _import_assessments(problems.list_of(data, "assessments"), person, problems)
    problems.check()
    db.session.flush()
