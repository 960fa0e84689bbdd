"""The forms recording training hours and the yearly assessment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from trainer.instructors.labels import RESULT_LABELS
from trainer.web.forms import Form, Required


class TrainingForm(Form):
    instructor_id = SelectField(_l("Instructor"), coerce=int)
    course = StringField(_l("Course"), validators=[Required(), Length(max=160)])
    hours = DecimalField(_l("Hours"), places=1, validators=[Required(), NumberRange(min=0.5, max=500)])
    day = DateField(_l("Day"), validators=[Optional()])


class AssessmentForm(Form):
    instructor_id = SelectField(_l("Instructor"), coerce=int)
    result = SelectField(_l("Result"), choices=list(RESULT_LABELS.items()))
    score = DecimalField(_l("Score"), places=1, validators=[Optional(), NumberRange(min=0, max=100)])
    remarks = StringField(_l("Remarks"), validators=[Optional(), Length(max=500)])
