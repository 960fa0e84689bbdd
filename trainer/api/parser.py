"""The API's argument parser: webargs' FlaskParser applying ``trainer.core.inputs`` to every argument and body.

Before a schema loads anything, every value is checked against the one input rule (dates 2000–2100, 32-bit
whole numbers, finite numbers, text without control characters or lone surrogates, JSON nested at most
``MAX_JSON_DEPTH`` levels); a value breaking it is a 422 naming its place (``{"instructor_ids": {"0": [...]}}``),
a body that is not JSON or nested too deeply a 400 saying so. Values that arrive as text (query arguments, ISO
dates in JSON) are read by their schema field first, so ``?date=9999-12-31`` is refused like a JSON date.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
from marshmallow import fields
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest

from trainer.core.inputs import InputError, is_multiline, load_json, text_problem, value_problem

# Fields whose text is read into a value that the rule bounds (a date, a number).
READ_FIRST = (fields.DateTime, fields.Date, fields.Number, fields.TimeDelta)


def _field_for(container: Any, key: Any) -> Any:
    """The schema field that reads ``key`` of a mapping (None for a key the schema does not know)."""
    if isinstance(container, fields.Nested):
        container = container.schema
    if isinstance(container, ma.Schema):
        for name, field in container.fields.items():
            if (field.data_key or name) == key:
                return field
        return None
    if isinstance(container, fields.Dict):
        return container.value_field
    return None


def _item_field(container: Any) -> Any:
    """The field that reads each item of a list."""
    if isinstance(container, fields.List):
        return container.inner
    if isinstance(container, fields.Nested | ma.Schema) and getattr(container, "many", False):
        return container.schema if isinstance(container, fields.Nested) else container
    return None


def _check(value: Any, field: Any, path: tuple, found: dict[tuple, str]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and (problem := text_problem(key)):
                found[path + (key.encode("utf-8", "backslashreplace").decode(),)] = problem
                continue
            _check(item, _field_for(field, key), path + (key,), found)
    elif isinstance(value, list | tuple):
        inner = _item_field(field)
        for index, item in enumerate(value):
            _check(item, inner, path + (index,), found)
    elif isinstance(value, str):
        problem = text_problem(value, multiline=is_multiline(path))
        if problem is None and isinstance(field, READ_FIRST):
            try:
                problem = value_problem(field.deserialize(value))
            except (ma.ValidationError, OverflowError, ValueError):
                problem = None  # the schema says what is wrong with it
        if problem:
            found[path] = problem
    elif (problem := value_problem(value)) is not None:
        found[path] = problem


def _nest(found: dict[tuple, str]) -> dict:
    """{("instructor_ids", 0): message} -> {"instructor_ids": {0: [message]}} (marshmallow's error shape)."""
    nested: dict = {}
    for path, message in found.items():
        path = path or ("_schema",)
        level = nested
        for part in path[:-1]:
            level = level.setdefault(part, {})
        level[path[-1]] = [message]
    return nested


def refuse_body(message: str) -> BadRequest:
    error = BadRequest(description=message)
    error.data = {"messages": {"json": [message]}}
    return error


class InputParser(FlaskParser):
    """FlaskParser with the app's input rule (see the module's text)."""

    def _raw_load_json(self, req) -> Any:
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        if not raw.strip():
            return core.missing
        try:
            return load_json(raw)
        except InputError as error:
            raise refuse_body(str(error)) from None

    def pre_load(self, location_data, *, schema, req, location):
        data = super().pre_load(location_data, schema=schema, req=req, location=location)
        found: dict[tuple, str] = {}
        _check(data, schema, (), found)
        if found:
            raise ma.ValidationError(_nest(found))
        return data
