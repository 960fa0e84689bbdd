from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
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


# --------------------------------------------------------------------------------------------------- part 2

def _label_choices(kind: str):
    from trainer.visits.labels import choices

    return choices(kind)


class ConsultationForm(FlaskForm):
    """One consultation taken at a visit. Single column on a phone (see static/css/visits.css)."""

    version = HiddenField()
    asker_type = SelectField(_l("Who asked"), choices=lambda: _label_choices("asker"), default="worker")
    people_count = IntegerField(_l("How many people"), default=1,
                                validators=[DataRequired(message=_l("Between 1 and 500 people.")),
                                            NumberRange(min=1, max=500, message=_l("Between 1 and 500 people."))])
    channel = SelectField(_l("Channel"), choices=lambda: _label_choices("channel"), default="on_site")
    category = SelectField(_l("Category"), choices=lambda: _label_choices("category"))
    enterprise_name = StringField(_l("Enterprise"), validators=[Optional(), Length(max=160)])
    question = TextAreaField(_l("Question (summary)"),
                             validators=[DataRequired(message=_l("Summarise the question.")), Length(max=2000)])
    advice = TextAreaField(_l("Advice given"), validators=[Optional(), Length(max=4000)])
    referral = SelectField(_l("Referral"), choices=lambda: _label_choices("referral"), default="none")
    follow_up = BooleanField(_l("Follow-up needed"))
    follow_up_note = StringField(_l("Follow-up note"), validators=[Optional(), Length(max=300)])
    worker_name = StringField(_l("Worker's name"), validators=[Optional(), Length(max=60)],
                              description=_l("personal data: seen only by you and the district's coordinators"))
    worker_phone = StringField(_l("Worker's phone"), validators=[Optional(), Length(max=20)])
    submit = SubmitField(_l("Save the consultation"))


class MissedForm(FlaskForm):
    version = HiddenField()
    reason = SelectField(_l("Why the visit did not take place"), choices=lambda: _label_choices("missed"))
    note = StringField(_l("What happened"), validators=[Optional(), Length(max=300)],
                       description=_l("e.g. 律师发烧就医; 服务站临时停电闭站. A visit where nobody came is still delivered."))
    submit = SubmitField(_l("Record as missed"))


class TimesForm(FlaskForm):
    """A coordinator's correction: the check-in and check-out times of a past visit (Beijing time)."""

    version = HiddenField()
    checked_in = StringField(_l("Checked in at"), validators=[DataRequired(message=_l("Enter a time such as 09:05.")),
                                                              Regexp(r"^([01]?\d|2[0-3]):[0-5]\d$",
                                                                     message=_l("Enter a time such as 09:05."))])
    checked_out = StringField(_l("Checked out at"), validators=[Optional(), Regexp(
        r"^([01]?\d|2[0-3]):[0-5]\d$", message=_l("Enter a time such as 11:50."))])
    submit = SubmitField(_l("Save the times"))


class DutyPeriodForm(FlaskForm):
    version = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)],
                        description=_l("e.g. 疫情防控特别时期24小时法律咨询电话值班"))
    first_day = DateField(_l("First day"), validators=[DataRequired(message=_l("Enter a date such as 2026-11-02."))])
    last_day = DateField(_l("Last day"), validators=[DataRequired(message=_l("Enter a date such as 2026-11-15."))])
    shifts = StringField(_l("Shifts"), default="00:00-08:00, 08:00-16:00, 16:00-24:00",
                         validators=[DataRequired(), Length(max=200)])
    per_shift = IntegerField(_l("Lawyers per shift"), default=1,
                             validators=[DataRequired(), NumberRange(min=1, max=5)])
    phone = StringField(_l("Hotline number"), validators=[Optional(), Length(max=40)])
    lawyer_ids = SelectMultipleField(_l("Lawyers on the roster"), coerce=int, validators=[Optional()],
                                     render_kw={"checkboxes": True})
    submit = SubmitField(_l("Save"))


class ShiftChangeForm(FlaskForm):
    version = HiddenField()
    remove_lawyer_id = SelectField(_l("Take off"), coerce=optional_int, validators=[Optional()])
    lawyer_id = SelectField(_l("Put on duty"), coerce=optional_int, validators=[Optional()])
    submit = SubmitField(_l("Change the shift"))


class ImportForm(FlaskForm):
    file = FileField(_l("Excel file (.xlsx)"), validators=[FileRequired(message=_l("Choose a file.")), FileAllowed(
        ["xlsx"], _l("Upload an .xlsx file."))])
    submit = SubmitField(_l("Import"))
