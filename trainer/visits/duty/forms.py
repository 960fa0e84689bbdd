"""The duty roster's forms: a duty period, and changing one shift by hand."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import Length, NumberRange, Optional

from trainer.visits.web import optional_int
from trainer.web.forms import Form, Required


class DutyPeriodForm(Form):
    version = HiddenField()
    title = StringField(_l("Title"), validators=[Required(), Length(max=120)],
                        description=_l("e.g. 疫情防控特别时期24小时法律咨询电话值班"))
    first_day = DateField(_l("First day"), validators=[Required(message=_l("Enter a date such as 2026-11-02."))])
    last_day = DateField(_l("Last day"), validators=[Required(message=_l("Enter a date such as 2026-11-15."))])
    shifts = StringField(_l("Shifts"), default="00:00-08:00, 08:00-16:00, 16:00-24:00",
                         validators=[Required(), Length(max=200)])
    per_shift = IntegerField(_l("Lawyers per shift"), default=1,
                             validators=[Required(), NumberRange(min=1, max=5)])
    phone = StringField(_l("Hotline number"), validators=[Optional(), Length(max=40)])
    lawyer_ids = SelectMultipleField(_l("Lawyers on the roster"), coerce=int, validators=[Optional()],
                                     render_kw={"checkboxes": True})
    submit = SubmitField(_l("Save"))


class ShiftChangeForm(Form):
    version = HiddenField()
    remove_lawyer_id = SelectField(_l("Take off"), coerce=optional_int, validators=[Optional()])
    lawyer_id = SelectField(_l("Put on duty"), coerce=optional_int, validators=[Optional()])
    submit = SubmitField(_l("Change the shift"))
