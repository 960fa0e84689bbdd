"""Training hours (培训学时) and the yearly assessment (年度考核) of instructors. Callers commit."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.instructors.models import ASSESSMENT_RESULTS, Assessment, Instructor, TrainingRecord
from trainer.instructors.training import queries


def add_training(instructor: Instructor, *, year: int, course: str, hours: float,
                 day: date | None = None) -> TrainingRecord:
    course = (course or "").strip()
    if not course:
        raise InvalidInput({"course": _("Name the course.")})
    if hours is None or not (0 < hours <= 500):
        raise InvalidInput({"hours": _("Hours are between 0.5 and 500.")})
    if not (2000 <= year <= 2100):
        raise InvalidInput({"year": _("Give a year such as 2026.")})
    if day is not None and day.year != year:
        raise InvalidInput({"day": _("The day is not in %(year)s.", year=year)})
    record = TrainingRecord(instructor=instructor, year=year, course=course, hours=float(hours), day=day)
    db.session.add(record)
    db.session.flush()
    return record


def save_assessment(instructor: Instructor, *, year: int, result: str, score: float | None = None,
                    remarks: str | None = None) -> Assessment:
    if result not in ASSESSMENT_RESULTS:
        raise InvalidInput({"result": _("Unknown result.")})
    if score is not None and not (0 <= score <= 100):
        raise InvalidInput({"score": _("The score is between 0 and 100.")})
    if not (2000 <= year <= 2100):
        raise InvalidInput({"year": _("Give a year such as 2026.")})
    row = queries.assessment_of(instructor, year)
    if row is None:
        row = Assessment(instructor=instructor, year=year)
        db.session.add(row)
    row.result, row.score, row.remarks = result, score, (remarks or "").strip() or None
    db.session.flush()
    return row
