"""The one rule for what the app accepts at its boundary, the same in every channel (forms, the API, Excel
sheets, the JSON programme and notice files, the command line):

- dates between 2000-01-01 and 2100-12-31 (a day outside would overflow later date arithmetic and pages);
- whole numbers that fit the database's 32-bit integers; numbers that are finite;
- text without control characters or lone surrogates (a tab or a line break only in multi-line fields);
- JSON nested at most ``MAX_JSON_DEPTH`` levels.

Each check answers ``None`` or the message to show beside the field (or in the row, or at the item's place in
the file). The channels apply it in their one place each: ``trainer.web.forms.Form`` (every form),
``trainer.api.parser.InputParser`` (every API argument and body), ``trainer.exchange.rows.convert`` (every cell
and file value), ``load_json`` (every JSON document read).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
MAX_JSON_DEPTH = 32
# Fields holding several lines of text (a textarea in the forms): a tab or a line break is allowed there.
MULTILINE_NAMES = frozenset({"notes", "note", "summary", "remarks", "mentor_remarks", "comments", "minutes",
                             "prior_experience", "question", "advice", "description", "notice", "details",
                             "holidays", "makeup_days"})
MULTILINE_SUFFIXES = ("_note", "_notes", "_comment", "_comments", "_remarks")
LINE_CHARACTERS = frozenset("\t\n\r")
_SEGMENTS = re.compile(r"[.\[\]]+")


class InputError(ValueError):
    """A document (JSON) refused as a whole; ``str(error)`` is the message for the person who sent it."""


def is_multiline(name: str | tuple = "") -> bool:
    """Whether a field (by its name, or its place such as ``visits.lawyers[3].notes``) takes several lines."""
    parts = name if isinstance(name, tuple) else _SEGMENTS.split(str(name))
    return any(isinstance(part, str) and (part in MULTILINE_NAMES or part.endswith(MULTILINE_SUFFIXES))
               for part in parts)


def _shown(value: Any, limit: int = 24) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def date_problem(value: date | datetime) -> str | None:
    day = value.date() if isinstance(value, datetime) else value
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return _("%(value)s is outside the dates Trainer accepts (%(first)s to %(last)s).", value=day.isoformat(),
             first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())


def number_problem(value: int | float) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if INT_MIN <= value <= INT_MAX:
            return None
        return _("%(value)s is out of range (whole numbers from %(min)s to %(max)s).", value=_shown(value),
                 min=INT_MIN, max=INT_MAX)
    if isinstance(value, float) and not math.isfinite(value):
        return _("%(value)s is not a finite number.", value=value)
    return None


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """A control character (except tab and line breaks in a multi-line field) or a lone surrogate."""
    if text.isprintable():
        return None  # the common case, fast: no control, format, surrogate or separator character at all
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs":
            return _("Contains an invalid character (%(code)s); remove it.", code=f"U+{ord(char):04X}")
        if category == "Cc":
            if char in LINE_CHARACTERS:
                if multiline:
                    continue
                return _("Contains a line break or a tab; this field takes a single line.")
            return _("Contains a control character (%(code)s); remove it.", code=f"U+{ord(char):04X}")
    return None


def value_problem(value: Any, *, multiline: bool = False) -> str | None:
    """The rule for one value of any kind (text, number, date); None when it is acceptable."""
    if isinstance(value, str):
        return text_problem(value, multiline=multiline)
    if isinstance(value, int | float):
        return number_problem(value)
    if isinstance(value, date):
        return date_problem(value)
    return None


def problems_in(data: Any, path: tuple = ()) -> dict[tuple, str]:
    """Every value (and key) in a nested structure that breaks the rule: {its path: message}. Iterative, so
    depth is no danger here; ``load_json`` has already limited it for documents."""
    found: dict[tuple, str] = {}
    stack: list[tuple[tuple, Any]] = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and (problem := text_problem(key)):
                    found[where + (_shown(key.encode("utf-8", "backslashreplace").decode()),)] = problem
                    continue
                stack.append((where + (key,), item))
        elif isinstance(value, list | tuple):
            stack.extend((where + (index,), item) for index, item in enumerate(value))
        elif (problem := value_problem(value, multiline=is_multiline(where))) is not None:
            found[where] = problem
    return found


def place(path: tuple) -> str:
    """A path as people read it in a file: ``visits.lawyers[3].name``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def depth_of(data: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply lists and objects nest (stops counting past ``limit``)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth > limit:
                return depth
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def load_json(raw: bytes | str) -> Any:
    """A JSON document, or ``InputError`` saying why not (not JSON, nested too deeply) — never a crash."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise InputError(_too_deep()) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise InputError(_("This is not valid JSON (%(error)s).", error=error)) from None
    if depth_of(data) > MAX_JSON_DEPTH:
        raise InputError(_too_deep())
    return data


def _too_deep() -> str:
    return _("The JSON is nested more than %(n)s levels deep.", n=MAX_JSON_DEPTH)


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def parse_day(text: str | None) -> date | None:
    """A date typed as ``2027-03-05`` (a query argument, a button's value) within the accepted dates; None
    when it is missing, not a date or outside them (callers fall back to their default or refuse)."""
    try:
        day = date.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return day if date_problem(day) is None else None
