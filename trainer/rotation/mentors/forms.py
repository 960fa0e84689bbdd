"""Forms of the mentor pages: the mentor with their duty days, and their leave."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Length, Optional

from trainer.auth.forms import MOBILE
from trainer.web.forms import Form, Required

WEEKDAY_CHOICES = [(0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")),
                   (4, _l("Friday"))]


class MentorForm(Form):
    version = HiddenField()
    name = StringField(_l("Full name"), validators=[Required(), Length(max=60)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), MOBILE])
    user_id = SelectField(_l("Login (lawyer account)"), coerce=int, validators=[Optional()])
    lawyer_id = SelectField(_l("The same person as lawyer"), coerce=int, validators=[Optional()],
                            description=_l("Their station visits, telephone duty and leave then count as busy "
                                           "when placements are planned, and the other way round."))
    duty_weekdays = SelectMultipleField(_l("On duty at the centre"), coerce=int, choices=WEEKDAY_CHOICES,
                                        render_kw={"checkboxes": True})
    on_makeup_days = BooleanField(_l("Also on make-up working days (调休上班日)"), default=True)
    submit = SubmitField(_l("Save"))


class UnavailableForm(Form):
    id_prefix = "unavailable"  # shown beside other forms on one page

    mentor_id = SelectField(_l("Mentor"), coerce=int)
    start = DateField(_l("From"), validators=[Required()])
    end = DateField(_l("Until"), validators=[Required()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Add leave"))
