"""What the operator's commands share: a district named by its code, dates and years held to the input rule
(``DAY``, ``YEAR``), an operation's refusal as a message, and the request context a command's translations and
audit entries need."""

from __future__ import annotations

import functools
from datetime import date

import click
from flask import current_app

from trainer.core.inputs import FIRST_DAY, LAST_DAY, date_problem
from trainer.core.validation import InvalidInput
from trainer.org.models import District


class Day(click.ParamType):
    """A date argument (YYYY-MM-DD) within the dates the app accepts (``trainer.core.inputs``)."""

    name = "date"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            day = value
        else:
            try:
                day = date.fromisoformat(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a date; write YYYY-MM-DD", param, ctx)
        if problem := date_problem(day):
            self.fail(problem, param, ctx)
        return day


DAY = Day()
YEAR = click.IntRange(FIRST_DAY.year, LAST_DAY.year)


def district_of(code: str | None, *, required: bool = True, param_hint: str = "--district") -> District | None:
    """The district with that code (``chaoyang``); a code that names none is a usage error."""
    if not code:
        if required:
            raise click.BadParameter("name a district (its code, e.g. chaoyang)", param_hint=param_hint)
        return None
    district = District.by_code(code)
    if district is None:
        raise click.BadParameter(f"no district {code!r}", param_hint=param_hint)
    return district


def refused(error: InvalidInput) -> click.ClickException:
    """An operation's InvalidInput as the command's error message (every field named)."""
    lines = [error.message] if not error.fields else [f"{name}: {message}" for name, message in error.fields.items()]
    return click.ClickException("\n".join(lines))


def in_request(func):
    """Run a command inside a plain request context: translations and the audit log need one (Chinese, 'system')."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with current_app.test_request_context("/"):
            return func(*args, **kwargs)

    return wrapper
