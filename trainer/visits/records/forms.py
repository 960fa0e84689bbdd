"""The records' forms: a consultation, a no-show, a coordinator's correction of the times."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional, Regexp, ValidationError

from trainer.visits import labels
from trainer.web.forms import Form, Required


class ConsultationForm(Form):
    """One consultation taken at a visit. Single column on a phone (see static/css/visits.css)."""

    id_prefix = "consultation"  # shown beside other forms on one page

    version = HiddenField()
    asker_type = SelectField(_l("Who asked"), choices=lambda: labels.choices("asker"), default="worker")
    people_count = IntegerField(_l("How many people"), default=1,
                                validators=[Required(message=_l("Between 1 and 500 people.")),
                                            NumberRange(min=1, max=500, message=_l("Between 1 and 500 people."))])
    channel = SelectField(_l("Channel"), choices=lambda: labels.choices("channel"), default="on_site")
    category = SelectField(_l("Category"), choices=lambda: labels.choices("category"))
    enterprise_name = StringField(_l("Enterprise"), validators=[Optional(), Length(max=160)])
    question = TextAreaField(_l("Question (summary)"),
                             validators=[Required(message=_l("Summarise the question.")), Length(max=2000)])
    advice = TextAreaField(_l("Advice given"), validators=[Optional(), Length(max=4000)])
    referral = SelectField(_l("Referral"), choices=lambda: labels.choices("referral"), default="none")
    follow_up = BooleanField(_l("Follow-up needed"))
    follow_up_note = StringField(_l("Follow-up note"), validators=[Optional(), Length(max=300)])
    worker_name = StringField(_l("Worker's name"), validators=[Optional(), Length(max=60)],
                              description=_l("personal data: seen only by you and the district's coordinators"))
    worker_phone = StringField(_l("Worker's phone"), validators=[Optional(), Length(max=20)])
    submit = SubmitField(_l("Save the consultation"))


class MissedForm(Form):
    id_prefix = "missed"  # shown beside other forms on one page

    version = HiddenField()
    reason = SelectField(_l("Why the visit did not take place"), choices=lambda: labels.choices("missed"))
    note = StringField(_l("What happened"), validators=[Optional(), Length(max=300)],
                       description=_l("e.g. 律师发烧就医; 服务站临时停电闭站. A visit where nobody came is still delivered."))
    submit = SubmitField(_l("Record as missed"))


HHMM = r"^([01]?\d|2[0-3]):[0-5]\d$"
# A time picker on phones; "09:05" typed elsewhere.
TIME_INPUT = {"type": "time", "inputmode": "numeric"}


class LateRecordForm(Form):
    """The lawyer records a visit after its slot, saying why it is late (Beijing time, the visit's day)."""

    id_prefix = "late"  # shown beside other forms on one page

    version = HiddenField()
    checked_in = StringField(_l("Arrived at"), render_kw=TIME_INPUT)  # see validate_checked_in
    checked_out = StringField(_l("Left at"), render_kw=TIME_INPUT, validators=[
        Required(message=_l("Enter the time you left.")), Regexp(HHMM, message=_l("Enter a time such as 11:50."))])
    late_reason = TextAreaField(_l("Why it is recorded late"), validators=[
        Required(message=_l("Say why the visit is recorded late.")), Length(max=300)],
        description=_l("e.g. 手机没电，未能当场签到; kept with the record and shown to the coordinator."))
    submit = SubmitField(_l("Record the visit"))

    # Set by the page: the visit has no check-in yet, so the arrival is asked with the rest.
    needs_arrival = False

    def validate_checked_in(self, field) -> None:
        value = (field.data or "").strip()
        if not value:
            if self.needs_arrival:
                raise ValidationError(_l("Enter the time you arrived."))
        elif not re.match(HHMM, value):
            raise ValidationError(_l("Enter a time such as 09:05."))


class TimesForm(Form):
    """A coordinator's correction: the check-in and check-out times of a past visit (Beijing time), and why."""

    id_prefix = "times"  # shown beside other forms on one page

    version = HiddenField()
    checked_in = StringField(_l("Checked in at"), render_kw=TIME_INPUT, validators=[
        Required(message=_l("Enter a time such as 09:05.")), Regexp(HHMM, message=_l("Enter a time such as 09:05."))])
    checked_out = StringField(_l("Checked out at"), render_kw=TIME_INPUT, validators=[Optional(), Regexp(
        HHMM, message=_l("Enter a time such as 11:50."))])
    reason = StringField(_l("Why the record is corrected"), validators=[
        Required(message=_l("Say why the times are corrected.")), Length(max=300)],
        description=_l("kept in the audit log with the change"))
    submit = SubmitField(_l("Save the times"))


class CorrectionForm(Form):
    """A coordinator's correction of a visit's status (undo a no-show, undo a check-in), and why."""

    id_prefix = "correction"  # shown beside other forms on one page

    version = HiddenField()
    reason = StringField(_l("Why the record is corrected"), validators=[
        Required(message=_l("Say why the record is corrected.")), Length(max=300)],
        description=_l("kept in the audit log with the change"))
