"""Conflicts derived from the present: which planned items break a hard rule now, in every programme.

Nothing about a conflict is stored. Each programme lists its planned items (visits, duty shifts, placement days,
meetings, bargaining sessions) as ``PlannedItem``s, and a list of rules says which of them break something now:
not a working day, the person on leave or unavailable, a station that does not receive then, a lawyer no longer
assigned, a person booked twice. A conflict therefore shows the item's current day and disappears by itself when
the item is moved, re-planned or cancelled, or when its day becomes valid again. The only thing stored is a
coordinator's decision to keep an item where it is (``KeptConflict``: who, why, when), which holds while the item
stays at the same place and breaks no other rule.

Plug-ins, found by name in ``trainer/<area>/calendar_checks.py`` (every area; absent names are skipped):

    planned_items(district_id: int | None, first: date, last: date) -> list[PlannedItem]
    RULES: list[Rule]           # a rule: (items to check, world) -> Iterable[Breach]
    propose(conflicts, world, open_day) -> dict[key, PlannedItem | str]   # the area's own proposals
    alternatives(item, open_day) -> Iterable[PlannedItem]                 # else: the next days, in order
    apply(moves: list[tuple[PlannedItem, PlannedItem]]) -> list[str]      # carry out (old, new); refusals
    replan(district, months) -> str                                       # re-plan the affected months
    year_became_official(year) -> None

A rule is one function. The generic rules below (``RULES``) are the working day and the double booking of one
person; an area adds its own to its ``RULES``. A rule looking across programmes (the same person's commitments in
another programme) is one more function in any area's ``RULES``: it reads ``item.people`` and the time span of
each item (``day``, ``start``, ``end``) and ``world.at(person, day)`` for everything else planned that day.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from trainer.core.areas import area_modules
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.workdays.models import KeptConflict
from trainer.workdays.service import current_lang, day_info

HORIZON_DAYS = 750  # how far ahead the conflicts list looks (plans reach at most a year or so ahead)


@dataclass(frozen=True)
class Person:
    """Someone an item occupies, in the role the programme knows them by: ("lawyer", 12), ("mentor", 3)…"""

    role: str
    id: int
    name: str = field(default="", compare=False)

    @property
    def ref(self) -> str:
        return f"{self.role}:{self.id}"


@dataclass
class PlannedItem:
    """Something a programme planned: a visit, a duty shift, a placement day, a meeting, a session."""

    kind: str  # the area's word: "visit", "duty_shift", "placement_day", "meeting", "bargaining_session"
    id: int
    day: date
    label: str  # what a coordinator recognises: "八里庄街道工会服务站 · 王律师"
    district_id: int | None
    url: str = ""
    provisional: bool = False  # planned on a provisional calendar
    half: str | None = None  # am / pm for half-day items
    start: str = "00:00"  # the time span on ``day`` (Beijing time), for double bookings
    end: str = "24:00"
    people: tuple[Person, ...] = ()
    working_day_only: bool = True  # duty shifts run every day; everything else only on working days
    share_kind: bool = False  # items of this kind may share a person (a mentor guides two trainees at once)
    version: int | None = None
    pinned: bool = False
    moved: bool = False  # a proposal or a move being checked, not the item as it is
    refs: dict = field(default_factory=dict)  # the area's own ids (station_id, period_id, …)

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.id)

    @property
    def token(self) -> str:
        return f"{self.kind}:{self.id}"

    def where(self) -> str:
        """Its place: day, half-day, times and people, e.g. "2027-02-15|am|09:00|12:00|lawyer:3"."""
        return "|".join([self.day.isoformat(), self.half or "", self.start, self.end,
                         ",".join(p.ref for p in self.people)])

    def moved_to(self, *, day: date | None = None, half: str | None = None, start: str | None = None,
                 end: str | None = None, people: tuple[Person, ...] | None = None) -> PlannedItem:
        return dataclasses.replace(
            self, day=day or self.day, half=half if half is not None else self.half, start=start or self.start,
            end=end or self.end, people=people if people is not None else self.people, moved=True,
            refs={**self.refs, "from_day": self.refs.get("from_day", self.day)})

    def person(self, role: str) -> Person | None:
        return next((p for p in self.people if p.role == role), None)


def decode_place(item: PlannedItem, text: str) -> PlannedItem | None:
    """``item`` moved to the place ``where()`` wrote (a proposal sent back by a page or the API), or None."""
    try:
        day, half, start, end, refs = text.split("|")
        people = []
        names = {p.ref: p.name for p in item.people}
        for ref in filter(None, refs.split(",")):
            role, _sep, number = ref.partition(":")
            people.append(Person(role, int(number), names.get(ref, "")))
        return item.moved_to(day=date.fromisoformat(day), half=half or None, start=start, end=end,
                             people=tuple(people))
    except (ValueError, AttributeError):
        return None


@dataclass(frozen=True)
class Breach:
    key: tuple[str, int]
    rule: str  # not_working_day, on_leave, not_receiving, not_assigned, double_booked, unavailable, …
    message: str  # in the coordinator's words


Rule = Callable[[Sequence[PlannedItem], "World"], Iterable[Breach]]


class World:
    """Everything planned in a window (one district or all), possibly with some items moved (proposals)."""

    def __init__(self, items: Iterable[PlannedItem], first: date, last: date, district_id: int | None):
        self.items: dict[tuple[str, int], PlannedItem] = {i.key: i for i in items}
        self.first, self.last, self.district_id = first, last, district_id
        self._at: dict[tuple[str, date], list[PlannedItem]] | None = None
        # What rules look up about the people of this world (e.g. who is the same person), kept while it and the
        # worlds replaced from it (proposals being checked, one candidate after another) are in use.
        self.memo: dict = {}

    def at(self, person: Person, day: date) -> list[PlannedItem]:
        """What ``person`` has planned on ``day``."""
        if self._at is None:
            self._at = defaultdict(list)
            for item in self.items.values():
                for p in item.people:
                    self._at[(p.ref, item.day)].append(item)
        return self._at.get((person.ref, day), [])

    def replaced(self, moved: dict[tuple[str, int], PlannedItem]) -> World:
        world = World([], self.first, self.last, self.district_id)
        world.items = {**self.items, **moved}
        world.memo = self.memo
        return world


@dataclass
class Proposal:
    item: PlannedItem | None  # the item where it would go; None: nothing found
    kind: str  # other_day | other_person | other_slot | none
    message: str
    notice: bool = False  # nothing found because of the minimum notice

    @property
    def place(self) -> str:
        return self.item.where() if self.item is not None else ""


@dataclass
class Conflict:
    item: PlannedItem
    breaches: list[Breach]
    kept: KeptConflict | None = None
    proposal: Proposal | None = None

    @property
    def key(self) -> tuple[str, int]:
        return self.item.key

    @property
    def rules(self) -> frozenset[str]:
        return frozenset(b.rule for b in self.breaches)

    @property
    def reason(self) -> str:
        return " ".join(dict.fromkeys(b.message for b in self.breaches))


# ------------------------------------------------------------------------------------------------ the rules

def not_working_day(items: Sequence[PlannedItem], world: World) -> Iterable[Breach]:
    """An item that needs a working day sits on a holiday or a weekend (the provisional calendar where a year is
    not announced: its computed festival days count)."""
    language = current_lang()
    days: dict[date, object] = {}
    for item in items:
        if not item.working_day_only:
            continue
        if item.day not in days:
            days[item.day] = day_info(item.day, allow_provisional=True)
        info = days[item.day]
        if info.working:
            continue
        if info.kind == "holiday":
            name = info.name_in(language) or ""
            if info.estimated:
                text = _("%(day)s is %(name)s (estimated: the holidays of %(year)s are not announced yet).",
                         day=format_day(item.day), name=name, year=item.day.year)
            else:
                text = _("%(day)s is a holiday (%(name)s).", day=format_day(item.day), name=name)
        else:
            text = _("%(day)s is a rest day, not a working day.", day=format_day(item.day))
        yield Breach(item.key, "not_working_day", text)


KIND_RANK = {"duty_shift": 0, "bargaining_session": 1, "meeting": 2, "placement_day": 3, "visit": 4}


def overlaps(a: PlannedItem, b: PlannedItem) -> bool:
    return a.day == b.day and a.start < b.end and b.start < a.end


def holds_first(other: PlannedItem, item: PlannedItem) -> bool:
    """Of two items that book one person twice, the one listed as the conflict is the later of the kinds that
    are easiest to move (a visit before a meeting), then the newer; a moved item never takes a booked place."""
    if item.moved:
        return True
    if other.moved:
        return False
    return (KIND_RANK.get(other.kind, 9), other.id) < (KIND_RANK.get(item.kind, 9), item.id)


def double_booked(items: Sequence[PlannedItem], world: World) -> Iterable[Breach]:
    """One person in two places at the same time (in the same programme or across the kinds it plans)."""
    for item in items:
        for person in item.people:
            for other in world.at(person, item.day):
                if other.key == item.key or (item.share_kind and other.kind == item.kind):
                    continue
                if overlaps(item, other) and holds_first(other, item):
                    yield Breach(item.key, "double_booked", _(
                        "%(name)s is also booked then: %(other)s (%(start)s–%(end)s).", name=person.name,
                        other=other.label, start=other.start, end=other.end))
                    break


RULES: list[Rule] = [not_working_day, double_booked]


def _plugins() -> list:
    return area_modules("calendar_checks")


def all_rules() -> list[Rule]:
    """The generic rules, then every area's ``RULES``."""
    rules = list(RULES)
    for module in _plugins():
        rules.extend(getattr(module, "RULES", ()))
    return rules


def plugin_functions(name: str) -> list:
    return [getattr(m, name) for m in _plugins() if hasattr(m, name)]


def breaches_of(items: Sequence[PlannedItem], world: World) -> dict[tuple[str, int], list[Breach]]:
    """Every rule's breaches of ``items`` against ``world``, by item."""
    found: dict[tuple[str, int], list[Breach]] = defaultdict(list)
    if not items:
        return found
    for rule in all_rules():
        for breach in rule(items, world):
            found[breach.key].append(breach)
    return found


# ------------------------------------------------------------------------------------------ finding them

def load_world(district_id: int | None, first: date, last: date) -> World:
    items: list[PlannedItem] = []
    for planned_items in plugin_functions("planned_items"):
        items.extend(planned_items(district_id, first, last))
    return World(items, first, last, district_id)


def kept_decisions(keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], KeptConflict]:
    keys = set(keys)
    if not keys:
        return {}
    rows = db.session.scalars(select(KeptConflict).where(KeptConflict.item_id.in_({k[1] for k in keys})))
    return {(r.kind, r.item_id): r for r in rows if (r.kind, r.item_id) in keys}


def still_kept(conflict: Conflict, kept: KeptConflict | None) -> bool:
    """A decision to keep holds while the item is where it was kept and breaks no rule beyond those."""
    return kept is not None and kept.place == conflict.item.where() and conflict.rules <= kept.rule_set()


def find_conflicts(world: World, *, only: Callable[[PlannedItem], bool] | None = None) -> list[Conflict]:
    """The items of ``world`` that break a rule now, each once with every reason; kept ones carry their
    decision (``conflict.kept``)."""
    items = [i for i in world.items.values() if only is None or only(i)]
    found = breaches_of(items, world)
    conflicts = [Conflict(world.items[key], breaches) for key, breaches in found.items()]
    kept = kept_decisions(c.key for c in conflicts)
    for conflict in conflicts:
        decision = kept.get(conflict.key)
        conflict.kept = decision if still_kept(conflict, decision) else None
    conflicts.sort(key=lambda c: (c.item.day, c.item.start, KIND_RANK.get(c.item.kind, 9), c.item.id))
    return conflicts


def open_conflicts(conflicts: Iterable[Conflict]) -> list[Conflict]:
    return [c for c in conflicts if c.kept is None]


__all__ = ["HORIZON_DAYS", "RULES", "Breach", "Conflict", "Person", "PlannedItem", "Proposal", "Rule", "World",
           "all_rules", "breaches_of", "decode_place", "double_booked", "find_conflicts", "holds_first", "kept_decisions",
           "load_world", "not_working_day", "open_conflicts", "overlaps", "plugin_functions", "still_kept"]
