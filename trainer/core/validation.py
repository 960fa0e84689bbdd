"""The one error operations raise for bad input: field name -> message, shown beside the field or as 422 JSON."""

from __future__ import annotations


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
