from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from trainer.auth.forms import MOBILE
from trainer.instructors.operations import (
    AREA_LABELS,
    BACKGROUND_LABELS,
    PAIR_LABELS,
    RESULT_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    TIER_LABELS,
)

TIME = Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=_l("Write the time as 09:30."))
CHECKBOXES = {"checkboxes": True}


class InstructorForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
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
                          description=_l("The login the instructor uses to see their own page and calendar."))
    new_username = StringField(_l("…or create an account: user name"), validators=[Optional(), Length(min=3, max=80),
                               Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dot, dash or underscore."))])
    new_password = StringField(_l("First password of the new account"), validators=[Optional(), Length(
        min=10, message=_l("Use at least 10 characters."))])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class GuideForm(FlaskForm):
    version = HiddenField()
    guide_id = SelectField(_l("Guided by"), coerce=int, validators=[Optional()])


class ResponsibilityForm(FlaskForm):
    instructor_id = SelectField(_l("Instructor"), coerce=int)
    kind = SelectField(_l("Kind of area"), choices=list(AREA_LABELS.items()))
    value = StringField(_l("Street, industry or enterprise"), validators=[DataRequired(), Length(max=120)])


RULE_PRESETS = [
    ("FREQ=MONTHLY;BYDAY=2TU", _l("Monthly, second Tuesday")),
    ("FREQ=MONTHLY;BYMONTHDAY=1", _l("Monthly, on the 1st")),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", _l("Every two weeks, Wednesday")),
    ("FREQ=WEEKLY;BYDAY=MO", _l("Weekly, Monday")),
]


class SeriesForm(FlaskForm):
    version = HiddenField()
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    organiser_id = SelectField(_l("Organiser"), coerce=int)
    pair = SelectField(_l("Between"), choices=list(PAIR_LABELS.items()))
    district_id = SelectField(_l("District"), coerce=int, validators=[Optional()],
                              description=_l("For a city → district meeting: the district, or empty for all."))
    rrule = StringField(_l("Recurrence rule"), validators=[DataRequired(), Length(max=200)],
                        description=_l("iCalendar RRULE, e.g. FREQ=MONTHLY;BYDAY=2TU (second Tuesday) or "
                                       "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE (every other Wednesday)."))
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    until = DateField(_l("Last day"), validators=[Optional()])
    start_time = StringField(_l("Starts at"), default="09:30", validators=[DataRequired(), TIME])
    end_time = StringField(_l("Ends at"), default="11:30", validators=[DataRequired(), TIME])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    active = BooleanField(_l("Active"), default=True)


class MoveMeetingForm(FlaskForm):
    version = HiddenField()
    day = DateField(_l("Day"), validators=[DataRequired()])
    start_time = StringField(_l("Starts at"), validators=[DataRequired(), TIME])
    end_time = StringField(_l("Ends at"), validators=[DataRequired(), TIME])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])


class CancelForm(FlaskForm):
    version = HiddenField()
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])


class RecordForm(FlaskForm):
    version = HiddenField()
    present = SelectMultipleField(_l("Present"), coerce=int, render_kw=CHECKBOXES, validators=[Optional()])
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=20000)])


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    organiser_id = SelectField(_l("Organiser"), coerce=int)
    day = DateField(_l("Day"), validators=[DataRequired()])
    start_time = StringField(_l("Starts at"), default="09:30", validators=[DataRequired(), TIME])
    end_time = StringField(_l("Ends at"), default="11:30", validators=[DataRequired(), TIME])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])


class EngagementForm(FlaskForm):
    version = HiddenField()
    enterprise = StringField(_l("Enterprise"), validators=[DataRequired(), Length(max=160)])
    union_name = StringField(_l("Enterprise union"), validators=[DataRequired(), Length(max=160)])
    industry = SelectField(_l("Industry"), validators=[Optional()])
    street = SelectField(_l("Street"), validators=[Optional()])
    stage = SelectField(_l("Stage"), choices=list(STAGE_LABELS.items()))
    request_sent_on = DateField(_l("Request sent on"), validators=[DataRequired()])
    reply_received_on = DateField(_l("Reply received on"), validators=[Optional()])
    agreement_signed_on = DateField(_l("Agreement signed on"), validators=[Optional()])
    filed_on = DateField(_l("Submitted to the labour bureau on"), validators=[Optional()])
    in_force_on = DateField(_l("In force from"), validators=[Optional()])
    instructor_ids = SelectMultipleField(_l("Instructors assigned"), coerce=int, render_kw=CHECKBOXES,
                                         validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])


class SessionForm(FlaskForm):
    version = HiddenField()
    day = DateField(_l("Day"), validators=[DataRequired()])
    start_time = StringField(_l("Starts at"), default="14:00", validators=[DataRequired(), TIME])
    end_time = StringField(_l("Ends at"), default="16:00", validators=[DataRequired(), TIME])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])


class TrainingForm(FlaskForm):
    instructor_id = SelectField(_l("Instructor"), coerce=int)
    course = StringField(_l("Course"), validators=[DataRequired(), Length(max=160)])
    hours = DecimalField(_l("Hours"), places=1, validators=[DataRequired(), NumberRange(min=0.5, max=500)])
    day = DateField(_l("Day"), validators=[Optional()])


class AssessmentForm(FlaskForm):
    instructor_id = SelectField(_l("Instructor"), coerce=int)
    result = SelectField(_l("Result"), choices=list(RESULT_LABELS.items()))
    score = DecimalField(_l("Score"), places=1, validators=[Optional(), NumberRange(min=0, max=100)])
    remarks = StringField(_l("Remarks"), validators=[Optional(), Length(max=500)])


class ImportForm(FlaskForm):
    file = FileField(_l("Excel file (.xlsx)"), validators=[FileRequired(), FileAllowed(
        ["xlsx"], _l("Upload an .xlsx file."))])

