"""Every form's base class, the one way a form is saved, and the one behaviour for a stale edit.

Every form of the app is a ``Form`` (not a bare ``FlaskForm``): after its fields' own validators, each value is
held to the app's input rule (``trainer.core.inputs``: dates 2000–2100, 32-bit whole numbers, no control
characters or lone surrogates; a tab or a line break only in a textarea), the message beside the field.

A view builds its form, then hands ``save_form`` the operation to run::

    response = save_form(form, lambda: operations.save_firm(firm, ...), record=firm,
                         message=lambda firm: _("Firm %(name)s saved.", name=firm.name),
                         next_url=lambda firm: url_for("visits.firm_edit", firm_id=firm.id))
    if response is not None:
        return response
    return render_template(..., form=form)

- valid form, the operation succeeds: one commit, a success message (or, when ``message`` returns a list of
  ``(text, category)`` pairs, each of them), a redirect (post/redirect/get);
- the operation raises ``InvalidInput``: nothing is kept, the form is shown again with what the user typed and
  each message beside its field;
- someone else saved the record since the form was opened (``StaleEdit`` from the form's hidden version, or
  ``StaleDataError`` from the database's version check in a race): nothing is kept, and the same page is shown
  again with the other person's saved values and a message naming who changed it and when.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import inspect
from sqlalchemy.orm.exc import StaleDataError
from wtforms import Field, FieldList, FileField, FormField, TextAreaField
from wtforms.validators import DataRequired, StopValidation

from trainer.audit.models import last_change
from trainer.core.concurrency import StaleEdit
from trainer.core.extensions import db
from trainer.core.i18n import format_moment
from trainer.core.inputs import is_multiline, text_problem, value_problem
from trainer.core.validation import InvalidInput, form_errors_from

T = TypeVar("T")


class Form(FlaskForm):
    """The base of every form: its own validation, then the input rule on every field.

    ``id_prefix``: for a form shown on a page beside others, a word put before each of its fields' HTML ids (the
    names, and so what is posted, stay the same), so no two fields of a page share an id and each label, help
    and message points at its own field (two forms' "reason" fields would otherwise both be ``id="reason"``,
    and the second label would focus the first field). The crawl reports any page with an id twice.
    """

    id_prefix: str = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.id_prefix:
            for field in self:
                field.id = f"{self.id_prefix}-{field.id}"
                field.label.field_id = field.id

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return bounded(self) and valid


class Required(DataRequired):
    """The "required" rule of every form. Unlike WTForms' DataRequired, a number 0 is a value (its range rule
    speaks, "from 1 to 50"), and a value the field could not read keeps the field's own message ("not a valid
    date" for 2026-02-30) instead of being called missing."""

    def __call__(self, form, field) -> None:
        if isinstance(field.data, int | float | Decimal) and not isinstance(field.data, bool) and field.data == 0:
            return
        if field.process_errors and any(str(raw).strip() for raw in field.raw_data or ()):
            raise StopValidation()  # the field's own message about what it could not read stays
        super().__call__(form, field)


def form_page(template: str, **context):
    """A form's page: 200 when asked for, 422 when shown again after a refused post (what was typed, each error
    beside its field)."""
    return render_template(template, **context), (422 if request.method == "POST" else 200)


def bounded(form) -> bool:
    """Hold every field of ``form`` (and of its sub-forms and lists) to the input rule; False when one breaks it,
    with the message beside that field."""
    fine = True
    for field in form:
        if isinstance(field, FieldList):
            fine = all([bounded_field(entry) for entry in field.entries]) and fine
        elif not isinstance(field, FileField):
            fine = bounded_field(field) and fine
    return fine


def bounded_field(field: Field) -> bool:
    if isinstance(field, FormField):
        return bounded(field.form)
    if field.errors:
        return False  # its own message says enough
    multiline = isinstance(field, TextAreaField) or is_multiline(field.name)
    values = field.data if isinstance(field.data, list | tuple) else [field.data]
    for value in values:
        problem = (text_problem(value, multiline=multiline) if isinstance(value, str)
                   else value_problem(value))
        if problem:
            field.errors = [*field.errors, problem]
            return False
    return True


def _resolve(value: Callable[[Any], str] | str, result: Any) -> str:
    return value(result) if callable(value) else value


def save_form(form, save: Callable[[], T], *, message: Callable[[T], str | list[tuple[str, str]]] | str,
              next_url: Callable[[T], str] | str, record: Any = None,
              category: Callable[[T], str] | str = "success"):
    """Run ``save`` for a submitted, valid form; answer a redirect, or None when the form is to be shown.

    ``message`` is one text shown as ``category`` ("success", or "warning" when the saved result needs a
    look), or a list of (text, category) pairs."""
    if not form.validate_on_submit():
        return None
    try:
        result = save()
        db.session.flush()
    except InvalidInput as error:
        db.session.rollback()
        form_errors_from(form, error)
        return None
    except (StaleEdit, StaleDataError) as error:
        return stale_edit_answer(getattr(error, "obj", None) or record)
    db.session.commit()
    told = _resolve(message, result)
    for text, kind in (told if isinstance(told, list) else [(told, _resolve(category, result))]):
        flash(text, kind)
    return redirect(_resolve(next_url, result))


def stale_message(record: Any) -> str:
    """'王芳 saved this record at …': who saved the version now in the database, from the audit log."""
    entry = None
    identity = inspect(record).identity if record is not None else None
    if identity:
        entry = last_change(type(record).__name__, ",".join(str(part) for part in identity))
    if entry is None:
        return _("Someone else saved this record after you opened it. The form now shows what is saved; "
                 "check it and make your change again.")
    who = entry.user.display_name if entry.user is not None else _("the system")
    return _("%(who)s saved this record at %(when)s, after you opened it. The form now shows what they saved; "
             "check it and make your change again.", who=who, when=format_moment(entry.at))


def stale_edit_answer(record: Any = None):
    """Nothing of the refused edit is kept; the page is shown again (GET) with the saved values and a message."""
    identity = inspect(record).identity if record is not None else None
    model = type(record) if record is not None else None
    db.session.rollback()
    current = db.session.get(model, identity) if identity else None
    flash(stale_message(current), "warning")
    target = request.url if _shows_itself(request) else (request.referrer or request.url)
    return redirect(target, code=303)


def _shows_itself(req) -> bool:
    """Whether the URL that was posted to also answers GET (a form page), so redirecting there shows the form."""
    rule = req.url_rule
    return rule is not None and "GET" in (rule.methods or ())
