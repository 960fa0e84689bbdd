"""The official working-day calendar (法定节假日与调休): one row per year, one row per special day.

A year with no row is either known to the ``chinese_calendar`` library (then it is loaded on first use, as
official) or not announced. Ordinary days (Monday–Friday work, weekends rest) are not stored: only the days the
State Council notice moves, holidays (放假) and make-up working days (调休上班).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.audit.models import Audited
from trainer.core.clock import now_utc
from trainer.core.extensions import db

STATUS_OFFICIAL = "official"
STATUS_DRAFT = "draft"
STATUS_NOT_ANNOUNCED = "not_announced"  # never stored: a year without a row
STATUSES = (STATUS_OFFICIAL, STATUS_DRAFT)

SOURCE_LIBRARY = "library"  # the chinese_calendar package
SOURCE_NOTICE = "notice"  # typed in from the State Council notice (the entry form)
SOURCE_FILE = "file"  # imported from a notice file (CLI or upload)
SOURCES = (SOURCE_LIBRARY, SOURCE_NOTICE, SOURCE_FILE)

KIND_HOLIDAY = "holiday"
KIND_MAKEUP = "makeup_workday"
KINDS = (KIND_HOLIDAY, KIND_MAKEUP)


def new_stamp() -> str:
    return uuid.uuid4().hex


class CalendarYear(Audited, db.Model):
    """A year of the official calendar (某年部分节假日安排): draft until an admin confirms it as official."""

    __tablename__ = "calendar_years"
    __audit_exclude__ = frozenset({"stamp"})
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES!r}", name="status_known"),
        CheckConstraint(f"source IN {SOURCES!r}", name="source_known"),
        CheckConstraint("year BETWEEN 1990 AND 2200", name="year_sane"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(String(12), default=STATUS_DRAFT)
    source: Mapped[str] = mapped_column(String(10), default=SOURCE_NOTICE)
    # The notice it comes from, e.g. 国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕7号).
    notice: Mapped[str | None] = mapped_column(Text)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
    # Changed (to a new random value) whenever the year's status or entries change: every process compares it
    # with the stamp of its cached copy, so web workers and the scheduler never keep a stale calendar.
    stamp: Mapped[str] = mapped_column(String(32), default=new_stamp)

    entries: Mapped[list[CalendarEntry]] = relationship(back_populates="calendar_year", order_by="CalendarEntry.day",
                                                        cascade="all, delete-orphan")
    confirmed_by = relationship("User")

    @property
    def audit_district_id(self) -> int | None:
        return None

    @property
    def audit_label(self) -> str:
        return str(self.year)

    def touch(self) -> None:
        self.stamp = new_stamp()
        self.updated_at = now_utc()


class CalendarEntry(Audited, db.Model):
    """One day the notice moves: a holiday (放假) or a make-up working day on a weekend (调休上班)."""

    __tablename__ = "calendar_entries"
    __table_args__ = (
        UniqueConstraint("day"),
        CheckConstraint(f"kind IN {KINDS!r}", name="kind_known"),
        Index("ix_calendar_entries_year_id_day", "year_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("calendar_years.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(40))  # 国庆节; for a make-up day the festival it makes up for
    name_en: Mapped[str] = mapped_column(String(60), default="")  # National Day
    festival: Mapped[str | None] = mapped_column(String(30))  # national_day (a stable key), None if unknown

    calendar_year: Mapped[CalendarYear] = relationship(back_populates="entries")

    @property
    def audit_district_id(self) -> int | None:
        return None

    @property
    def audit_label(self) -> str:
        return f"{self.day.isoformat()} {self.name}"


class KeptConflict(Audited, db.Model):
    """A coordinator's decision to keep a planned item where it is although it breaks a rule (保留原安排): who,
    why, when. Conflicts themselves are never stored: they are computed from what is planned now
    (``trainer.workdays.conflicts``). A decision holds while the item stays at ``place`` (its day, half-day and
    people as the area describes them) and breaks no rule other than ``rules``; once the item moves, or breaks
    another rule, it is a conflict again."""

    __tablename__ = "kept_conflicts"
    __table_args__ = (UniqueConstraint("kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # visit, placement_day, meeting ... (the area's word)
    item_id: Mapped[int]
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200))  # where the item was when it was kept
    rules: Mapped[str] = mapped_column(String(200))  # the broken rules it was kept against, comma-separated
    label: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    kept_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kept_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    district = relationship("District")
    kept_by = relationship("User")

    @property
    def audit_label(self) -> str:
        return f"{self.kind} {self.item_id} {self.day.isoformat()}"

    def rule_set(self) -> frozenset[str]:
        return frozenset(r for r in (self.rules or "").split(",") if r)
