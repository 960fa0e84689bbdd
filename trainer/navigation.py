"""The navigation: each area registers its entries with the roles that see them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy gettext string
    endpoint: str
    roles: frozenset[str]
    order: int = 100


NAV: list[NavItem] = []


def register_nav(label, endpoint: str, roles, order: int = 100) -> None:
    item = NavItem(label, endpoint, frozenset(str(r) for r in roles), order)
    if all(existing.endpoint != endpoint for existing in NAV):
        NAV.append(item)
        NAV.sort(key=lambda i: i.order)


def nav_for(role: str | None) -> list[NavItem]:
    if role is None:
        return []
    return [item for item in NAV if role in item.roles]
