"""Where feed events come from: each area's ``trainer/<area>/feeds.py`` (see docs/architecture.md).

An area's feeds module may define, each ``(subject, start: date, end: date) -> list[FeedEvent]``:
``user_events``, ``station_events``, ``firm_events``, ``programme_year_events``; and, for the subjects of the
station / firm / programme-year feeds that it owns, ``FEED_SUBJECT_MODELS = {"firm": Firm}`` (a model with ``id``,
``district_id`` and ``name`` or ``feed_label``). Absent modules and functions are skipped, so the calendars work
whether or not an area is installed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from types import ModuleType

from sqlalchemy import select

from trainer.auth.models import User
from trainer.calendars.events import FeedEvent
from trainer.calendars.models import FeedKind
from trainer.core.areas import area_modules
from trainer.core.clock import LOCAL_TZ
from trainer.core.extensions import db
from trainer.core.names import by_name
from trainer.org.models import Station

log = logging.getLogger(__name__)

FEED_AREAS = ("visits", "rotation", "instructors")
EVENTS_FUNCTION = {
    FeedKind.USER: "user_events",
    FeedKind.STATION: "station_events",
    FeedKind.FIRM: "firm_events",
    FeedKind.PROGRAMME_YEAR: "programme_year_events",
}

# Tests inject a small module here (the areas may not exist yet); None = discover the areas' modules.
_override: list[ModuleType] | None = None


def feed_modules() -> list[ModuleType]:
    if _override is not None:
        return list(_override)
    return area_modules("feeds", FEED_AREAS)


def events_for(kind: str, subject, start: date, end: date) -> list[FeedEvent]:
    """Every area's events of one feed subject between two dates (inclusive), in start order."""
    function_name = EVENTS_FUNCTION[FeedKind(kind)]
    events: list[FeedEvent] = []
    for module in feed_modules():
        function = getattr(module, function_name, None)
        if function is not None:
            events.extend(function(subject, start, end))
    events.sort(key=_start_key)
    return events


def _local(value: datetime) -> datetime:
    if value.tzinfo is LOCAL_TZ:
        return value
    return (value if value.tzinfo else value.replace(tzinfo=LOCAL_TZ)).astimezone(LOCAL_TZ)


def _day_of(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return _local(value).date()
    return value


def _start_key(event: FeedEvent):
    start = event.start
    if isinstance(start, datetime):
        local = _local(start)
        return local.date(), local.hour * 3600 + local.minute * 60 + local.second, event.uid
    return start, -1, event.uid


def in_window(event: FeedEvent, start: date, end: date) -> bool:
    first = _day_of(event.start)
    if first > end:
        return False
    last = _day_of(event.end) if event.end else first
    return last >= start


@dataclass(frozen=True)
class Subject:
    kind: str
    id: int
    label: str
    district_id: int | None
    obj: object


def _label_of(obj) -> str:
    for attr in ("feed_label", "name", "title"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    return str(obj)


def subject_models() -> dict[str, type]:
    """The model behind each non-user feed kind that some installed area provides."""
    models: dict[str, type] = {FeedKind.STATION.value: Station}
    for module in feed_modules():
        models.update({str(kind): model for kind, model in getattr(module, "FEED_SUBJECT_MODELS", {}).items()})
    return models


def available_kinds() -> list[str]:
    """Non-user feed kinds that have both a subject model and at least one events function."""
    functions = {EVENTS_FUNCTION[FeedKind(k)] for k in FeedKind if k != FeedKind.USER}
    provided = {name for module in feed_modules() for name in functions if hasattr(module, name)}
    models = subject_models()
    return [k.value for k in FeedKind
            if k != FeedKind.USER and k.value in models and EVENTS_FUNCTION[k] in provided]


def load_subject(kind: str, subject_id: int) -> Subject | None:
    if kind == FeedKind.USER:
        user = db.session.get(User, subject_id)
        return Subject(kind, user.id, user.display_name, user.district_id, user) if user else None
    model = subject_models().get(kind)
    if model is None:
        return None
    obj = db.session.get(model, subject_id)
    if obj is None:
        return None
    return Subject(kind, obj.id, _label_of(obj), getattr(obj, "district_id", None), obj)


def subjects_of_district(kind: str, district_id: int, limit: int = 500) -> list[Subject]:
    model = subject_models().get(kind)
    if model is None or not hasattr(model, "district_id"):
        return []
    stmt = select(model).where(model.district_id == district_id)
    if hasattr(model, "active"):
        stmt = stmt.where(model.active.is_(True))
    order = model.name if hasattr(model, "name") else model.id
    rows = db.session.scalars(stmt.order_by(order).limit(limit)).all()
    subjects = [Subject(kind, obj.id, _label_of(obj), obj.district_id, obj) for obj in rows]
    return by_name(subjects, lambda subject: subject.label)  # in pinyin order, as every list of names
