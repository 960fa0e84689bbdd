"""What every API view does the same way: answer a record with its ETag, load a record in the caller's scope,
take a district by its code, and strict JSON field types. One copy for every area."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import abort, make_response
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields, validate

from trainer.api.conventions import with_etag
from trainer.api.schemas import PageArgs
from trainer.auth.models import Role
from trainer.auth.permissions import check_district, scoped
from trainer.core.clock import as_utc
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.org.models import District

MAX_ID = 2**31 - 1


def respond(schema_or_data: Any, obj: Any, status: int = 200):
    """A record (dumped by ``schema``, or already a dict) with its ETag."""
    data = schema_or_data if isinstance(schema_or_data, dict) else schema_or_data.dump(obj)
    return with_etag(make_response(data, status), obj)


def respond_page(dump: Callable[[Any], dict], page: tuple[list, int, dict]):
    """A page of records (``paginate``'s answer), each dumped once by ``dump``, the function that also answers
    one record (``respond(dump(obj), obj)``), with the paging headers. A list of dicts handed back to
    ``@blp.response`` would be dumped a second time by the documented schema (a date already written as
    "2026-11-02" is not a date any more): a page is always answered through here."""
    items, status, headers = page
    return make_response([dump(item) for item in items], status, headers)


def load_scoped(model: type, obj_id: int, *, district_of: Callable[[Any], int | None] | None = None):
    """The record, or 404; then 403 unless the caller works in its district."""
    obj = db.session.get(model, obj_id)
    if obj is None:
        abort(404)
    check_district(district_of(obj) if district_of else obj.district_id)
    return obj


def target_district(code: str | None, *, field_name: str = "district", required: bool = True) -> District | None:
    """The district a write goes to: the caller's own; the city admin names one by its code (``chaoyang``).

    ``required=False`` lets the admin write a city-level record (no district) by naming none."""
    if current_user.role != Role.ADMIN:
        return current_user.district
    district = District.by_code(code)
    if code and district is None:
        raise InvalidInput({field_name: _("No such district: %(code)s.", code=code)})
    if district is None and required:
        raise InvalidInput({field_name: _("Name the district (its code, e.g. chaoyang).")})
    return district


def district_filter(stmt, column, code: str | None):
    """A list in the caller's district; the admin may narrow it to one district by its code."""
    stmt = scoped(stmt, column)
    if code:
        stmt = stmt.where(column == District.id_of_code(code))
    return stmt


class DistrictQuery(PageArgs):
    district = fields.Str(metadata={"description": "district code (admin only; others see their own)"})


class StrictBool(fields.Boolean):
    """Only JSON true/false (not 0, 1 or "yes"), as the OpenAPI document says."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class QueryBool(fields.Boolean):
    """A boolean in a query string: exactly ``true`` or ``false``, as the OpenAPI document writes it."""

    truthy = frozenset({"true"})
    falsy = frozenset({"false"})


class StoredDates(fields.List):
    """A list of dates the model keeps as ISO strings in a JSON column (a trainee's days away): read as dates,
    answered as dates (``["2026-12-24"]``) whether an item is stored as a date or as its ISO string."""

    def __init__(self, **kwargs):
        super().__init__(fields.Date(), **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        days = [date.fromisoformat(item) if isinstance(item, str) else item for item in value]
        return super()._serialize(days, attr, obj, **kwargs)


class UtcDateTime(fields.DateTime):
    """A stored moment answered as RFC 3339 with its offset, in UTC (SQLite hands back naive values, which
    are UTC): every moment of the API is dumped through this field."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else super()._serialize(as_utc(value), attr, obj, **kwargs)


class AwareUtcDateTime(UtcDateTime, fields.AwareDateTime):
    """A moment the client sends: it must carry its offset (a bare 09:00 is refused), answered in UTC."""


class StrictFloat(fields.Float):
    """A JSON number, not a numeric string."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def ref(**kwargs) -> fields.Int:
    """A record id: a positive 32-bit integer."""
    return fields.Int(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)
