"""One agenda per person, and the rule that nobody is in two places at once, across the programmes.

    agenda_of(person, first, last) -> list[Commitment]     everything of one person, in time order
    clashes_of(item) -> list[Clash]                         what a row (or Commitment) overlaps, with both named
    refuse_clashes(item, "day")                             InvalidInput naming both items, for hand edits
    busy_of("lawyer", ids, first, last) -> {id: [...]}      for planners: the person's other commitments

Planners pass ``ignore`` for what their own solver already handles (the visit planner its visits, the duty
roster the period it plans, the rotation planner its programme year).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _

from trainer.agenda.items import Commitment, commitments_between, commitments_of_row
from trainer.agenda.people import ROLES, Person, people_of
from trainer.core.validation import InvalidInput

Ignore = Callable[[Commitment], bool] | None


@dataclass(frozen=True)
class Clash:
    """``item`` (being placed) overlaps ``other`` (already in the person's agenda)."""

    item: Commitment
    other: Commitment

    @property
    def person_name(self) -> str:
        return self.item.person_name or self.other.person_name

    def message(self) -> str:
        return _("%(name)s cannot be in two places at once: %(item)s overlaps %(other)s.",
                 name=self.person_name, item=self.item.label, other=self.other.label)


def agenda_of(person: Person, first: date, last: date) -> list[Commitment]:
    """Every commitment of ``person`` in every programme from ``first`` to ``last``, in time order."""
    return commitments_between({role: set(person.ids(role)) for role in ROLES}, first, last)


def _items(item) -> list[Commitment]:
    if isinstance(item, Commitment):
        return [item]
    if isinstance(item, list | tuple):
        return [c for part in item for c in _items(part)]
    return commitments_of_row(item)


def clashes_of(item, *, ignore: Ignore = None) -> list[Clash]:
    """What ``item`` overlaps in the agendas of its people: a row of any programme (visit, duty shift, placement
    day, meeting, bargaining session) as it stands now, a ``Commitment``, or a list of them. The item itself
    (same kind and id) never clashes with itself, nor with what it joins (a mentor's days with several trainees
    at the same centre at the same time: how many is the rotation's own rule, ``mentor_max_trainees``); ``ignore``
    leaves out what the caller checks otherwise."""
    items = _items(item)
    if not items:
        return []
    people = people_of({(c.role, c.role_id) for c in items})
    first = min(c.day for c in items) - timedelta(days=1)
    last = max(c.end.date() for c in items)
    wanted: dict[str, set[int]] = {}
    for person in set(people.values()):
        for role in ROLES:
            wanted.setdefault(role, set()).update(person.ids(role))
    others = commitments_between(wanted, first, last)
    own = {c.key for c in items if c.id is not None}
    clashes, seen = [], set()
    for mine in items:
        person = people[(mine.role, mine.role_id)]
        for other in others:
            if (other.key in own or (other.role, other.role_id) not in person.nodes or not mine.overlaps(other)
                    or mine.joins(other)):
                continue
            if ignore is not None and ignore(other):
                continue
            if (mine.key, other.key) not in seen:
                seen.add((mine.key, other.key))
                clashes.append(Clash(mine, other))
    return clashes


def clash_messages(item, *, ignore: Ignore = None) -> list[str]:
    return [clash.message() for clash in clashes_of(item, ignore=ignore)]


def refuse_clashes(item, field: str, *, ignore: Ignore = None) -> None:
    """Raise ``InvalidInput({field: …})`` naming both items of every clash; nothing when there is none."""
    messages = clash_messages(item, ignore=ignore)
    if messages:
        raise InvalidInput({field: " ".join(dict.fromkeys(messages))})


def busy_of(role: str, ids: Iterable[int], first: date, last: date, *,
            ignore: Ignore = None, skip: Collection[str] = ()) -> dict[int, list[Commitment]]:
    """For a planner: per record of ``role`` (e.g. each lawyer of a roster), the commitments of the same person
    in every programme from ``first`` to ``last``, less what ``ignore`` says the planner handles itself and the
    ``skip`` kinds (not read at all: a city district's year of visits when the planner places them itself)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    people = people_of((role, i) for i in ids)
    wanted: dict[str, set[int]] = {}
    for person in set(people.values()):
        for r in ROLES:
            wanted.setdefault(r, set()).update(person.ids(r))
    found = [c for c in commitments_between(wanted, first, last, skip=skip) if ignore is None or not ignore(c)]
    out: dict[int, list[Commitment]] = {}
    for ident in ids:
        nodes = people[(role, ident)].nodes
        out[ident] = [c for c in found if (c.role, c.role_id) in nodes]
    return out
