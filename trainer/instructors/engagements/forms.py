"""The forms of an engagement and of its bargaining sessions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from trainer.instructors.forms import CHECKBOXES, TIME
from trainer.instructors.labels import STAGE_LABELS
from trainer.web.forms import Form, Required


class EngagementForm(Form):
    version = HiddenField()
    enterprise = StringField(_l("Enterprise"), validators=[Required(), Length(max=160)])
    union_name = StringField(_l("Enterprise union"), validators=[Required(), Length(max=160)])
    industry = SelectField(_l("Industry"), validators=[Optional()])
    street = SelectField(_l("Street"), validators=[Optional()])
    stage = SelectField(_l("Stage"), choices=list(STAGE_LABELS.items()))
    request_sent_on = DateField(_l("Request sent on"), validators=[Required()])
    reply_received_on = DateField(_l("Reply received on"), validators=[Optional()])
    agreement_signed_on = DateField(_l("Agreement signed on"), validators=[Optional()])
    filed_on = DateField(_l("Submitted to the labour bureau on"), validators=[Optional()])
    in_force_on = DateField(_l("In force from"), validators=[Optional()])
    instructor_ids = SelectMultipleField(_l("Instructors assigned"), coerce=int, render_kw=CHECKBOXES,
                                         validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])


class ProgressForm(Form):
    """What an assigned instructor reports: the stage reached and its dates (nothing else of the engagement)."""

    version = HiddenField()
    stage = SelectField(_l("Stage"), choices=list(STAGE_LABELS.items()))
    reply_received_on = DateField(_l("Reply received on"), validators=[Optional()])
    agreement_signed_on = DateField(_l("Agreement signed on"), validators=[Optional()])
    filed_on = DateField(_l("Submitted to the labour bureau on"), validators=[Optional()])
    in_force_on = DateField(_l("In force from"), validators=[Optional()])


class SessionForm(Form):
    version = HiddenField()
    day = DateField(_l("Day"), validators=[Required()])
    start_time = StringField(_l("Starts at"), default="14:00", validators=[Required(), TIME])
    end_time = StringField(_l("Ends at"), default="16:00", validators=[Required(), TIME])
    location = StringField(_l("Location"), validators=[Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
