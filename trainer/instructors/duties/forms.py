"""The form adding an area to an instructor's duties."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import Length

from trainer.instructors.labels import AREA_LABELS
from trainer.web.forms import Form, Required


class ResponsibilityForm(Form):
    instructor_id = SelectField(_l("Instructor"), coerce=int)
    kind = SelectField(_l("Kind of area"), choices=list(AREA_LABELS.items()))
    value = StringField(_l("Street, industry or enterprise"), validators=[Required(), Length(max=120)])
