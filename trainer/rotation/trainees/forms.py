"""Forms of the trainee pages: the trainee, their login, the Excel import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional, Regexp

from trainer.auth.forms import MOBILE
from trainer.web.forms import Form, Required


class TraineeForm(Form):
    version = HiddenField()
    name = StringField(_l("Full name"), validators=[Required(), Length(max=60)])
    union_id = SelectField(_l("Union"), coerce=int, validators=[Required(message=_l("Choose a union."))])
    station_id = SelectField(_l("Service station"), coerce=int, validators=[Optional()])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), MOBILE])
    prior_experience = TextAreaField(_l("Prior mediation experience"), validators=[Optional(), Length(max=2000)])
    unavailable = StringField(_l("Cannot come on"), validators=[Optional(), Length(max=1000)],
                              description=_l("Dates such as 2026-10-12, ranges such as 2026-10-20..2026-10-22"))
    submit = SubmitField(_l("Save"))


class AccountForm(Form):
    username = StringField(_l("User name"), validators=[Required(), Length(min=3, max=80), Regexp(
        r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dot, dash or underscore."))])
    password = PasswordField(_l("First password"), validators=[Required(), Length(min=10, message=_l(
        "Use at least 10 characters."))])
    submit = SubmitField(_l("Create account"))


class ImportForm(Form):
    file = FileField(_l("Excel file (.xlsx)"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Import trainees"))
