"""Lawyer visits (一站一家一律师): firms, contracts, lawyers, leave, station assignments and the visits themselves."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.audit.models import Audited
from trainer.calendars.stamps import FeedSource, feed_follows
from trainer.core.clock import now_utc
from trainer.core.concurrency import Versioned
from trainer.core.extensions import db
from trainer.core.names import PinyinNamed
from trainer.org.models import Station
from trainer.visits.labels import half_label

HALVES = ("am", "pm")
# Part 2 (what happens at and after a visit) adds delivered and missed; the database already knows them.
VISIT_STATUSES = ("planned", "cancelled", "delivered", "missed")
# Why a visit did not take place (a visit where nobody came is still delivered: the lawyer was there).
MISSED_REASONS = ("lawyer_ill", "lawyer_absent", "station_closed", "emergency", "other")
ASKER_TYPES = ("enterprise", "worker")
CHANNELS = ("on_site", "phone", "online")
# The consultation categories, stored as codes (labels in trainer.visits.labels).
CATEGORIES = ("pay", "overtime", "termination", "social_insurance", "injury", "employment_relation", "rest_leave",
              "other")
REFERRALS = ("none", "mediation", "arbitration", "legal_aid")
ACTIVE_VISIT = text("status != 'cancelled'")


class Firm(Audited, Versioned, PinyinNamed, db.Model):
    """A contracted law firm (服务律所) of a district federation."""

    __tablename__ = "firms"
    __table_args__ = (UniqueConstraint("district_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(250))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    district = relationship("District")
    contracts: Mapped[list[Contract]] = relationship(back_populates="firm", order_by="Contract.start",
                                                     cascade="all, delete-orphan")
    lawyers: Mapped[list[Lawyer]] = relationship(back_populates="firm", order_by="[Lawyer.name_pinyin, Lawyer.name]")

    def contract_on(self, day: date) -> Contract | None:
        for contract in self.contracts:
            if contract.start <= day <= contract.end:
                return contract
        return None


class Contract(Audited, Versioned, db.Model):
    """A service contract (服务合同) between a district federation and a firm, for a period."""

    __tablename__ = "contracts"
    __table_args__ = (
        UniqueConstraint("firm_id", "district_id", "start"),
        CheckConstraint("end_date >= start", name="period_ordered"),
        CheckConstraint("visits_per_station_month BETWEEN 1 AND 8", name="visits_per_month_range"),
        CheckConstraint("stations_covered >= 0", name="stations_covered_positive"),
        CheckConstraint("fee_per_visit IS NULL OR fee_per_visit >= 0", name="fee_per_visit_positive"),
        CheckConstraint("fee_per_month IS NULL OR fee_per_month >= 0", name="fee_per_month_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column("end_date", Date)
    stations_covered: Mapped[int] = mapped_column(Integer, default=0)
    visits_per_station_month: Mapped[int] = mapped_column(Integer, default=2)
    hours_per_visit: Mapped[float] = mapped_column(Numeric(4, 1), default=3)
    reference: Mapped[str | None] = mapped_column(String(60))  # the contract's number (合同编号)
    # What the federation pays (元): per delivered visit and/or a fixed sum per month; the firm's monthly account
    # shows the fees of the month from them.
    fee_per_visit: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    fee_per_month: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))

    firm: Mapped[Firm] = relationship(back_populates="contracts")

    @property
    def audit_label(self) -> str:
        return f"{self.firm.name if self.firm else ''} {self.start}–{self.end}"


class Lawyer(Audited, Versioned, PinyinNamed, db.Model):
    """A lawyer (服务律师) of a contracted firm."""

    __tablename__ = "lawyers"
    __table_args__ = (
        UniqueConstraint("firm_id", "name"),
        # Lets assignments point at (lawyer, firm) so the database checks lead and backup are of the firm.
        UniqueConstraint("id", "firm_id", name="uq_lawyers_id_firm"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(20))
    specialities: Mapped[list] = mapped_column(JSON, default=list)
    # The street or area the lawyer's office is in: the assignment suggestion prefers stations nearby.
    office_area: Mapped[str | None] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    firm: Mapped[Firm] = relationship(back_populates="lawyers")
    user = relationship("User")
    leave: Mapped[list[LawyerLeave]] = relationship(back_populates="lawyer", order_by="LawyerLeave.start",
                                                    cascade="all, delete-orphan")
    allowed: Mapped[list[LawyerStation]] = relationship(back_populates="lawyer", cascade="all, delete-orphan")

    @property
    def allowed_station_ids(self) -> set[int]:
        return {link.station_id for link in self.allowed}


class LawyerStation(db.Model):
    """A station a lawyer may serve. A lawyer with none may serve any station of the district."""

    __tablename__ = "lawyer_stations"

    lawyer_id: Mapped[int] = mapped_column(ForeignKey("lawyers.id", ondelete="CASCADE"), primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id", ondelete="CASCADE"), primary_key=True)

    lawyer: Mapped[Lawyer] = relationship(back_populates="allowed")
    station = relationship("Station")


class LawyerLeave(Audited, db.Model):
    """Leave or an unavailable day (请假/不可用日). ``half`` limits a one-day leave to the morning or afternoon."""

    __tablename__ = "lawyer_leave"
    __table_args__ = (
        CheckConstraint("end_date >= start", name="period_ordered"),
        CheckConstraint("half IS NULL OR (half IN ('am', 'pm') AND end_date = start)", name="half_one_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("lawyers.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column("end_date", Date)
    half: Mapped[str | None] = mapped_column(String(2))
    reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    lawyer: Mapped[Lawyer] = relationship(back_populates="leave")

    @property
    def audit_district_id(self) -> int | None:
        return self.lawyer.district_id if self.lawyer else None

    @property
    def audit_label(self) -> str:
        return f"{self.lawyer.name if self.lawyer else ''} {self.start}–{self.end}"

    def covers(self, day: date, half: str) -> bool:
        return self.start <= day <= self.end and (self.half is None or self.half == half)


class Assignment(Audited, Versioned, db.Model):
    """A station's firm, lead lawyer and backup lawyer (一站一家一律师). One active assignment per station."""

    __tablename__ = "assignments"
    __table_args__ = (
        ForeignKeyConstraint(["lead_lawyer_id", "firm_id"], ["lawyers.id", "lawyers.firm_id"],
                             name="fk_assignments_lead_of_firm"),
        ForeignKeyConstraint(["backup_lawyer_id", "firm_id"], ["lawyers.id", "lawyers.firm_id"],
                             name="fk_assignments_backup_of_firm"),
        CheckConstraint("backup_lawyer_id IS NULL OR backup_lawyer_id != lead_lawyer_id", name="backup_differs"),
        CheckConstraint("end_date IS NULL OR end_date >= start", name="period_ordered"),
        Index("uq_assignments_active_station", "station_id", unique=True,
              sqlite_where=text("active"), postgresql_where=text("active")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    lead_lawyer_id: Mapped[int] = mapped_column(Integer, index=True)
    backup_lawyer_id: Mapped[int | None] = mapped_column(Integer, index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column("end_date", Date)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    station = relationship("Station")
    firm: Mapped[Firm] = relationship()
    lead: Mapped[Lawyer] = relationship(foreign_keys=[lead_lawyer_id],
                                        primaryjoin="Assignment.lead_lawyer_id == Lawyer.id")
    backup: Mapped[Lawyer | None] = relationship(foreign_keys=[backup_lawyer_id],
                                                 primaryjoin="Assignment.backup_lawyer_id == Lawyer.id")

    @property
    def audit_label(self) -> str:
        return self.station.name if self.station else f"#{self.id}"


class Visit(Audited, Versioned, FeedSource, db.Model):
    """A lawyer's visit (律师驻站) to a station in a half-day slot."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(f"status IN {VISIT_STATUSES!r}", name="status_known"),
        CheckConstraint("half IN ('am', 'pm')", name="half_known"),
        # The last line against a double booking: no lawyer in two places in one slot, whatever the race.
        Index("uq_visits_lawyer_slot", "lawyer_id", "day", "half", unique=True,
              sqlite_where=ACTIVE_VISIT, postgresql_where=ACTIVE_VISIT),
        Index("uq_visits_station_slot", "station_id", "day", "half", unique=True,
              sqlite_where=ACTIVE_VISIT, postgresql_where=ACTIVE_VISIT),
        Index("ix_visits_district_day", "district_id", "day"),
        CheckConstraint("checked_out_at IS NULL OR (checked_in_at IS NOT NULL AND checked_out_at > checked_in_at)",
                        name="out_after_in"),
        CheckConstraint("status != 'missed' OR missed_reason IS NOT NULL", name="missed_has_reason"),
        CheckConstraint(f"missed_reason IS NULL OR missed_reason IN {MISSED_REASONS!r}", name="missed_reason_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"))
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.id"), index=True)
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("lawyers.id"), index=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    half: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(12), default="planned")
    pinned: Mapped[bool] = mapped_column(default=False)
    by_backup: Mapped[bool] = mapped_column(default=False)
    provisional: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    # Part 2: what happened. Moments are UTC, shown in Beijing time.
    checked_in_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    checked_out_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    missed_reason: Mapped[str | None] = mapped_column(String(20))  # one of MISSED_REASONS
    missed_note: Mapped[str | None] = mapped_column(String(300))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Recorded after its slot (the lawyer forgot): why, in the lawyer's words; shown to the coordinator.
    late_reason: Mapped[str | None] = mapped_column(String(300))

    station = relationship("Station")
    lawyer: Mapped[Lawyer] = relationship()
    firm: Mapped[Firm] = relationship()
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    consultations: Mapped[list[Consultation]] = relationship(back_populates="visit", order_by="Consultation.id",
                                                             cascade="all, delete-orphan")

    @property
    def audit_label(self) -> str:
        return self.label_of(self.station.name if self.station else self.station_id, self.day,
                             half_label(self.half))

    @staticmethod
    def label_of(station: str | int, day: date, half_text: str) -> str:
        """The audit log's label of a visit, from its station's name, its day and its half-day in words."""
        return f"{station} {day} {half_text}"

    @property
    def is_active(self) -> bool:
        return self.status != "cancelled"



class PlanRun(db.Model):
    """One run of the planner: what was asked, what came out, and the problems in words for the plan page."""

    __tablename__ = "visit_plan_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    first_month: Mapped[str] = mapped_column(String(7))  # 2027-01
    last_month: Mapped[str] = mapped_column(String(7))
    mode: Mapped[str] = mapped_column(String(10))  # full | replan
    provisional: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20))
    created: Mapped[int] = mapped_column(default=0)
    moved: Mapped[int] = mapped_column(default=0)
    cancelled: Mapped[int] = mapped_column(default=0)
    kept: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list] = mapped_column(JSON, default=list)  # [{"rule", "message_zh", "message_en", ...}]
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class Consultation(Audited, Versioned, db.Model):
    """A consultation taken at a visit (咨询): who asked, how, about what, the advice and any referral.

    ``worker_name`` and ``worker_phone`` are personal data: shown only to the visit's lawyer and the district's
    coordinators (and the city admin); everyone else sees them hidden (pages, exports, API).
    """

    __tablename__ = "consultations"
    # Personal data stays out of the audit log (which more people read than the record itself).
    __audit_exclude__ = Audited.__audit_exclude__ | {"worker_name", "worker_phone"}
    __table_args__ = (
        CheckConstraint(f"asker_type IN {ASKER_TYPES!r}", name="asker_known"),
        CheckConstraint(f"channel IN {CHANNELS!r}", name="channel_known"),
        CheckConstraint(f"category IN {CATEGORIES!r}", name="category_known"),
        CheckConstraint(f"referral IN {REFERRALS!r}", name="referral_known"),
        CheckConstraint("people_count >= 1", name="people_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    asker_type: Mapped[str] = mapped_column(String(12))
    people_count: Mapped[int] = mapped_column(Integer, default=1)
    channel: Mapped[str] = mapped_column(String(10), default="on_site")
    category: Mapped[str] = mapped_column(String(24))
    question: Mapped[str] = mapped_column(Text)
    advice: Mapped[str | None] = mapped_column(Text)
    referral: Mapped[str] = mapped_column(String(12), default="none")
    follow_up: Mapped[bool] = mapped_column(default=False)
    follow_up_note: Mapped[str | None] = mapped_column(String(300))
    enterprise_name: Mapped[str | None] = mapped_column(String(160))
    worker_name: Mapped[str | None] = mapped_column(String(60))
    worker_phone: Mapped[str | None] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    visit: Mapped[Visit] = relationship(back_populates="consultations")

    @property
    def audit_label(self) -> str:
        return f"{self.visit.station.name if self.visit and self.visit.station else self.visit_id} #{self.id}"


class FirmMonthlyAccount(db.Model):
    """The snapshot of a firm's monthly account (律所月度服务台账), stored on the 1st of the next month by the job
    ``visits.monthly_accounts``; the page always computes the live figures, the snapshot is what was reported."""

    __tablename__ = "firm_monthly_accounts"
    __table_args__ = (UniqueConstraint("firm_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    firm_id: Mapped[int] = mapped_column(ForeignKey("firms.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # 2026-11
    figures: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    firm: Mapped[Firm] = relationship()


duty_pool = db.Table(
    "duty_period_lawyers",
    db.Model.metadata,
    db.Column("period_id", ForeignKey("duty_periods.id", ondelete="CASCADE"), primary_key=True),
    db.Column("lawyer_id", ForeignKey("lawyers.id", ondelete="CASCADE"), primary_key=True),
)

DEFAULT_SHIFTS = [
    {"code": "00-08", "start": "00:00", "end": "08:00", "night": True},
    {"code": "08-16", "start": "08:00", "end": "16:00", "night": False},
    {"code": "16-24", "start": "16:00", "end": "00:00", "night": False},
]


class DutyPeriod(Audited, Versioned, db.Model):
    """A special period's 24-hour telephone duty (疫情等特别时期 24小时电话值班): days, shifts, lawyers."""

    __tablename__ = "duty_periods"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="period_ordered"),
        CheckConstraint("per_shift BETWEEN 1 AND 5", name="per_shift_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    shifts: Mapped[list] = mapped_column(JSON, default=lambda: [dict(s) for s in DEFAULT_SHIFTS])
    per_shift: Mapped[int] = mapped_column(Integer, default=1)
    phone: Mapped[str | None] = mapped_column(String(40))  # the hotline number people call
    problems: Mapped[list] = mapped_column(JSON, default=list)  # of the last planning run
    planned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    district = relationship("District")
    lawyers: Mapped[list[Lawyer]] = relationship(secondary=duty_pool, order_by="[Lawyer.name_pinyin, Lawyer.name]")
    duty_shifts: Mapped[list[DutyShift]] = relationship(back_populates="period", cascade="all, delete-orphan")

    @property
    def audit_label(self) -> str:
        return self.title

    def shift_codes(self) -> list[str]:
        return [s["code"] for s in self.shifts or []]

    def shift(self, code: str) -> dict | None:
        return next((s for s in self.shifts or [] if s["code"] == code), None)


class DutyShift(Audited, FeedSource, db.Model):
    """One lawyer on one shift of one day of a duty period. A removed shift stays as cancelled (for the feeds)
    and is reused if the lawyer is put back on it."""

    __tablename__ = "duty_shifts"
    __table_args__ = (
        UniqueConstraint("period_id", "day", "shift_code", "lawyer_id"),
        CheckConstraint("status IN ('planned', 'cancelled')", name="status_known"),
        Index("ix_duty_shifts_lawyer_day", "lawyer_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("duty_periods.id", ondelete="CASCADE"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    shift_code: Mapped[str] = mapped_column(String(10))
    lawyer_id: Mapped[int] = mapped_column(ForeignKey("lawyers.id"))
    status: Mapped[str] = mapped_column(String(10), default="planned")
    pinned: Mapped[bool] = mapped_column(default=False)

    period: Mapped[DutyPeriod] = relationship(back_populates="duty_shifts")
    lawyer: Mapped[Lawyer] = relationship()

    @property
    def audit_label(self) -> str:
        return f"{self.day} {self.shift_code} {self.lawyer.name if self.lawyer else self.lawyer_id}"



# What the visit and duty events show of other rows (trainer.calendars.stamps): their changes reach the feeds.
feed_follows(Station, ("name", "address", "am_hours", "pm_hours"), Visit, lambda ids: Visit.station_id.in_(ids))
feed_follows(Lawyer, ("name",), Visit, lambda ids: Visit.lawyer_id.in_(ids))
feed_follows(Lawyer, ("name",), DutyShift, lambda ids: DutyShift.lawyer_id.in_(ids))
feed_follows(Firm, ("name",), Visit, lambda ids: Visit.firm_id.in_(ids))
feed_follows(DutyPeriod, ("title", "phone", "shifts"), DutyShift, lambda ids: DutyShift.period_id.in_(ids))
