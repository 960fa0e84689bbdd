"""What the training pages and API read: a year's hours and assessments, an instructor's records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from trainer.core.extensions import db
from trainer.instructors.access import visible_instructors
from trainer.instructors.models import Assessment, Instructor, TrainingRecord


@dataclass
class YearRow:
    instructor: Instructor
    hours: float
    courses: int
    assessment: Assessment | None


def training_year(year: int, district_id: int | None) -> list[YearRow]:
    """Training hours and the assessment per instructor for one year (the district's, or the whole city)."""
    stmt = visible_instructors(select(Instructor), district_id).where(Instructor.status != "ended").order_by(
        Instructor.tier, Instructor.name)
    people = db.session.scalars(stmt).all()
    ids = [p.id for p in people]
    hours: dict[int, list[float]] = defaultdict(list)
    for record in db.session.scalars(select(TrainingRecord).where(TrainingRecord.year == year,
                                                                  TrainingRecord.instructor_id.in_(ids))):
        hours[record.instructor_id].append(record.hours)
    assessments = {a.instructor_id: a for a in db.session.scalars(
        select(Assessment).where(Assessment.year == year, Assessment.instructor_id.in_(ids)))}
    return [YearRow(p, sum(hours.get(p.id, [])), len(hours.get(p.id, [])), assessments.get(p.id)) for p in people]


def records_of(instructor: Instructor) -> list[TrainingRecord]:
    """An instructor's training, newest year first."""
    return list(db.session.scalars(select(TrainingRecord).where(TrainingRecord.instructor_id == instructor.id)
                                   .order_by(TrainingRecord.year.desc(), TrainingRecord.day, TrainingRecord.id)))


def assessments_of(instructor: Instructor) -> list[Assessment]:
    return list(db.session.scalars(select(Assessment).where(Assessment.instructor_id == instructor.id)
                                   .order_by(Assessment.year.desc())))


def assessment_of(instructor: Instructor, year: int) -> Assessment | None:
    return db.session.scalar(select(Assessment).where(Assessment.instructor_id == instructor.id,
                                                      Assessment.year == year))
