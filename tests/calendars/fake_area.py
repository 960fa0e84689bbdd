"""A tiny stand-in for an area's ``feeds.py`` (the real areas may not be installed while calendars is tested).

Its rows live in their own metadata (not the app's), so the app's schema and migrations never see them; they
inherit ``FeedSource`` like real programme data, so editing one raises the district's feed stamp.
"""

from __future__ import annotations

import types
from datetime import date, datetime, timedelta

from sqlalchemy import DateTime, Integer, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from trainer.calendars import sources
from trainer.calendars.events import FeedEvent
from trainer.calendars.stamps import FeedSource
from trainer.core.addresses import public_base
from trainer.core.clock import LOCAL_TZ, as_utc, now_utc
from trainer.core.extensions import db


class FakeBase(DeclarativeBase):
    pass


class FakeVisit(FeedSource, FakeBase):
    __tablename__ = "test_fake_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int | None] = mapped_column(Integer)
    lawyer_id: Mapped[int | None] = mapped_column(Integer)
    station_id: Mapped[int | None] = mapped_column(Integer)
    firm_id: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    all_day: Mapped[bool] = mapped_column(default=False)
    location: Mapped[str] = mapped_column(String(250), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="CONFIRMED")
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class FakeFirm(FakeBase):
    __tablename__ = "test_fake_firms"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))


def add_visit(*, district_id, lawyer_id=None, station_id=None, firm_id=None, title="律师驻站咨询",
              start: datetime | None = None, hours: int = 3, all_day=False, **extra) -> FakeVisit:
    start = start or datetime.now(LOCAL_TZ).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(days=3)
    start = as_utc(start)  # stored in UTC, like all moments in Trainer
    visit = FakeVisit(district_id=district_id, lawyer_id=lawyer_id, station_id=station_id, firm_id=firm_id,
                      title=title, starts_at=start, ends_at=start + timedelta(hours=hours), all_day=all_day,
                      **extra)
    db.session.add(visit)
    db.session.flush()
    return visit


def move_visit(visit: FakeVisit, new_start: datetime) -> None:
    """A real change: new time, SEQUENCE raised, last change now (what real areas do)."""
    length = as_utc(visit.ends_at) - as_utc(visit.starts_at)
    visit.starts_at, visit.ends_at = as_utc(new_start), as_utc(new_start) + length
    visit.sequence += 1
    visit.updated_at = now_utc()


def cancel_visit(visit: FakeVisit, when: datetime | None = None) -> None:
    visit.status = "CANCELLED"
    visit.sequence += 1
    visit.updated_at = when or now_utc()


def _event(visit: FakeVisit) -> FeedEvent:
    if visit.all_day:
        start = as_utc(visit.starts_at).astimezone(LOCAL_TZ).date()
        end = as_utc(visit.ends_at).astimezone(LOCAL_TZ).date()
    else:
        start = as_utc(visit.starts_at).astimezone(LOCAL_TZ)
        end = as_utc(visit.ends_at).astimezone(LOCAL_TZ)
    return FeedEvent(uid=f"fake-visit-{visit.id}@trainer", summary=visit.title, start=start, end=end,
                     last_modified=as_utc(visit.updated_at), sequence=visit.sequence, status=visit.status,
                     location=visit.location, description=visit.description,
                     url=f"{public_base()}/visits/{visit.id}", categories=("律师驻站",),
                     remind_user_ids=(visit.lawyer_id,) if visit.lawyer_id else ())


def _between(stmt, start: date, end: date):
    low = as_utc(datetime(start.year, start.month, start.day, tzinfo=LOCAL_TZ))
    high = as_utc(datetime(end.year, end.month, end.day, tzinfo=LOCAL_TZ) + timedelta(days=1))
    return stmt.where(FakeVisit.starts_at < high, FakeVisit.ends_at >= low).order_by(FakeVisit.starts_at)


def user_events(user, start: date, end: date) -> list[FeedEvent]:
    stmt = select(FakeVisit)
    if user.role == "coordinator":
        stmt = stmt.where(FakeVisit.district_id == user.district_id)
    elif user.role != "admin":
        stmt = stmt.where(FakeVisit.lawyer_id == user.id)
    return [_event(v) for v in db.session.scalars(_between(stmt, start, end))]


def station_events(station, start: date, end: date) -> list[FeedEvent]:
    stmt = select(FakeVisit).where(FakeVisit.station_id == station.id)
    return [_event(v) for v in db.session.scalars(_between(stmt, start, end))]


def firm_events(firm, start: date, end: date) -> list[FeedEvent]:
    stmt = select(FakeVisit).where(FakeVisit.firm_id == firm.id)
    return [_event(v) for v in db.session.scalars(_between(stmt, start, end))]


def module() -> types.ModuleType:
    fake = types.ModuleType("tests.calendars.fake_feeds")
    fake.user_events = user_events
    fake.station_events = station_events
    fake.firm_events = firm_events
    fake.FEED_SUBJECT_MODELS = {"firm": FakeFirm}
    return fake


def install():
    """Create the fake tables and make the calendars read only this area; returns an undo function."""
    FakeBase.metadata.create_all(db.engine)
    previous = sources._override
    sources._override = [module()]

    def undo():
        sources._override = previous
        db.session.rollback()
        with db.engine.begin() as conn:
            for table in reversed(FakeBase.metadata.sorted_tables):
                conn.execute(table.delete())

    return undo
