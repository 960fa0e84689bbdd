"""Daily case logs (学习日志) and the mentor's remarks, the evaluation against the rubric (考核评价) and the
certification of independent mediators (独立调解员认证). Callers commit; operations flush."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.auth.models import User
from trainer.core.clock import now_utc, today_local
from trainer.core.concurrency import check_version
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.core.validation import InvalidInput
from trainer.org.models import District
from trainer.rotation.models import (
    CASE_ROLES,
    CATEGORIES,
    OUTCOMES,
    RUBRIC,
    CaseLog,
    Certification,
    DayReflection,
    Evaluation,
    Mentor,
    PlacementDay,
    Trainee,
)

# Certificate numbers start with the district's initials: CY-2027-001.
DISTRICT_INITIALS = {
    "dongcheng": "DC", "xicheng": "XC", "chaoyang": "CY", "haidian": "HD", "fengtai": "FT", "shijingshan": "SJS",
    "mentougou": "MTG", "fangshan": "FS", "tongzhou": "TZ", "shunyi": "SY", "changping": "CP", "daxing": "DX",
    "huairou": "HR", "pinggu": "PG", "miyun": "MY", "yanqing": "YQ",
}


def save_case_log(case: CaseLog | None, *, day: PlacementDay, case_ref: str, category: str, role: str,
                  accepted_on: date | None, outcome: str | None = None, summary: str | None = None,
                  version: int | None = None, today: date | None = None) -> CaseLog:
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
    elif day.day > (today or today_local()):
        errors["case_ref"] = _("Log the cases of %(day)s on that day or later.", day=format_day(day.day))
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


# --- the trainee's daily reflection ---------------------------------------------------------------------------

REFLECTION_MAX = 2000


def save_reflection(day: PlacementDay, *, text: str, today: date, version: int | None = None) -> DayReflection:
    """The trainee's reflection on a placement day (每日心得): on the day or later, on a day still part of the
    placement. Their mentors and the district's staff read it."""
    errors: dict[str, str] = {}
    text = (text or "").strip()
    if day.status != "planned":
        errors["text"] = _("This day is no longer part of the placement.")
    elif day.day > today:
        errors["text"] = _("Write the reflection on the day (%(day)s) or later.", day=format_day(day.day))
    elif not text:
        errors["text"] = _("Write what you learnt today.")
    elif len(text) > REFLECTION_MAX:
        errors["text"] = _("At most %(n)s characters.", n=REFLECTION_MAX)
    if errors:
        raise InvalidInput(errors)
    reflection = day.reflection
    if reflection is None:
        reflection = DayReflection(placement_day=day, district_id=day.district_id, text=text)
        db.session.add(reflection)
    else:
        check_version(reflection, version)
        if reflection.text != text:
            reflection.text = text
            reflection.updated_at = now_utc()
    db.session.flush()
    return reflection


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
    elif (evaluated_on or today_local()) < placement.active_days[-1].day:
        # "Able to mediate independently" is judged after the week of independent mediation.
        errors["trainee"] = _("The placement ends on %(day)s; the mentor evaluates on its last day or later.",
                              day=format_day(placement.active_days[-1].day))
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
                              day=format_day(placement.active_days[-1].day))
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
