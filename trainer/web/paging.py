"""A list shown whole where a page of a paginated list is expected (``pager()`` shows nothing for it)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OnePage:
    items: list = field(default_factory=list)
    page: int = 1
    pages: int = 1
    has_prev: bool = False
    has_next: bool = False

    @property
    def total(self) -> int:
        return len(self.items)
