"""Who is the same person across the programmes.

A person may be a lawyer (station visits, telephone duty), a mentor at the mediation centre, a bargaining
instructor and, in principle, a trainee. The records are the programmes' own; they are the same person when
they are linked:

- the same login account: ``Lawyer.user_id``, ``Mentor.user_id``, ``Instructor.user_id``, ``Trainee.user_id``;
- a mentor's lawyer: ``Mentor.lawyer_id`` (set on the mentor form, the API and the programme file).

Links are followed transitively (a mentor linked to a lawyer whose account is an instructor's is one person).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from trainer.core.extensions import db
from trainer.instructors.models import Instructor
from trainer.rotation.models import Mentor, Trainee
from trainer.visits.models import Lawyer

ROLES = ("lawyer", "mentor", "instructor", "trainee")
Node = tuple[str, int]  # ("lawyer", 7), ("user", 3), ...

_MODELS = {"lawyer": Lawyer, "mentor": Mentor, "instructor": Instructor, "trainee": Trainee}
# Every link between two kinds of node: (kind, model, the model's column that points at the other kind, kind).
_LINKS = (("lawyer", Lawyer, "user_id", "user"), ("mentor", Mentor, "user_id", "user"),
          ("mentor", Mentor, "lawyer_id", "lawyer"), ("instructor", Instructor, "user_id", "user"),
          ("trainee", Trainee, "user_id", "user"))


@dataclass(frozen=True)
class Person:
    """One person: the records they have in each programme and their login accounts."""

    lawyer_ids: frozenset[int] = frozenset()
    mentor_ids: frozenset[int] = frozenset()
    instructor_ids: frozenset[int] = frozenset()
    trainee_ids: frozenset[int] = frozenset()
    user_ids: frozenset[int] = frozenset()
    names: tuple[str, ...] = field(default=(), compare=False)

    def ids(self, role: str) -> frozenset[int]:
        return getattr(self, f"{role}_ids")

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""

    @property
    def nodes(self) -> frozenset[Node]:
        return frozenset((role, i) for role in (*ROLES, "user") for i in self.ids(role))

    def __bool__(self) -> bool:
        return bool(self.nodes)


def people_of(nodes: Iterable[Node]) -> dict[Node, Person]:
    """The person of each given node (``("lawyer", 7)``, ``("user", 3)`` …), following every link."""
    start = set(nodes)
    parent: dict[Node, Node] = {n: n for n in start}

    def root(node: Node) -> Node:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    frontier = set(start)
    with db.session.no_autoflush:
        while frontier:
            reached = set()
            for a, b in _edges(frontier):
                for node in (a, b):
                    if node not in parent:
                        parent[node] = node
                        reached.add(node)
                ra, rb = root(a), root(b)
                if ra != rb:
                    parent[ra] = rb
            frontier = reached
        groups: dict[Node, set[Node]] = {}
        for node in parent:
            groups.setdefault(root(node), set()).add(node)
        names = _names(set(parent))
    people = {}
    for members in groups.values():
        person = Person(**{f"{role}_ids": frozenset(i for k, i in members if k == role) for role in (*ROLES, "user")},
                        names=tuple(dict.fromkeys(names[n] for n in sorted(members) if n in names)))
        for node in members:
            people[node] = person
    return {node: people[node] for node in start}


def _edges(frontier: set[Node]) -> list[tuple[Node, Node]]:
    """The links touching the frontier, as pairs of nodes."""
    edges = []
    by_kind: dict[str, list[int]] = {}
    for kind, ident in frontier:
        by_kind.setdefault(kind, []).append(ident)
    for kind, model, column, other in _LINKS:
        col = getattr(model, column)
        wanted = []
        if by_kind.get(kind):
            wanted.append(model.id.in_(by_kind[kind]))
        if by_kind.get(other):
            wanted.append(col.in_(by_kind[other]))
        for condition in wanted:
            for ident, target in db.session.execute(select(model.id, col).where(condition, col.is_not(None))):
                edges.append(((kind, ident), (other, target)))
    return edges


def _names(nodes: set[Node]) -> dict[Node, str]:
    names = {}
    for role, model in _MODELS.items():
        ids = [i for k, i in nodes if k == role]
        if ids:
            names.update(((role, i), name) for i, name in db.session.execute(
                select(model.id, model.name).where(model.id.in_(ids))))
    return names


def person_of(role: str, ident: int) -> Person:
    """The person behind one record (``person_of("lawyer", 7)``) or login (``person_of("user", 3)``)."""
    return people_of([(role, ident)])[(role, ident)]
