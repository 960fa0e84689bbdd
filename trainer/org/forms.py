from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from trainer.auth.forms import MOBILE
from trainer.org.operations import HOURS as HOURS_PATTERN
from trainer.web.forms import Form, Required

KIND_LABELS = {"street": _l("Street / area union"), "industry": _l("Industry union"),
               "zone": _l("Functional-zone union")}
HOURS = Regexp(HOURS_PATTERN, message=_l("Write hours as 09:00-12:00."))


class UnionForm(Form):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[Required(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    street = StringField(_l("Street or town covered"), validators=[Optional(), Length(max=80)])
    district_id = SelectField(_l("District"), coerce=int)
    submit = SubmitField(_l("Save"))


class StationForm(Form):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[Required(), Length(max=120)])
    union_id = SelectField(_l("Union"), coerce=int)
    address = StringField(_l("Address"), validators=[Required(), Length(max=250)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=60)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), MOBILE])
    contact_email = StringField(_l("Contact e-mail"), validators=[Optional(), Length(max=200)],
                                description=_l("Told by e-mail when the station's visits are added, moved or "
                                               "cancelled"))
    receiving = SelectMultipleField(_l("Receiving half-days"), validators=[Required(message=_l(
        "Choose at least one half-day when the station receives visitors."))])
    am_hours = StringField(_l("Morning hours"), default="09:00-12:00", validators=[Required(), HOURS])
    pm_hours = StringField(_l("Afternoon hours"), default="14:00-17:00", validators=[Required(), HOURS])
    rhythm = StringField(_l("Preferred rhythm"), validators=[Optional(), Regexp(
        r"^\s*[1-5]-[1-7](\s*,\s*[1-5]-[1-7])*\s*$",
        message=_l("Write week-of-month and weekday pairs, e.g. 2-2, 4-2 for the 2nd and 4th Tuesday."))],
        description=_l("Which week of the month, a dash, which weekday (1 = Monday … 7 = Sunday); several separated "
                       "by commas. E.g. 2-2, 4-2 = the 2nd and 4th Tuesday of every month. Leave empty for no "
                       "preference."))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))
