"""The conflicts rule that looks across programmes: one person, two places at the same time.

``conflicts.double_booked`` sees one record booked twice (lawyer 7 at a visit and on a duty shift). The same
person may hold several records (lawyer 7 is mentor 3 at the mediation centre, instructor 2 in bargaining);
this rule maps each item's people to every record of theirs (``people_of``) and compares the time spans with
what ``world.at`` holds for those records. It is one of the visits area's conflict ``RULES`` (see
docs/workdays.md), so the conflicts page, the change path and the joint check of proposals all use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask_babel import gettext as _

from trainer.agenda.people import ROLES, people_of
from trainer.workdays.conflicts import Breach, Person, PlannedItem, World, holds_first, overlaps


def _clash(item: PlannedItem, person: Person, records: Iterable[Person], world: World) -> PlannedItem | None:
    """The first item of another record of the same person that overlaps ``item`` and holds its place."""
    for record in records:
        if record.ref == person.ref:
            continue
        for other in world.at(record, item.day):
            if other.key == item.key or (item.share_kind and other.kind == item.kind):
                continue
            if overlaps(item, other) and holds_first(other, item):
                return other
    return None


def same_person_elsewhere(items: Sequence[PlannedItem], world: World) -> Iterable[Breach]:
    """An item whose person is booked at the same time under another of their records (another programme)."""
    nodes = {(p.role, p.id) for item in items for p in item.people if p.role in ROLES}
    if not nodes:
        return
    # Proposals are checked one candidate at a time against worlds sharing one memo: each person is looked up once.
    people = world.memo.setdefault("people_of", {})
    if unknown := nodes - people.keys():
        people.update(people_of(unknown))
    records_of: dict[tuple[str, int], list[Person]] = {}
    for item in items:
        for person in item.people:
            node = (person.role, person.id)
            if node not in records_of:
                found = people.get(node)
                records_of[node] = [Person(role, ident) for role in ROLES for ident in sorted(found.ids(role))
                                    if (role, ident) != node] if found else []
            records = records_of[node]
            if not records:
                continue
            other = _clash(item, person, records, world)
            if other is not None:
                yield Breach(item.key, "other_programme", _(
                    "%(name)s is booked in another programme at the same time: %(other)s (%(start)s–%(end)s).",
                    name=person.name, other=other.label, start=other.start, end=other.end))
                break
