"""Shared API pieces: paging and date-range arguments, documented error responses."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select

from trainer.core.extensions import db


class ErrorBody(Schema):
    code = fields.Str(required=True)
    message = fields.Str(required=True)
    fields = fields.Dict(required=True)


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBody, required=True)


def _error(description: str) -> dict:
    return {"description": description, "schema": ErrorSchema}


ERROR_RESPONSES = {
    400: _error("Bad request"),
    401: _error("No valid API token (send `Authorization: Bearer <token>`)"),
    403: _error("The token's user may not do this (role or district)"),
    404: _error("No such record"),
    409: _error("Conflicts with existing data (e.g. a lawyer already booked in that slot)"),
    412: _error("The If-Match ETag is stale: someone changed the record; fetch it again"),
    422: _error("Invalid input; `fields` says which field and why"),
    428: _error("Send If-Match with the record's ETag"),
}


class PageArgs(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100000), metadata={"example": 1})
    page_size = fields.Int(load_default=50, validate=validate.Range(min=1, max=200), metadata={"example": 50})


class DateRangeArgs(PageArgs):
    from_ = fields.Date(data_key="from", metadata={"description": "first day, ISO date"})
    to = fields.Date(metadata={"description": "last day, ISO date"})

    @validates_schema
    def _ordered(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"] > data["to"]:
            raise ValidationError("'from' must not be after 'to'.", "from")


def paginate(stmt, args: dict):
    """One page of a query made elsewhere (a ``queries.py``); totals travel in headers (X-Total-Count, X-Page,
    X-Page-Size). API modules call this and hold no query of their own."""
    page, size = args.get("page", 1), args.get("page_size", 50)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(size).offset((page - 1) * size)).all()
    headers = {"X-Total-Count": str(total), "X-Page": str(page), "X-Page-Size": str(size)}
    return items, 200, headers


