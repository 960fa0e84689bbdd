"""What the area's forms share: the check of a time field ("09:30") and lists shown as check boxes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.validators import Regexp

from trainer.instructors.times import HHMM

TIME = Regexp(HHMM, message=_l("Write the time as 09:30."))
CHECKBOXES = {"checkboxes": True}
