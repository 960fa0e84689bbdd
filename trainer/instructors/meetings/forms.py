"""The forms of meeting series and single meetings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from trainer.instructors.forms import CHECKBOXES, TIME
from trainer.instructors.labels import PAIR_LABELS
from trainer.web.forms import Form, Required

RULE_PRESETS = [
    ("FREQ=MONTHLY;BYDAY=2TU", _l("Monthly, second Tuesday")),
    ("FREQ=MONTHLY;BYMONTHDAY=1", _l("Monthly, on the 1st")),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", _l("Every two weeks, Wednesday")),
    ("FREQ=WEEKLY;BYDAY=MO", _l("Weekly, Monday")),
]


class SeriesForm(Form):
    version = HiddenField()
    title = StringField(_l("Title"), validators=[Required(), Length(max=120)])
    organiser_id = SelectField(_l("Organiser"), coerce=int)
    pair = SelectField(_l("Between"), choices=list(PAIR_LABELS.items()))
    district_id = SelectField(_l("District"), coerce=int, validators=[Optional()],
                              description=_l("For a city → district meeting: the district, or empty for all."))
    rrule = StringField(_l("Recurrence rule"), validators=[Required(), Length(max=200)],
                        description=_l("Choose one of the common rules below, or write an iCalendar rule "
                                       "(RRULE); the page says it in words once saved."))
    starts_on = DateField(_l("First day"), validators=[Required()])
    until = DateField(_l("Last day"), validators=[Optional()])
    start_time = StringField(_l("Starts at"), default="09:30", validators=[Required(), TIME])
    end_time = StringField(_l("Ends at"), default="11:30", validators=[Required(), TIME])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    active = BooleanField(_l("Active"), default=True)


class MoveMeetingForm(Form):
    id_prefix = "move"  # shown beside other forms on one page

    version = HiddenField()
    day = DateField(_l("Day"), validators=[Required()])
    start_time = StringField(_l("Starts at"), validators=[Required(), TIME])
    end_time = StringField(_l("Ends at"), validators=[Required(), TIME])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])


class CancelForm(Form):
    id_prefix = "cancel"  # shown beside other forms on one page

    version = HiddenField()
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])


class RecordForm(Form):
    id_prefix = "record"  # shown beside other forms on one page

    version = HiddenField()
    present = SelectMultipleField(_l("Present"), coerce=int, render_kw=CHECKBOXES, validators=[Optional()])
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=20000)])


class MeetingForm(Form):
    title = StringField(_l("Title"), validators=[Required(), Length(max=120)])
    organiser_id = SelectField(_l("Organiser"), coerce=int)
    day = DateField(_l("Day"), validators=[Required()])
    start_time = StringField(_l("Starts at"), default="09:30", validators=[Required(), TIME])
    end_time = StringField(_l("Ends at"), default="11:30", validators=[Required(), TIME])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
