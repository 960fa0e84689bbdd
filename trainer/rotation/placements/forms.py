"""Forms of the placement pages: planning the year, moving a placement."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, RadioField, SelectField, SubmitField

from trainer.web.forms import Form, Required


class PlanForm(Form):
    id_prefix = "plan"  # shown beside other forms on one page

    mode = RadioField(_l("How"), choices=[("replan", _l("Re-plan with least change")),
                                           ("full", _l("Plan afresh (pinned placements stay)"))], default="replan")
    provisional = BooleanField(_l("Allow a provisional working-day calendar"))
    submit = SubmitField(_l("Plan placements"))


class MoveForm(Form):
    start = DateField(_l("First day"), validators=[Required()])
    submit = SubmitField(_l("Move and pin"))


class DayMentorForm(Form):
    mentor_id = SelectField(_l("Mentor"), coerce=int, validators=[Required()])
    submit = SubmitField(_l("Change the mentor"))
