"""The one error operations raise for bad input: field name -> message, shown beside the field or as 422 JSON."""

from __future__ import annotations

from datetime import date, timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from trainer.core.i18n import format_day


class InvalidInput(Exception):
    def __init__(self, fields: dict[str, str] | None = None, message: str | None = None):
        self.fields = dict(fields or {})
        self.message = message or "; ".join(self.fields.values())
        super().__init__(self.message)

    def messages_of(self, name: str) -> list[str]:
        """The messages about one field (a subclass may keep several apart, each shown on its own line)."""
        return [self.fields[name]]


def form_errors_from(form, error: InvalidInput) -> None:
    """Put an operation's errors beside the form's fields (unknown names go to the form as a whole)."""
    for name in error.fields:
        messages = error.messages_of(name)
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + messages
        else:
            form.form_errors.extend(messages)
    if not error.fields and error.message:
        form.form_errors.append(error.message)


# How far ahead anything may be put on a calendar by hand (a meeting, a bargaining session, a placement's or a
# visit's new day): two years, the reach of the official working-day calendar and of the programme years.
PLAN_REACH_DAYS = 731


def check_reach(day: date | None, field: str, *, today: date, past_allowed: bool = False) -> None:
    """Refuse a day no plan can hold: before ``today`` (unless ``past_allowed``: a record of what already took
    place) or more than ``PLAN_REACH_DAYS`` after it. The one check of those bounds for every programme."""
    if day is None:
        return
    if day < today and not past_allowed:
        raise InvalidInput({field: _("%(day)s has passed; choose today or a later day.", day=format_day(day))})
    limit = today + timedelta(days=PLAN_REACH_DAYS)
    if day > limit:
        raise InvalidInput({field: _("%(day)s is too far ahead; plan up to %(limit)s.", day=format_day(day),
                                     limit=format_day(limit))})


def clean_email(value: str | None, field: str) -> str | None:
    """An e-mail address as typed, checked by email-validator (the form of the address, no network lookup);
    None when empty. The one check of e-mail addresses for forms, API and imports."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if len(value) > 200:
            raise EmailNotValidError(value)
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput({field: _("Write an e-mail address such as name@example.cn.")}) from None
    return value
