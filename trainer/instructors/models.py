"""Instructors, their hierarchy and duties, guidance meetings, bargaining engagements, training and assessment."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Table,
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
from trainer.workdays.periods import PeriodEnd, period_end
from trainer.workdays.service import is_provisional_year

# Days are calendar days (自然日): 20 days to answer a bargaining request, 10 days to submit the signed
# contract to the labour administration (集体合同规定 第32条、第42条).
REPLY_DAYS = 20
FILING_DAYS = 10
# The contract takes effect if the labour administration raises no objection within 15 days (第47条).
NO_OBJECTION_DAYS = 15


class Tier(enum.StrEnum):
    CITY_FULL = "city_full"  # 市级专职
    DISTRICT_FULL = "district_full"  # 区级专职
    DISTRICT_PART = "district_part"  # 区级兼职


TIERS = tuple(t.value for t in Tier)
BACKGROUNDS = ("expert", "lawyer", "teacher", "social_worker", "manager")
INSTRUCTOR_STATUSES = ("active", "suspended", "ended")
AREA_KINDS = ("street", "industry", "enterprise")
PAIRS = ("city_district", "district_part")  # city -> district full-time; district full-time -> part-time
MEETING_STATUSES = ("scheduled", "cancelled")
ASSESSMENT_RESULTS = ("excellent", "competent", "basic", "not_competent")


class Stage(enum.StrEnum):
    REQUEST_SENT = "request_sent"  # 要约已发出
    AWAITING_REPLY = "awaiting_reply"  # 等待回应（20日内）
    PREPARATION = "preparation"  # 协商准备
    SESSIONS = "sessions"  # 协商会议
    SIGNED = "signed"  # 协议签订
    FILED = "filed"  # 报送备案（10日内）
    IN_FORCE = "in_force"  # 生效


STAGES = tuple(s.value for s in Stage)


def stage_index(stage: str) -> int:
    return STAGES.index(stage)


class Instructor(Audited, Versioned, PinyinNamed, db.Model):
    """A collective-bargaining instructor (集体协商指导员) of one of the three tiers.

    The hierarchy is kept in the database too: ``guide_tier`` and ``guide_district_id`` copy the guide's
    tier and district, two composite foreign keys make the copies true, and checks say which pairs are allowed
    (a district full-time instructor under a city one; a part-time one under a full-time one of the same
    district; a city instructor under nobody).
    """

    __tablename__ = "instructors"
    __table_args__ = (
        CheckConstraint(f"tier IN {TIERS!r}", name="tier_known"),
        CheckConstraint(f"background IN {BACKGROUNDS!r}", name="background_known"),
        CheckConstraint(f"status IN {INSTRUCTOR_STATUSES!r}", name="status_known"),
        CheckConstraint("(tier = 'city_full' AND district_id IS NULL) OR (tier <> 'city_full' AND district_id IS NOT NULL)",
                        name="district_for_tier"),
        CheckConstraint("(guide_id IS NULL AND guide_tier IS NULL AND guide_district_id IS NULL) OR "
                        "(tier = 'district_full' AND guide_tier = 'city_full' AND guide_district_id IS NULL) OR "
                        "(tier = 'district_part' AND guide_tier = 'district_full' AND guide_district_id = district_id)",
                        name="guide_rule"),
        CheckConstraint("guide_id IS NULL OR guide_id <> id", name="not_own_guide"),
        CheckConstraint("term_from IS NULL OR term_to IS NULL OR term_to >= term_from", name="term_ordered"),
        UniqueConstraint("id", "tier", name="uq_instructors_id_tier"),
        UniqueConstraint("id", "district_id", name="uq_instructors_id_district"),
        ForeignKeyConstraint(["guide_id", "guide_tier"], ["instructors.id", "instructors.tier"],
                             name="fk_instructors_guide_tier"),
        ForeignKeyConstraint(["guide_id", "guide_district_id"], ["instructors.id", "instructors.district_id"],
                             name="fk_instructors_guide_district"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[str] = mapped_column(String(20), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    background: Mapped[str] = mapped_column(String(20))
    specialities: Mapped[list] = mapped_column(JSON, default=list)  # industries (行业)
    term_from: Mapped[date | None] = mapped_column(Date)
    term_to: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="active")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    guide_id: Mapped[int | None] = mapped_column(ForeignKey("instructors.id"), index=True)
    guide_tier: Mapped[str | None] = mapped_column(String(20))
    guide_district_id: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    district = relationship("District")
    user = relationship("User")
    guide: Mapped[Instructor | None] = relationship(remote_side=[id], back_populates="guided",
                                                    foreign_keys=[guide_id])
    guided: Mapped[list[Instructor]] = relationship(back_populates="guide", foreign_keys=[guide_id],
                                                    order_by="[Instructor.name_pinyin, Instructor.name]")
    responsibilities: Mapped[list[Responsibility]] = relationship(
        back_populates="instructor", cascade="all, delete-orphan",
        order_by="(Responsibility.kind, Responsibility.value)")

    @property
    def active(self) -> bool:
        return self.status == "active"

    def __repr__(self) -> str:
        return f"<Instructor {self.name} {self.tier}>"


class Responsibility(Audited, db.Model):
    """One area an instructor answers for (分工职责): a street, an industry or a named enterprise."""

    __tablename__ = "instructor_responsibilities"
    __table_args__ = (
        UniqueConstraint("instructor_id", "kind", "value"),
        CheckConstraint(f"kind IN {AREA_KINDS!r}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructors.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    value: Mapped[str] = mapped_column(String(120))

    instructor: Mapped[Instructor] = relationship(back_populates="responsibilities")

    @property
    def audit_district_id(self) -> int | None:
        return self.instructor.district_id if self.instructor else None

    @property
    def audit_label(self) -> str:
        return f"{self.instructor.name if self.instructor else ''} {self.kind} {self.value}"


class MeetingSeries(Audited, Versioned, db.Model):
    """A recurring guidance meeting between tiers (指导例会), defined by an RFC 5545 recurrence rule."""

    __tablename__ = "instructor_meeting_series"
    __table_args__ = (
        CheckConstraint(f"pair IN {PAIRS!r}", name="pair_known"),
        CheckConstraint("start_time < end_time", name="times_ordered"),
        CheckConstraint("until IS NULL OR until >= starts_on", name="until_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("instructors.id"), index=True)
    pair: Mapped[str] = mapped_column(String(20))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    rrule: Mapped[str] = mapped_column(String(200))  # e.g. FREQ=MONTHLY;BYDAY=2TU
    starts_on: Mapped[date] = mapped_column(Date)
    until: Mapped[date | None] = mapped_column(Date)
    start_time: Mapped[str] = mapped_column(String(5))  # "09:30"
    end_time: Mapped[str] = mapped_column(String(5))
    location: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # The last year the expansion could not enter because its calendar is not announced (None: none).
    blocked_year: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    organiser: Mapped[Instructor] = relationship()
    district = relationship("District")
    meetings: Mapped[list[Meeting]] = relationship(back_populates="series", order_by="Meeting.day")

    @property
    def waiting_year(self) -> int | None:
        """The year the series stops before because its calendar is not announced; None once it is (the
        status follows a confirmed year at once, whatever the night job has done)."""
        if self.blocked_year and is_provisional_year(self.blocked_year):
            return self.blocked_year
        return None


class Meeting(Audited, Versioned, FeedSource, db.Model):
    """One guidance meeting: from a series (original_day = the rule's date, day = the working day it is held)
    or on its own."""

    __tablename__ = "instructor_meetings"
    __table_args__ = (
        UniqueConstraint("series_id", "original_day"),
        CheckConstraint(f"status IN {MEETING_STATUSES!r}", name="status_known"),
        CheckConstraint("start_time < end_time", name="times_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("instructor_meeting_series.id"), index=True)
    organiser_id: Mapped[int] = mapped_column(ForeignKey("instructors.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    original_day: Mapped[date | None] = mapped_column(Date)
    day: Mapped[date] = mapped_column(Date, index=True)
    # Why the day differs from the rule's: the holiday's name, or "weekend" (shown translated).
    moved_because: Mapped[str | None] = mapped_column(String(40))
    moved_by_hand: Mapped[bool] = mapped_column(Boolean, default=False)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    cancel_reason: Mapped[str | None] = mapped_column(String(200))
    minutes: Mapped[str | None] = mapped_column(Text)

    series: Mapped[MeetingSeries | None] = relationship(back_populates="meetings")
    organiser: Mapped[Instructor] = relationship()
    district = relationship("District")
    attendance: Mapped[list[MeetingAttendance]] = relationship(back_populates="meeting",
                                                               cascade="all, delete-orphan")

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


class MeetingAttendance(db.Model):
    """Who is expected at a meeting and whether they came (present None: not yet recorded)."""

    __tablename__ = "instructor_meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "instructor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("instructor_meetings.id"), index=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructors.id"), index=True)
    present: Mapped[bool | None] = mapped_column(Boolean)

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    instructor: Mapped[Instructor] = relationship()


engagement_instructors = Table(
    "engagement_instructors", db.metadata,
    Column("engagement_id", ForeignKey("instructor_engagements.id"), primary_key=True),
    Column("instructor_id", ForeignKey("instructors.id"), primary_key=True),
)


class Engagement(Audited, Versioned, FeedSource, db.Model):
    """A collective-bargaining engagement (集体协商) with one enterprise, from request to contract in force."""

    __tablename__ = "instructor_engagements"
    __table_args__ = (
        CheckConstraint(f"stage IN {STAGES!r}", name="stage_known"),
        CheckConstraint("agreement_signed_on IS NULL OR agreement_signed_on >= request_sent_on",
                        name="signed_after_request"),
        CheckConstraint("filed_on IS NULL OR (agreement_signed_on IS NOT NULL AND filed_on >= agreement_signed_on)",
                        name="filed_after_signed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    enterprise: Mapped[str] = mapped_column(String(160))
    union_name: Mapped[str] = mapped_column(String(160))
    industry: Mapped[str | None] = mapped_column(String(60))
    street: Mapped[str | None] = mapped_column(String(80))
    stage: Mapped[str] = mapped_column(String(20), default="request_sent")
    request_sent_on: Mapped[date] = mapped_column(Date)
    reply_received_on: Mapped[date | None] = mapped_column(Date)
    agreement_signed_on: Mapped[date | None] = mapped_column(Date)
    filed_on: Mapped[date | None] = mapped_column(Date)
    in_force_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    district = relationship("District")
    instructors: Mapped[list[Instructor]] = relationship(secondary=engagement_instructors,
                                                         order_by="[Instructor.name_pinyin, Instructor.name]")
    sessions: Mapped[list[BargainingSession]] = relationship(back_populates="engagement",
                                                             order_by="BargainingSession.day")

    @property
    def name(self) -> str:
        return self.enterprise

    @property
    def reply_deadline(self) -> PeriodEnd:
        """20 days from the request, moved off rest days and holidays (《民法典》第二百零三条)."""
        return period_end(self.request_sent_on, REPLY_DAYS)

    @property
    def reply_due(self) -> date:
        return self.reply_deadline.day

    @property
    def filing_deadline(self) -> PeriodEnd | None:
        """10 days from the signature, moved off rest days and holidays (《民法典》第二百零三条)."""
        return period_end(self.agreement_signed_on, FILING_DAYS) if self.agreement_signed_on else None

    @property
    def filing_due(self) -> date | None:
        deadline = self.filing_deadline
        return deadline.day if deadline else None

    @property
    def expected_in_force(self) -> date | None:
        return self.filed_on + timedelta(days=NO_OBJECTION_DAYS) if self.filed_on else None

    @property
    def reply_pending(self) -> bool:
        """The 20-day reply deadline still matters: no reply recorded and the stage has not moved past it."""
        return self.reply_received_on is None and stage_index(self.stage) <= stage_index(Stage.AWAITING_REPLY)

    @property
    def filing_pending(self) -> bool:
        return self.agreement_signed_on is not None and self.filed_on is None


class BargainingSession(Audited, Versioned, FeedSource, db.Model):
    """One bargaining session (协商会议) of an engagement; it appears on the assigned instructors' calendars."""

    __tablename__ = "instructor_bargaining_sessions"
    __table_args__ = (
        CheckConstraint(f"status IN {MEETING_STATUSES!r}", name="status_known"),
        CheckConstraint("start_time < end_time", name="times_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("instructor_engagements.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[str] = mapped_column(String(5))
    end_time: Mapped[str] = mapped_column(String(5))
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="scheduled")
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    engagement: Mapped[Engagement] = relationship(back_populates="sessions")

    @property
    def audit_label(self) -> str:
        return f"{self.engagement.enterprise if self.engagement else ''} {self.day}"


class TrainingRecord(Audited, db.Model):
    """Training an instructor attended in a year (培训学时)."""

    __tablename__ = "instructor_training"
    __table_args__ = (CheckConstraint("hours > 0 AND hours <= 500", name="hours_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructors.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    course: Mapped[str] = mapped_column(String(160))
    hours: Mapped[float] = mapped_column(Float)
    day: Mapped[date | None] = mapped_column(Date)

    instructor: Mapped[Instructor] = relationship()

    @property
    def audit_district_id(self) -> int | None:
        return self.instructor.district_id if self.instructor else None

    @property
    def audit_label(self) -> str:
        return self.course


class Assessment(Audited, Versioned, db.Model):
    """The yearly assessment of an instructor (年度考核)."""

    __tablename__ = "instructor_assessments"
    __table_args__ = (
        UniqueConstraint("instructor_id", "year"),
        CheckConstraint(f"result IN {ASSESSMENT_RESULTS!r}", name="result_known"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("instructors.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    result: Mapped[str] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    remarks: Mapped[str | None] = mapped_column(Text)

    instructor: Mapped[Instructor] = relationship()

    @property
    def audit_district_id(self) -> int | None:
        return self.instructor.district_id if self.instructor else None


def _sessions_of_instructors(ids):
    return BargainingSession.engagement_id.in_(select(engagement_instructors.c.engagement_id).where(
        engagement_instructors.c.instructor_id.in_(ids)))


# What the meeting, session and deadline events show of other rows (trainer.calendars.stamps).
feed_follows(Instructor, ("name",), Meeting, lambda ids: Meeting.organiser_id.in_(ids))
feed_follows(Instructor, ("name",), BargainingSession, _sessions_of_instructors)
feed_follows(Engagement, ("enterprise", "union_name"), BargainingSession,
             lambda ids: BargainingSession.engagement_id.in_(ids))
