"""What the operator's commands share: a district named by its code, an operation's refusal as a message, and
a request context for commands that translate or write the audit log."""

from __future__ import annotations

import functools

import click
from flask import current_app

from trainer.core.validation import InvalidInput
from trainer.org.models import District


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
    """Run a command in a plain request context: translations and the audit log need one; the command then
    speaks Chinese (the default locale) and is logged as "system"."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with current_app.test_request_context("/"):
            return func(*args, **kwargs)

    return wrapper
