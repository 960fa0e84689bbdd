"""Names as Chinese readers order and find them: by pinyin (东坝 before 三间房), and found by pinyin or its
initials ("wang" or "wjh" finds 王建华).

- ``name_key(name)`` is THE sort key of a list of names (every page and export that lists names sorts by it);
  ``by_name(items, name=...)`` sorts a list with it.
- ``PinyinNamed`` is the mixin of the records people look for (stations, unions, firms, lawyers, trainees,
  instructors, mentors): it stores the name's pinyin and initials in ``name_pinyin`` / ``name_initials``, kept
  in the same flush as the name, so lists are ordered and searched in SQL (``pinyin_order``, ``name_matches``)
  without reading pypinyin again; every query listing names orders by ``pinyin_order(Model)``.
- ``pinyin_of`` is memoised: a name is read once per process (about 35 µs a name uncached, measured with 10 000
  random names; see docs/search.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from pypinyin import Style, lazy_pinyin
from sqlalchemy import String, case, event, or_
from sqlalchemy.orm import Mapped, Session, mapped_column

PINYIN_MAX = 400
_NOT_LETTER = re.compile(r"[^0-9a-z]+")

T = TypeVar("T")


def _plain(parts: Iterable[str]) -> str:
    return _NOT_LETTER.sub("", "".join(parts).lower())


@lru_cache(maxsize=65536)
def pinyin_of(name: str | None) -> tuple[str, str]:
    """'王建华' -> ('wangjianhua', 'wjh'); Latin letters and digits kept (lower case), everything else left out."""
    if not name:
        return "", ""
    full = _plain(lazy_pinyin(name))
    initials = _plain(lazy_pinyin(name, style=Style.FIRST_LETTER))
    return full[:PINYIN_MAX], initials[:PINYIN_MAX]


def name_key(name: str | None) -> tuple[str, str]:
    """The one sort key of names: pinyin first (三间房 after 东坝), the characters breaking ties."""
    return pinyin_of(name)[0], name or ""


def by_name(items: Iterable[T], name: Callable[[T], str | None] = lambda item: item.name) -> list[T]:
    """``items`` sorted by the pinyin of their names."""
    return sorted(items, key=lambda item: name_key(name(item)))


def search_text(query: str | None) -> str:
    """What is looked for in the pinyin columns: the query in lower case without spaces or punctuation."""
    return _plain([query or ""])


class PinyinNamed:
    """Mixin: ``name_pinyin`` and ``name_initials`` follow the ``name`` column (set before every flush)."""

    name_pinyin: Mapped[str] = mapped_column(String(PINYIN_MAX), default="", server_default="", index=True,
                                             info={"audit": False})
    name_initials: Mapped[str] = mapped_column(String(PINYIN_MAX), default="", server_default="",
                                               info={"audit": False})

    def refresh_pinyin(self) -> None:
        full, initials = pinyin_of(getattr(self, "name", None))
        if self.name_pinyin != full:
            self.name_pinyin = full
        if self.name_initials != initials:
            self.name_initials = initials


@event.listens_for(Session, "before_flush")
def _keep_pinyin(session: Session, flush_context, instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, PinyinNamed):
            obj.refresh_pinyin()


def pinyin_order(model) -> tuple:
    """ORDER BY of a query listing ``model`` (a PinyinNamed) by name: the SQL form of ``name_key``."""
    return model.name_pinyin, model.name


def name_matches(model, query: str):
    """The SQL condition "the name holds the query, or its pinyin or initials do" (None for an empty query)."""
    query = (query or "").strip()
    if not query:
        return None
    conditions = [model.name.contains(query, autoescape=True)]
    letters = search_text(query)
    if letters:
        conditions += [model.name_pinyin.contains(letters, autoescape=True),
                       model.name_initials.contains(letters, autoescape=True)]
    return or_(*conditions)


def match_order(model, query: str) -> tuple:
    """ORDER BY of a search: the name itself first, then names holding the query, then pinyin from its start,
    initials from their start, the rest; each group by pinyin."""
    query = (query or "").strip()
    letters = search_text(query)
    whens = [(model.name == query, 0), (model.name.contains(query, autoescape=True), 1)]
    if letters:  # a query of Chinese only has no letters to compare (and PostgreSQL takes no NUL stand-in)
        whens += [(model.name_pinyin.startswith(letters, autoescape=True), 2),
                  (model.name_initials.startswith(letters, autoescape=True), 3)]
    return case(*whens, else_=4), model.name_pinyin, model.name
