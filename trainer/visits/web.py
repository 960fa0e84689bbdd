"""What the visits pages do the same way: the month a page shows (``?month=2027-01``), a range of days
(``?from=2027-01-01&to=2027-01-31``) and a button that runs one operation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import flash, redirect, request
from flask_babel import gettext as _

from trainer.core.clock import today_local
from trainer.core.inputs import parse_day
from trainer.core.months import Month, month_bounds, month_key, month_of, parse_month, shift_month
from trainer.core.validation import InvalidInput
from trainer.web.forms import Form, save_form

MAX_RANGE_DAYS = 400


def month_arg(default: date | None = None) -> Month:
    """The month named by ``?month=``; this month (or ``default``'s) when it is missing or not a month."""
    raw = request.args.get("month")
    if raw:
        try:
            return parse_month(raw)
        except InvalidInput:
            pass
    return month_of(default or today_local())


def month_links(month: Month) -> dict[str, str]:
    """The month and its neighbours as ``?month=`` values, for the page's back and forth links."""
    return {"month_key": month_key(month), "prev_month": month_key(shift_month(month, -1)),
            "next_month": month_key(shift_month(month, 1))}


def range_args() -> tuple[date, date]:
    """``?from=&to=`` (ISO days, this month by default). A bad or too long range raises InvalidInput naming
    the field (``from`` or ``to``), for the page to show beside the dates as typed."""
    first, last = month_bounds(month_of(today_local()))
    first = parse_day(request.args.get("from") or first.isoformat())
    last = parse_day(request.args.get("to") or last.isoformat())
    if first is None:
        raise InvalidInput({"from": _("Give the first day as a date.")})
    if last is None:
        raise InvalidInput({"to": _("Give the last day as a date.")})
    if last < first:
        raise InvalidInput({"to": _("The last day comes before the first.")})
    if (last - first) > timedelta(days=MAX_RANGE_DAYS):
        raise InvalidInput({"to": _("At most %(n)s days at a time.", n=MAX_RANGE_DAYS)})
    return first, last


def optional_int(value):
    """A select's value as an id, or None for "— none —" (and for anything that is not a number)."""
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class ButtonForm(Form):
    """A button that posts nothing but its CSRF token (check in, reopen, …)."""


def button_action(save: Callable[[], Any], *, message: Callable[[Any], str] | str, next_url: str):
    """Run one operation for a button through ``save_form``; a refusal is flashed and the page shown again."""
    form = ButtonForm()
    response = save_form(form, save, message=message, next_url=next_url)
    if response is not None:
        return response
    for error in form.form_errors or [e for errors in form.errors.values() for e in errors]:
        flash(error, "error")
    return redirect(next_url)
