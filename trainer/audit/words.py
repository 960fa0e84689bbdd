"""The audit log in the coordinator's words: what kind of record (服务站, 走访 …), which field (姓名, 开始日期 …), and
each value as a person says it (a lawyer's name for ``lawyer_id``, 上午 for ``am``, 是/否, 2026年11月30日 周一),
from → to for a change; never a model name, a raw code or "id: None".

Each area lends its words through an ``audit_words.py`` plug-in (found by name, see docs/architecture.md):

- ``KINDS``: model name -> what people call such a record;
- ``FIELDS``: model name -> {column -> label} (``COMMON_FIELDS`` below serve every model);
- ``VALUES``: "Model.column" or "column" -> {code -> label};
- ``FORMATS``: "Model.column" -> function(value) -> text, for values that need more than a label (a station's
  receiving half-days, a recurrence rule).

``tests/audit/test_words.py`` checks that every column of every audited model has a label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, inspect

from trainer.core.areas import area_modules
from trainer.core.extensions import db
from trainer.core.i18n import format_day, format_moment

# Never shown: the row's number, when it was written, and what the system keeps for itself.
HIDDEN = frozenset({"id", "created_at", "updated_at", "sequence", "version", "guide_tier", "guide_district_id"})

COMMON_FIELDS = {
    "name": _l("Name"), "phone": _l("Phone"), "address": _l("Address"), "district_id": _l("District"),
    "start": _l("First day"), "end": _l("Last day"), "day": _l("Day"), "status": _l("Status"),
    "active": _l("In use"), "notes": _l("Notes"), "note": _l("Note"), "reason": _l("Reason"),
    "user_id": _l("Login"), "year": _l("Year"), "title": _l("Title"), "location": _l("Place"),
    "start_time": _l("Starts at"), "end_time": _l("Ends at"), "provisional": _l("On a provisional calendar"),
    "pinned": _l("Pinned"), "half": _l("Half-day"), "kind": _l("Kind"), "label": _l("Label"),
    "specialities": _l("Specialities"), "email": _l("E-mail"), "contact_name": _l("Contact person"),
    "contact_phone": _l("Contact phone"), "contact_email": _l("Contact e-mail"), "street": _l("Street"),
    "summary": _l("Summary"), "comments": _l("Comments"), "remarks": _l("Remarks"),
}
BOOLEAN_WORDS = {True: _l("yes"), False: _l("no")}


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str


@dataclass
class Described:
    kind: str
    changes: list[Change] = field(default_factory=list)


@cache
def _plugins() -> tuple[dict, dict, dict, dict]:
    kinds, fields, values, formats = {}, {}, {}, {}
    for module in area_modules("audit_words"):
        kinds.update(getattr(module, "KINDS", {}))
        for model, labels in getattr(module, "FIELDS", {}).items():
            fields.setdefault(model, {}).update(labels)
        values.update(getattr(module, "VALUES", {}))
        formats.update(getattr(module, "FORMATS", {}))
    return kinds, fields, values, formats


@cache
def _models() -> dict[str, type]:
    return {mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers}


def kind_label(entity_type: str) -> str:
    found = _plugins()[0].get(entity_type)
    return str(found) if found is not None else entity_type


def field_label(entity_type: str, column: str) -> str | None:
    """The column's label, None when the model does not say and no common label fits."""
    found = _plugins()[1].get(entity_type, {}).get(column)
    if found is None:
        found = COMMON_FIELDS.get(column)
    return str(found) if found is not None else None


def _column(entity_type: str, key: str):
    model = _models().get(entity_type)
    if model is None:
        return None
    attr = inspect(model).column_attrs.get(key)
    return attr.columns[0] if attr is not None else None


class _Names:
    """The names of the records an entry's ids point at, read once per page."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, object], str] = {}

    def of(self, column, value) -> str | None:
        keys = list(column.foreign_keys)
        if not keys:
            return None
        table = keys[0].column.table
        model = next((m.class_ for m in db.Model.registry.mappers if m.local_table is table), None)
        if model is None:
            return None
        cache_key = (model.__name__, value)
        if cache_key not in self.cache:
            row = db.session.get(model, value)
            self.cache[cache_key] = _name_of(row) if row is not None else _("(removed, no. %(id)s)", id=value)
        return self.cache[cache_key]


def _name_of(row) -> str:
    label = getattr(row, "audit_label", None)
    if label:
        return str(label)
    for attr in ("name", "display_name", "username", "title"):
        if getattr(row, attr, None):
            return str(getattr(row, attr))
    return f"#{getattr(row, 'id', '')}"


def value_words(entity_type: str, key: str, value, names: _Names | None = None) -> str:
    """One stored value as a person reads it."""
    _kinds, _fields, values, formats = _plugins()
    formatter: Callable | None = formats.get(f"{entity_type}.{key}")
    if value is None or value == "" or value == []:
        return _("(empty)")
    if formatter is not None:
        return formatter(value)
    labels = values.get(f"{entity_type}.{key}") or values.get(key)
    if labels is not None and isinstance(value, str) and value in labels:
        return str(labels[value])
    column = _column(entity_type, key)
    if column is not None:
        if column.foreign_keys and names is not None:
            found = names.of(column, value)
            if found is not None:
                return found
        if isinstance(column.type, Boolean) or isinstance(value, bool):
            return str(BOOLEAN_WORDS[bool(value)])
        if isinstance(column.type, DateTime) and isinstance(value, str):
            try:
                return format_moment(datetime.fromisoformat(value))
            except ValueError:
                return value
        if isinstance(column.type, Date) and isinstance(value, str):
            try:
                return format_day(date.fromisoformat(value))
            except ValueError:
                return value
    if isinstance(value, bool):
        return str(BOOLEAN_WORDS[value])
    if isinstance(value, list):
        return "、".join(value_words(entity_type, key, item, names) if not isinstance(item, list)
                        else "/".join(str(i) for i in item) for item in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    return str(value)


def _shown(entity_type: str, keys: Iterable[str]) -> list[str]:
    return [k for k in keys if k not in HIDDEN]


def describe(entry, names: _Names | None = None) -> Described:
    """An audit entry in words: its kind of record and, field by field, the value before and after (a new record:
    its filled fields; a deleted one: what it held)."""
    names = names or _Names()
    kind = entry.entity_type
    before, after = entry.before or {}, entry.after or {}
    changes = []
    for key in _shown(kind, list(dict.fromkeys([*after, *before]))):
        old, new = before.get(key), after.get(key)
        if entry.action == "create" and new in (None, "", [], False):
            continue
        if entry.action == "delete" and old in (None, "", [], False):
            continue
        changes.append(Change(key, field_label(kind, key) or key,
                              value_words(kind, key, old, names) if entry.action != "create" else "",
                              value_words(kind, key, new, names) if entry.action != "delete" else ""))
    return Described(kind_label(kind), changes)


def describe_all(entries) -> list[tuple[object, Described]]:
    names = _Names()
    return [(entry, describe(entry, names)) for entry in entries]


def kinds_logged(entity_types: Iterable[str]) -> list[tuple[str, str]]:
    """(entity type, its words) for a filter of the log, in the words' order."""
    return sorted(((t, kind_label(t)) for t in entity_types), key=lambda pair: pair[1])
