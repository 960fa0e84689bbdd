"""Forms of the programme-year pages: the settings, a blackout period, the selection of unions."""

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

from trainer.rotation.labels import STATUS_LABELS
from trainer.web.forms import Form, Required


class ProgrammeYearForm(Form):
    version = HiddenField()
    year = IntegerField(_l("Year"), validators=[Required(), NumberRange(2000, 2100)])
    trainee_target = IntegerField(_l("Trainees this year"), default=8, validators=[Required(),
                                                                                    NumberRange(0, 500)])
    centre_name = StringField(_l("Mediation centre"), validators=[Required(), Length(max=120)])
    centre_address = StringField(_l("Centre address"), validators=[Optional(), Length(max=250)])
    capacity = IntegerField(_l("Trainees the centre hosts at once"), default=2,
                            validators=[Required(), NumberRange(1, 50)])
    placement_length = IntegerField(_l("Placement length (working days)"), default=10,
                                    validators=[Required(), NumberRange(2, 30)],
                                    description=_l("The first half is guided, the second half independent."))
    mentor_max_trainees = IntegerField(_l("Trainees per mentor a day"), default=2,
                                       validators=[Required(), NumberRange(1, 10)])
    window_start = DateField(_l("Placements from"), validators=[Optional()])
    window_end = DateField(_l("Placements until"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()))
    submit = SubmitField(_l("Save"))


class BlackoutForm(Form):
    id_prefix = "blackout"  # shown beside other forms on one page

    label = StringField(_l("Name of the period"), validators=[Required(), Length(max=80)],
                        description=_l("e.g. 春节, 国庆节"))
    start = DateField(_l("From"), validators=[Required()])
    end = DateField(_l("Until"), validators=[Required()])
    submit = SubmitField(_l("Add blackout"))


class SelectionForm(Form):
    union_ids = SelectMultipleField(_l("Unions sending a trainee"), coerce=int, render_kw={"checkboxes": True})
    submit = SubmitField(_l("Save selection"))
