"""Pages of a list already in memory, shaped like Flask-SQLAlchemy's pagination for ``pager()``: ``OnePage`` shows
a list whole (``pager()`` shows nothing for it), ``page_of`` one page of it (a list computed from the present,
such as the conflicts, that no query can page)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OnePage:
    items: list = field(default_factory=list)
    page: int = 1
    pages: int = 1
    has_prev: bool = False
    has_next: bool = False

    total_count: int | None = None  # the whole list's length when ``items`` is one page of it

    @property
    def total(self) -> int:
        return len(self.items) if self.total_count is None else self.total_count

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(items: list, page: int, per_page: int, *, clamp: bool = True) -> OnePage:
    """Page ``page`` (from 1) of ``items``, ``per_page`` a page. Out of range: the nearest page (a page address),
    or with ``clamp`` false an empty page (as the API's query lists answer)."""
    pages = max(1, -(-len(items) // per_page))
    page = min(max(page, 1), pages) if clamp else max(page, 1)
    first = (page - 1) * per_page
    return OnePage(items[first:first + per_page], page, pages, page > 1, page < pages, len(items))
