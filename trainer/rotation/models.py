"""Rotation training (以干代训): programme years, the centre's mentors, trainees, placements, daily logs,
evaluations and certification of independent mediators."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.audit.models import Audited
from trainer.calendars.stamps import FeedSource, feed_follows
from trainer.core.clock import now_utc
from trainer.core.concurrency import Versioned
from trainer.core.extensions import db
from trainer.core.names import PinyinNamed
from trainer.org.models import Union

YEAR_STATUSES = ("draft", "open", "closed")
PHASES = ("guided", "independent")
DAY_STATUSES = ("planned", "cancelled")
# The same dispute categories as the consultations (劳动争议类别).
CATEGORIES = ("劳动报酬", "加班费", "解除/终止劳动合同", "社会保险", "工伤", "确认劳动关系", "休息休假", "其他")
CASE_ROLES = ("observed", "assisted", "independent")
OUTCOMES = ("agreement", "no_agreement", "withdrawn", "referred")
RUBRIC = ("law_policy", "procedure", "communication", "drafting", "independent_handling")
# The mediation time limit (调解期限): 15 days from the day the case was accepted.
MEDIATION_LIMIT_DAYS = 15
# The centre's day: a placement day (trainee and mentor) lasts from the first to the second time.
CENTRE_HOURS = ("09:00", "17:00")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class ProgrammeYear(Audited, Versioned, db.Model):
    """A district's rotation programme for one year (以干代训年度计划) at the union's mediation centre in the
    district arbitration court (区仲裁院工会劳动争议调解中心)."""

    __tablename__ = "rotation_years"
    __table_args__ = (
        UniqueConstraint("district_id", "year"),
        CheckConstraint(f"status IN {_in(YEAR_STATUSES)}", name="status_known"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("placement_length BETWEEN 2 AND 30", name="length_range"),
        CheckConstraint("trainee_target >= 0", name="target_positive"),
        CheckConstraint("mentor_max_trainees >= 1", name="mentor_load_positive"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    trainee_target: Mapped[int] = mapped_column(default=8)
    centre_name: Mapped[str] = mapped_column(String(120))
    centre_address: Mapped[str] = mapped_column(String(250), default="")
    capacity: Mapped[int] = mapped_column(default=2)
    placement_length: Mapped[int] = mapped_column(default=10)
    mentor_max_trainees: Mapped[int] = mapped_column(default=2)
    # The period in which placements may fall (default: the whole year).
    window_start: Mapped[date | None] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # The last planning run: when, and the problems it found (list of plain dicts, rendered per language).
    planned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    plan_problems: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    district = relationship("District")
    blackouts: Mapped[list[Blackout]] = relationship(back_populates="programme_year", order_by="Blackout.start",
                                                     cascade="all, delete-orphan")
    centre_mentors: Mapped[list[CentreMentor]] = relationship(back_populates="programme_year",
                                                              cascade="all, delete-orphan")
    trainees: Mapped[list[Trainee]] = relationship(back_populates="programme_year", order_by="Trainee.id")
    selections: Mapped[list[SelectedUnion]] = relationship(back_populates="programme_year",
                                                           cascade="all, delete-orphan")

    @property
    def audit_label(self) -> str:
        return f"{self.year}"

    @property
    def feed_label(self) -> str:
        """The calendar's name: 朝阳区以干代训 2027."""
        return f"{self.district.name if self.district else ''}以干代训 {self.year}"

    @property
    def first_day(self) -> date:
        return self.window_start or date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return self.window_end or date(self.year, 12, 31)

    @property
    def guided_days(self) -> int:
        """Week one (guided) is the first half of the placement; the rest is independent mediation."""
        return (self.placement_length + 1) // 2


class Blackout(Audited, db.Model):
    """A period without placements (Spring Festival, National Day, the centre's own closures)."""

    __tablename__ = "rotation_blackouts"
    __table_args__ = (CheckConstraint("end_day >= start_day", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_year_id: Mapped[int] = mapped_column(ForeignKey("rotation_years.id", ondelete="CASCADE"), index=True)
    start: Mapped[date] = mapped_column("start_day", Date)
    end: Mapped[date] = mapped_column("end_day", Date)
    label: Mapped[str] = mapped_column(String(80))

    programme_year: Mapped[ProgrammeYear] = relationship(back_populates="blackouts")

    @property
    def audit_district_id(self) -> int | None:
        return self.programme_year.district_id if self.programme_year else None

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range((self.end - self.start).days + 1)]


class Mentor(Audited, Versioned, PinyinNamed, db.Model):
    """A lawyer who mentors trainees at the centre (带教律师). ``lawyer_id`` links to the visits area's lawyer
    when there is one (then that lawyer's leave and station visits make the mentor unavailable)."""

    __tablename__ = "rotation_mentors"
    __table_args__ = (UniqueConstraint("district_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    # A reference to trainer.visits Lawyer (no FK: that area is optional).
    lawyer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    user = relationship("User")
    unavailable: Mapped[list[MentorUnavailable]] = relationship(back_populates="mentor",
                                                                order_by="MentorUnavailable.start",
                                                                cascade="all, delete-orphan")


class CentreMentor(Audited, db.Model):
    """A mentor on duty at the centre in a programme year: on which weekdays (0=Monday), and whether on
    make-up working days (调休上班日) that fall on a weekend."""

    __tablename__ = "rotation_centre_mentors"
    __table_args__ = (UniqueConstraint("programme_year_id", "mentor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_year_id: Mapped[int] = mapped_column(ForeignKey("rotation_years.id", ondelete="CASCADE"), index=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("rotation_mentors.id"), index=True)
    duty_weekdays: Mapped[list] = mapped_column(JSON, default=lambda: [0, 1, 2, 3, 4])
    on_makeup_days: Mapped[bool] = mapped_column(default=True)

    programme_year: Mapped[ProgrammeYear] = relationship(back_populates="centre_mentors")
    mentor: Mapped[Mentor] = relationship(lazy="joined")

    @property
    def audit_district_id(self) -> int | None:
        return self.programme_year.district_id if self.programme_year else None

    @property
    def audit_label(self) -> str:
        return self.mentor.name if self.mentor else f"#{self.id}"

    def on_duty(self, day: date) -> bool:
        """On duty that working day by the duty pattern (leave is checked separately)."""
        if day.weekday() >= 5:
            return bool(self.on_makeup_days)
        return day.weekday() in (self.duty_weekdays or [])


class MentorUnavailable(Audited, db.Model):
    """Days a mentor cannot mentor (leave, court hearings, ...)."""

    __tablename__ = "rotation_mentor_unavailable"
    __table_args__ = (CheckConstraint("end_day >= start_day", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("rotation_mentors.id", ondelete="CASCADE"), index=True)
    start: Mapped[date] = mapped_column("start_day", Date)
    end: Mapped[date] = mapped_column("end_day", Date)
    reason: Mapped[str] = mapped_column(String(120), default="")

    mentor: Mapped[Mentor] = relationship(back_populates="unavailable")

    @property
    def audit_district_id(self) -> int | None:
        return self.mentor.district_id if self.mentor else None


class SelectedUnion(Audited, db.Model):
    """A union chosen to send a trainee this year (选派单位), with the reason it was proposed."""

    __tablename__ = "rotation_selected_unions"
    __table_args__ = (UniqueConstraint("programme_year_id", "union_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_year_id: Mapped[int] = mapped_column(ForeignKey("rotation_years.id", ondelete="CASCADE"), index=True)
    union_id: Mapped[int] = mapped_column(ForeignKey("unions.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")

    programme_year: Mapped[ProgrammeYear] = relationship(back_populates="selections")
    union = relationship("Union", lazy="joined")

    @property
    def audit_district_id(self) -> int | None:
        return self.programme_year.district_id if self.programme_year else None


class Trainee(Audited, Versioned, PinyinNamed, db.Model):
    """A grassroots union's mediation worker on the rotation (调解员学员)."""

    __tablename__ = "rotation_trainees"
    __table_args__ = (UniqueConstraint("programme_year_id", "name", "union_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_year_id: Mapped[int] = mapped_column(ForeignKey("rotation_years.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    union_id: Mapped[int] = mapped_column(ForeignKey("unions.id"), index=True)
    station_id: Mapped[int | None] = mapped_column(ForeignKey("stations.id"))
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    prior_experience: Mapped[str | None] = mapped_column(Text)
    # Dates the trainee cannot come, as ISO strings.
    unavailable: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    programme_year: Mapped[ProgrammeYear] = relationship(back_populates="trainees")
    union = relationship("Union")
    station = relationship("Station")
    user = relationship("User")
    placement: Mapped[Placement | None] = relationship(back_populates="trainee", uselist=False)
    evaluation: Mapped[Evaluation | None] = relationship(back_populates="trainee", uselist=False)
    certification: Mapped[Certification | None] = relationship(back_populates="trainee", uselist=False)

    def unavailable_dates(self) -> frozenset[date]:
        days = set()
        for text in self.unavailable or []:
            try:
                days.add(date.fromisoformat(str(text)))
            except ValueError:
                continue
        return frozenset(days)


class Placement(Audited, FeedSource, db.Model):
    """A trainee's consecutive working days at the centre (跟班学习)."""

    __tablename__ = "rotation_placements"
    __table_args__ = (CheckConstraint("end_day >= start_day", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("rotation_trainees.id"), unique=True)
    programme_year_id: Mapped[int] = mapped_column(ForeignKey("rotation_years.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    start: Mapped[date] = mapped_column("start_day", Date, index=True)
    end: Mapped[date] = mapped_column("end_day", Date)
    pinned: Mapped[bool] = mapped_column(default=False)
    # Planned on a calendar year not yet officially announced.
    provisional: Mapped[bool] = mapped_column(default=False)
    # Set when the coordinator confirms the trainee completed the placement.
    completed_on: Mapped[date | None] = mapped_column(Date)

    trainee: Mapped[Trainee] = relationship(back_populates="placement")
    programme_year: Mapped[ProgrammeYear] = relationship()
    days: Mapped[list[PlacementDay]] = relationship(back_populates="placement", order_by="PlacementDay.day",
                                                    cascade="all, delete-orphan")

    @property
    def audit_label(self) -> str:
        return self.trainee.name if self.trainee else f"#{self.id}"

    @property
    def active_days(self) -> list[PlacementDay]:
        return [d for d in self.days if d.status == "planned"]


class PlacementDay(Audited, FeedSource, db.Model):
    """One day of a placement with its mentor; week one guided (跟班), week two independent (独立调解)."""

    __tablename__ = "rotation_placement_days"
    __table_args__ = (
        UniqueConstraint("placement_id", "day"),
        CheckConstraint(f"phase IN {_in(PHASES)}", name="phase_known"),
        CheckConstraint(f"status IN {_in(DAY_STATUSES)}", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("rotation_placements.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    number: Mapped[int] = mapped_column(default=1)  # day 1..placement_length
    phase: Mapped[str] = mapped_column(String(12))
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("rotation_mentors.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="planned")

    placement: Mapped[Placement] = relationship(back_populates="days")
    mentor: Mapped[Mentor | None] = relationship()
    logs: Mapped[list[CaseLog]] = relationship(back_populates="placement_day", order_by="CaseLog.id",
                                               cascade="all, delete-orphan")
    reflection: Mapped[DayReflection | None] = relationship(back_populates="placement_day",
                                                            cascade="all, delete-orphan")

    @property
    def audit_label(self) -> str:
        return self.day.isoformat()


class DayReflection(Audited, Versioned, db.Model):
    """The trainee's reflection on a placement day (每日心得), written on the day or later; their mentors and the
    district's staff read it, no other trainee does."""

    __tablename__ = "rotation_reflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_day_id: Mapped[int] = mapped_column(ForeignKey("rotation_placement_days.id", ondelete="CASCADE"),
                                                  unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    placement_day: Mapped[PlacementDay] = relationship(back_populates="reflection")

    @property
    def audit_label(self) -> str:
        return self.placement_day.day.isoformat() if self.placement_day else f"#{self.id}"


class CaseLog(Audited, Versioned, db.Model):
    """A case in a trainee's daily log (学习日志): observed, assisted or (week two) mediated alone."""

    __tablename__ = "rotation_case_logs"
    __table_args__ = (
        CheckConstraint(f"category IN {_in(CATEGORIES)}", name="category_known"),
        CheckConstraint(f"role IN {_in(CASE_ROLES)}", name="role_known"),
        CheckConstraint(f"outcome IS NULL OR outcome IN {_in(OUTCOMES)}", name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_day_id: Mapped[int] = mapped_column(ForeignKey("rotation_placement_days.id", ondelete="CASCADE"),
                                                  index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    case_ref: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(12))
    # None: the mediation is still under way.
    outcome: Mapped[str | None] = mapped_column(String(14))
    accepted_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)
    mentor_remarks: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    placement_day: Mapped[PlacementDay] = relationship(back_populates="logs")

    @property
    def audit_label(self) -> str:
        return self.case_ref

    @property
    def deadline(self) -> date:
        return self.accepted_on + timedelta(days=MEDIATION_LIMIT_DAYS)

    def days_left(self, today: date) -> int:
        return (self.deadline - today).days


class Evaluation(Audited, Versioned, db.Model):
    """The mentor's evaluation of a trainee (考核评价) against the five-part rubric, scores 1-5."""

    __tablename__ = "rotation_evaluations"
    __table_args__ = tuple(CheckConstraint(f"{name} BETWEEN 1 AND 5", name=f"{name}_range") for name in RUBRIC)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("rotation_trainees.id"), unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    mentor_id: Mapped[int | None] = mapped_column(ForeignKey("rotation_mentors.id"))
    law_policy: Mapped[int] = mapped_column()
    procedure: Mapped[int] = mapped_column()
    communication: Mapped[int] = mapped_column()
    drafting: Mapped[int] = mapped_column()
    independent_handling: Mapped[int] = mapped_column()
    # Per-criterion comments {criterion: text}.
    comments: Mapped[dict] = mapped_column(JSON, default=dict)
    summary: Mapped[str | None] = mapped_column(Text)
    passed: Mapped[bool] = mapped_column(default=False)
    evaluated_on: Mapped[date] = mapped_column(Date)
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    trainee: Mapped[Trainee] = relationship(back_populates="evaluation")
    mentor: Mapped[Mentor | None] = relationship()

    @property
    def audit_label(self) -> str:
        return self.trainee.name if self.trainee else f"#{self.id}"

    @property
    def total(self) -> int:
        return sum(getattr(self, name) for name in RUBRIC)


class Certification(Audited, db.Model):
    """A certified independent mediator of a union (独立调解员认证), with a unique certificate number."""

    __tablename__ = "rotation_certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("rotation_trainees.id"), unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    union_id: Mapped[int] = mapped_column(ForeignKey("unions.id"), index=True)
    certified_on: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    trainee: Mapped[Trainee] = relationship(back_populates="certification")
    union = relationship("Union")
    confirmed_by = relationship("User")

    @property
    def audit_label(self) -> str:
        return self.number


def _days_of_placements(condition):
    return PlacementDay.placement_id.in_(select(Placement.id).where(condition))


# What the placement-day events show of other rows (trainer.calendars.stamps): their changes reach the feeds.
feed_follows(Mentor, ("name",), PlacementDay, lambda ids: PlacementDay.mentor_id.in_(ids))
feed_follows(Trainee, ("name", "union_id"), PlacementDay, lambda ids: _days_of_placements(Placement.trainee_id.in_(ids)))
feed_follows(ProgrammeYear, ("centre_name", "centre_address", "placement_length"), PlacementDay,
             lambda ids: _days_of_placements(Placement.programme_year_id.in_(ids)))
feed_follows(Union, ("name",), PlacementDay, lambda ids: _days_of_placements(Placement.trainee_id.in_(
    select(Trainee.id).where(Trainee.union_id.in_(ids)))))
