"""The navigation: each area registers its entries with the roles that see them; the menu groups them by
programme so a coordinator's bar stays one line."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class NavItem:
    label: object  # a lazy gettext string
    endpoint: str
    roles: frozenset[str]
    order: int = 100


@dataclass(frozen=True)
class NavGroup:
    label: object
    items: tuple[NavItem, ...]


NAV: list[NavItem] = []

# Menu groups by blueprint, in the order they appear.
GROUPS = [
    (_l("Lawyer visits"), ("visits", "org")),
    (_l("Rotation training"), ("rotation",)),
    (_l("Bargaining instructors"), ("instructors",)),
    (_l("Calendars"), ("workdays", "calendars")),
    (_l("Administration"), ("auth", "audit", "jobs", "exchange")),
]
ADMIN_ENDPOINTS = {"auth.users", "org.districts"}


def register_nav(label, endpoint: str, roles, order: int = 100) -> None:
    item = NavItem(label, endpoint, frozenset(str(r) for r in roles), order)
    if all(existing.endpoint != endpoint for existing in NAV):
        NAV.append(item)
        NAV.sort(key=lambda i: i.order)


def nav_for(role: str | None) -> list[NavItem]:
    if role is None:
        return []
    return [item for item in NAV if role in item.roles]


def _group_of(item: NavItem) -> int:
    blueprint = item.endpoint.split(".", 1)[0]
    if item.endpoint in ADMIN_ENDPOINTS:
        return len(GROUPS) - 1
    for index, (_label, blueprints) in enumerate(GROUPS):
        if blueprint in blueprints:
            return index
    return len(GROUPS) - 1


def grouped_nav_for(role: str | None) -> tuple[list[NavItem], list[NavGroup]]:
    """The home link(s) first, then one group per programme (a group of one is shown as a plain link)."""
    items = [item for item in nav_for(role) if item.endpoint != "auth.home"]
    home = [item for item in nav_for(role) if item.endpoint == "auth.home"]
    groups = []
    for index, (label, _blueprints) in enumerate(GROUPS):
        members = tuple(item for item in items if _group_of(item) == index)
        if members:
            groups.append(NavGroup(label, members))
    return home, groups
