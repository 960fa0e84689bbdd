"""Districts, unions (street/area, industry, functional zone) and union service stations."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.audit.models import Audited
from trainer.core.clock import now_utc
from trainer.core.concurrency import Versioned
from trainer.core.extensions import db
from trainer.core.names import PinyinNamed

CITY_FEDERATION = "北京市总工会"


class District(db.Model):
    """A district (区) of Beijing, with its district federation (区总工会)."""

    __tablename__ = "districts"
    __table_args__ = (CheckConstraint("notice_working_days BETWEEN 0 AND 20", name="notice_sane"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(40))  # 朝阳区
    name_en: Mapped[str] = mapped_column(String(60))  # Chaoyang
    sort_order: Mapped[int] = mapped_column(default=0)
    # Minimum notice (最短提前通知期): automatic re-plans, proposals and the monthly roll-forward never place or
    # move an item on today or the next ``notice_working_days`` working days (trainer.workdays.notice_period).
    notice_working_days: Mapped[int] = mapped_column(default=2, server_default="2")

    @property
    def federation_name(self) -> str:
        return f"{self.name}总工会"

    @classmethod
    def by_code(cls, code: str | None) -> District | None:
        """The district with that code (``chaoyang``), or None: the one way a code becomes a district."""
        if not code:
            return None
        return db.session.scalar(select(cls).where(cls.code == code))

    @classmethod
    def id_of_code(cls, code: str):
        """The id of the district with that code, as a subquery to filter on in the same query."""
        return select(cls.id).where(cls.code == code).scalar_subquery()

    def __repr__(self) -> str:
        return f"<District {self.code}>"


class UnionKind(enum.StrEnum):
    STREET = "street"  # 街道/地区工会
    INDUSTRY = "industry"  # 行业工会
    ZONE = "zone"  # 功能区工会


UNION_KINDS = tuple(k.value for k in UnionKind)


class Union(Audited, Versioned, PinyinNamed, db.Model):
    """A street/area, industry or functional-zone union federation (街道/地区、行业、功能区工会) of a district."""

    __tablename__ = "unions"
    __table_args__ = (
        UniqueConstraint("district_id", "name"),
        CheckConstraint(f"kind IN {UNION_KINDS!r}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))
    # The street or town it covers (coverage reports count streets); empty for industry unions.
    street: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    district: Mapped[District] = relationship()
    stations: Mapped[list[Station]] = relationship(back_populates="union", order_by="[Station.name_pinyin, Station.name]")


# Half-day slots a station can receive in; times are the station's own (am_hours/pm_hours).
HALVES = ("am", "pm")


class Station(Audited, Versioned, PinyinNamed, db.Model):
    """A union service station (工会服务站): where lawyers take consultations."""

    __tablename__ = "stations"
    __table_args__ = (UniqueConstraint("district_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    union_id: Mapped[int] = mapped_column(ForeignKey("unions.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(250), default="")
    contact_name: Mapped[str | None] = mapped_column(String(60))
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    # Told by e-mail when the station's visits in the next 30 days are added, moved or cancelled (trainer.notices).
    contact_email: Mapped[str | None] = mapped_column(String(200))
    # Receiving half-days as ["1:am", "3:pm"] (weekday 0=Monday .. 6=Sunday).
    receiving: Mapped[list] = mapped_column(JSON, default=lambda: ["0:am", "1:am", "2:am", "3:am", "4:am",
                                                                   "0:pm", "1:pm", "2:pm", "3:pm", "4:pm"])
    am_hours: Mapped[str] = mapped_column(String(11), default="09:00-12:00")
    pm_hours: Mapped[str] = mapped_column(String(11), default="14:00-17:00")
    # Preferred rhythm as [[2, 1], [4, 1]]: 2nd and 4th Tuesday (week of month, weekday). Empty: none.
    rhythm: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)

    union: Mapped[Union] = relationship(back_populates="stations")
    district: Mapped[District] = relationship()

    def receiving_pairs(self) -> frozenset[tuple[int, str]]:
        pairs = set()
        for item in self.receiving or []:
            weekday, half = str(item).split(":")
            pairs.add((int(weekday), half))
        return frozenset(pairs)

    def hours_of(self, half: str) -> tuple[str, str]:
        start, end = (self.am_hours if half == "am" else self.pm_hours).split("-")
        return start, end
