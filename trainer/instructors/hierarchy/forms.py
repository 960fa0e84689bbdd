"""The forms of the instructors and their place in the hierarchy."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from trainer.auth.forms import MOBILE
from trainer.instructors.forms import CHECKBOXES
from trainer.instructors.labels import BACKGROUND_LABELS, STATUS_LABELS, TIER_LABELS
from trainer.web.forms import Form, Required


class InstructorForm(Form):
    version = HiddenField()
    name = StringField(_l("Full name"), validators=[Required(), Length(max=60)])
    tier = SelectField(_l("Tier"), choices=list(TIER_LABELS.items()))
    district_id = SelectField(_l("District"), coerce=int, validators=[Optional()],
                              description=_l("Empty for a city instructor."))
    guide_id = SelectField(_l("Guided by"), coerce=int, validators=[Optional()],
                           description=_l("District full-time: a city full-time instructor. Part-time: a district "
                                          "full-time instructor of the same district."))
    phone = StringField(_l("Mobile phone"), validators=[Optional(), MOBILE])
    background = SelectField(_l("Background"), choices=list(BACKGROUND_LABELS.items()))
    specialities = SelectMultipleField(_l("Specialities (industries)"), render_kw=CHECKBOXES,
                                       validators=[Optional()])
    term_from = DateField(_l("Appointed from"), validators=[Optional()])
    term_to = DateField(_l("Appointed until"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()))
    user_id = SelectField(_l("Instructor account"), coerce=int, validators=[Optional()],
                          description=_l("The login the instructor uses to see their own page and calendar; for a "
                                         "lawyer who also instructs, the lawyer's own (one agenda, one calendar)."))
    new_username = StringField(_l("…or create an account: user name"), validators=[Optional(), Length(min=3, max=80),
                               Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dot, dash or underscore."))])
    new_password = StringField(_l("First password of the new account"), validators=[Optional(), Length(
        min=10, message=_l("Use at least 10 characters."))])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class GuideForm(Form):
    version = HiddenField()
    guide_id = SelectField(_l("Guided by"), coerce=int, validators=[Optional()])
