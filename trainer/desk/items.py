"""What the desk's plug-ins answer — a thing to do (``DeskItem``), a record found by the search (``Found``) — and
what they use to answer it."""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.core.extensions import db
from trainer.core.names import match_order, name_matches


@dataclass
class DeskItem:
    """One line of the desk: what, how many, and the list where they are (``url``); ``lines`` name a few of
    them (text, link) and ``note`` says more (e.g. 北京汇诚律师事务所：7个站，合同6个)."""

    key: str
    label: str
    count: int
    url: str
    order: int = 100
    note: str = ""
    lines: list[tuple[str, str | None]] = field(default_factory=list)
    # An item that is a list of the day (today's visits), not a problem: never shown as "needs doing".
    informative: bool = False

    @property
    def needs_doing(self) -> bool:
        return self.count > 0 and not self.informative


@dataclass
class Found:
    """A record the search found: its kind (stations, unions …), name, a short detail and its page."""

    kind: str
    kind_label: str
    name: str
    url: str
    detail: str = ""
    district: str = ""


def matching(stmt, model, query: str, limit: int) -> list:
    """The rows of ``stmt`` (a select of a PinyinNamed ``model``, already limited to what the user may see) whose
    name, pinyin or initials hold ``query``, best match first, at most ``limit``."""
    return list(db.session.scalars(stmt.where(name_matches(model, query))
                                   .order_by(*match_order(model, query)).limit(limit)))


