from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import EqualTo, Length, Optional, Regexp

from trainer.auth.models import Role
from trainer.web.forms import Form, Required

MOBILE = Regexp(r"^1[3-9]\d{9}$", message=_l("Enter an 11-digit mainland mobile number, e.g. 13800138000."))
ROLE_LABELS = {
    Role.ADMIN: _l("City administrator"), Role.COORDINATOR: _l("District coordinator"),
    Role.LAWYER: _l("Lawyer"), Role.TRAINEE: _l("Trainee"), Role.INSTRUCTOR: _l("Instructor"),
}


class LoginForm(Form):
    username = StringField(_l("User name"), validators=[Required(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[Required()])
    submit = SubmitField(_l("Log in"))


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[Required()])
    new = PasswordField(_l("New password"), validators=[Required(), Length(min=10, message=_l(
        "Use at least 10 characters."))])
    confirm = PasswordField(_l("Repeat new password"), validators=[Required(), EqualTo(
        "new", message=_l("The two new passwords differ."))])
    submit = SubmitField(_l("Change password"))


class UserForm(Form):
    username = StringField(_l("User name"), validators=[Required(), Length(min=3, max=80), Regexp(
        r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dot, dash or underscore."))])
    display_name = StringField(_l("Full name"), validators=[Required(), Length(max=120)])
    role = SelectField(_l("Role"), choices=[(r.value, label) for r, label in ROLE_LABELS.items()])
    district_id = SelectField(_l("District"), coerce=int, validators=[Optional()])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), MOBILE])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(min=10, message=_l(
        "Use at least 10 characters."))])
    active = BooleanField(_l("Account active"), default=True)
    submit = SubmitField(_l("Save"))


class TokenForm(Form):
    name = StringField(_l("What is it for?"), validators=[Required(), Length(max=80)])
    submit = SubmitField(_l("Create token"))
