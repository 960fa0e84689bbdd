"""What the desk reads: every area's things to do for a district, and the search over every area's records.

The areas answer through their ``desk.py`` plug-ins (``desk_items``, ``find``); nothing here knows an area.
"""

from __future__ import annotations

from datetime import date

from trainer.core.areas import area_modules
from trainer.desk.items import DeskItem, Found
from trainer.org.models import District

# The order of the kinds on the search page.
KIND_ORDER = ("station", "union", "lawyer", "firm", "trainee", "mentor", "instructor")
SEARCH_LIMIT = 20  # records of one kind on the page; the page says when there are more
MAX_QUERY = 60


def desk_items(district: District, today: date) -> list[DeskItem]:
    """The things to do in a district today, in the desk's order."""
    items: list[DeskItem] = []
    for module in area_modules("desk"):
        function = getattr(module, "desk_items", None)
        if function is not None:
            items.extend(function(district, today))
    return sorted(items, key=lambda item: item.order)


def search(query: str, scope: int | None) -> dict[str, tuple[list[Found], bool]]:
    """kind -> (the records of that kind whose name (or its pinyin or initials) holds the query, best first
    (``trainer.core.names.match_order``);
    whether there are more than shown). ``scope`` is the district the user may see (None: every district)."""
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return {}
    found: dict[str, list[Found]] = {}
    for module in area_modules("desk"):
        function = getattr(module, "find", None)
        if function is not None:
            for item in function(query, scope, SEARCH_LIMIT + 1):
                found.setdefault(item.kind, []).append(item)
    out = {}
    for kind in sorted(found, key=lambda k: KIND_ORDER.index(k) if k in KIND_ORDER else len(KIND_ORDER)):
        items = found[kind]
        out[kind] = (items[:SEARCH_LIMIT], len(items) > SEARCH_LIMIT)
    return out
