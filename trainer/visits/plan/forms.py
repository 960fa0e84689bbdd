"""The plan's forms: the planning request, and moving, swapping, cancelling or pinning one visit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from trainer.visits.labels import HALF_CHOICES
from trainer.web.forms import Form, Required

MONTH = Regexp(r"^\d{4}-(0?[1-9]|1[0-2])$", message=_l("Write a month as 2027-01."))


class PlanForm(Form):
    first_month = StringField(_l("From month"), validators=[Required(), MONTH])
    last_month = StringField(_l("To month"), validators=[Required(), MONTH])
    mode = SelectField(_l("How"), choices=[
        ("replan", _l("Re-plan: keep pinned and valid visits, move as few as possible")),
        ("full", _l("Plan afresh: keep only pinned visits"))], default="replan")
    provisional = BooleanField(_l("Plan on a provisional calendar if a year is not announced"))
    submit = SubmitField(_l("Plan"))


class MoveForm(Form):
    version = HiddenField()
    day = DateField(_l("Day"), validators=[Required(message=_l("Enter a date such as 2027-01-12."))])
    half = SelectField(_l("Half-day"), choices=HALF_CHOICES)
    lawyer_id = SelectField(_l("Lawyer"), coerce=int)
    submit = SubmitField(_l("Move"))


class SwapForm(Form):
    version = HiddenField()
    other_id = SelectField(_l("Swap with"), coerce=int)
    other_version = HiddenField()
    submit = SubmitField(_l("Swap"))


class CancelForm(Form):
    version = HiddenField()
    note = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Cancel this visit"))


class PinForm(Form):
    """The pin / unpin button: the visit's version, so a stale click is refused."""

    version = HiddenField()
