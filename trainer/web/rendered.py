"""Rendered parts of pages kept by everything they are made from, so a crowd looking at the same account does
not make Jinja write the same HTML again for each of them.

``render_kept(template, inputs, **context)`` renders ``template`` with ``context`` once per distinct ``inputs``
and language: ``inputs`` must hold every value the template shows (the caller builds it from the rows it has
just read, so the part always follows the data: a changed row is another key, never a stale page). Only parts
that show the same thing to everyone allowed to see them belong here (nothing of the user, no CSRF token).
Each worker process keeps the last ``KEPT`` parts.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import render_template, request
from flask_babel import get_locale
from markupsafe import Markup

KEPT = 256

_parts: OrderedDict[tuple, Markup] = OrderedDict()
_lock = threading.Lock()


def render_kept(template: str, inputs: Hashable, **context) -> Markup:
    key = (template, str(get_locale()), request.script_root, inputs)  # links carry the script root
    with _lock:
        found = _parts.get(key)
        if found is not None:
            _parts.move_to_end(key)
            return found
    html = Markup(render_template(template, **context))
    with _lock:
        _parts[key] = html
        while len(_parts) > KEPT:
            _parts.popitem(last=False)
    return html
