from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from trainer.auth.forms import MOBILE

MONTH = Regexp(r"^\d{4}-(0?[1-9]|1[0-2])$", message=_l("Write a month as 2027-01."))
HALF_CHOICES = [("am", _l("morning")), ("pm", _l("afternoon"))]


def optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class FirmForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=60)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=20)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=250)])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class ContractForm(FlaskForm):
    version = HiddenField()
    reference = StringField(_l("Contract number"), validators=[Optional(), Length(max=60)])
    start = DateField(_l("First day"), validators=[DataRequired(message=_l("Enter a date such as 2027-01-01."))])
    end = DateField(_l("Last day"), validators=[DataRequired(message=_l("Enter a date such as 2027-12-31."))])
    stations_covered = IntegerField(_l("Stations covered"), default=0,
                                    validators=[Optional(), NumberRange(min=0, max=500)])
    visits_per_station_month = IntegerField(_l("Visits per station and month"), default=2,
                                            validators=[DataRequired(), NumberRange(min=1, max=8)])
    hours_per_visit = DecimalField(_l("Hours per visit"), default=3, places=1,
                                   validators=[DataRequired(), NumberRange(min=0.5, max=12)])
    submit = SubmitField(_l("Save"))


class LawyerForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    firm_id = SelectField(_l("Firm"), coerce=int)
    phone = StringField(_l("Mobile phone"), validators=[Optional(), MOBILE])
    specialities = StringField(_l("Specialities"), validators=[Optional(), Length(max=300)],
                               description=_l("separated by commas, e.g. 劳动争议, 工伤赔偿"))
    office_area = StringField(_l("Office near (street or area)"), validators=[Optional(), Length(max=80)])
    station_ids = SelectMultipleField(_l("Stations the lawyer may serve"), coerce=int, validators=[Optional()],
                                      description=_l("none chosen: any station of the district"))
    user_id = SelectField(_l("Login account"), coerce=optional_int, validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class LeaveForm(FlaskForm):
    start = DateField(_l("First day"), validators=[DataRequired(message=_l("Enter a date such as 2027-01-04."))])
    end = DateField(_l("Last day"), validators=[DataRequired(message=_l("Enter a date such as 2027-01-08."))])
    half = SelectField(_l("Only"), choices=[("", _l("whole days"))] + HALF_CHOICES, validators=[Optional()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add leave"))


class AssignForm(FlaskForm):
    version = HiddenField()
    firm_id = SelectField(_l("Firm"), coerce=int)
    lead_lawyer_id = SelectField(_l("Lead lawyer"), coerce=int)
    backup_lawyer_id = SelectField(_l("Backup lawyer"), coerce=optional_int, validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    submit = SubmitField(_l("Assign"))


class PlanForm(FlaskForm):
    first_month = StringField(_l("From month"), validators=[DataRequired(), MONTH])
    last_month = StringField(_l("To month"), validators=[DataRequired(), MONTH])
    mode = SelectField(_l("How"), choices=[
        ("replan", _l("Re-plan: keep pinned and valid visits, move as few as possible")),
        ("full", _l("Plan afresh: keep only pinned visits"))], default="replan")
    provisional = BooleanField(_l("Plan on a provisional calendar if a year is not announced"))
    submit = SubmitField(_l("Plan"))


class MoveForm(FlaskForm):
    version = HiddenField()
    day = DateField(_l("Day"), validators=[DataRequired(message=_l("Enter a date such as 2027-01-12."))])
    half = SelectField(_l("Half-day"), choices=HALF_CHOICES)
    lawyer_id = SelectField(_l("Lawyer"), coerce=int)
    submit = SubmitField(_l("Move"))


class SwapForm(FlaskForm):
    version = HiddenField()
    other_id = SelectField(_l("Swap with"), coerce=int)
    other_version = HiddenField()
    submit = SubmitField(_l("Swap"))


class CancelForm(FlaskForm):
    version = HiddenField()
    note = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Cancel this visit"))
