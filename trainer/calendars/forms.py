from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField

from trainer.web.forms import Form

ALARM_LABELS = [
    ("none", _l("No reminder")),
    ("15", _l("15 minutes before")),
    ("60", _l("1 hour before")),
    ("1440", _l("1 day before")),
]


class AlarmForm(Form):
    alarm_minutes = RadioField(_l("Reminder in your calendar app"), choices=ALARM_LABELS, default="none",
                               description=_l("Your calendar app shows it before each event of this feed."))
    submit = SubmitField(_l("Save reminder"))
