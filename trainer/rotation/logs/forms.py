"""Forms of the daily log: a case, the mentor's remarks, the evaluation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from trainer.rotation.labels import CATEGORY_LABELS, OUTCOME_LABELS, ROLE_LABELS, RUBRIC_LABELS
from trainer.rotation.models import CATEGORIES
from trainer.web.forms import Form, Required

SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class CaseLogForm(Form):
    id_prefix = "case"  # shown beside other forms on one page

    version = HiddenField()
    case_ref = StringField(_l("Case reference"), validators=[Required(), Length(max=60)],
                           description=_l("e.g. 朝调字〔2026〕123号"))
    category = SelectField(_l("Dispute category"), choices=[(c, CATEGORY_LABELS[c]) for c in CATEGORIES])
    role = SelectField(_l("My part"), choices=list(ROLE_LABELS.items()))
    accepted_on = DateField(_l("Accepted on"), validators=[Required()],
                            description=_l("The 15-day mediation time limit counts from this day."))
    outcome = SelectField(_l("Outcome"), choices=[("", _l("Still under way"))] + list(OUTCOME_LABELS.items()),
                          validators=[Optional()])
    summary = TextAreaField(_l("Case summary"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save case"))


class RemarksForm(Form):
    version = HiddenField()
    mentor_remarks = TextAreaField(_l("Mentor's remarks"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save remarks"))


class EvaluationForm(Form):
    version = HiddenField()
    mentor_id = SelectField(_l("Mentor"), coerce=int, validators=[Optional()])
    law_policy = RadioField(RUBRIC_LABELS["law_policy"], choices=SCORE_CHOICES,
                            validators=[Required(message=_l("Give a score from 1 to 5."))])
    law_policy_comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    procedure = RadioField(RUBRIC_LABELS["procedure"], choices=SCORE_CHOICES,
                           validators=[Required(message=_l("Give a score from 1 to 5."))])
    procedure_comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    communication = RadioField(RUBRIC_LABELS["communication"], choices=SCORE_CHOICES,
                               validators=[Required(message=_l("Give a score from 1 to 5."))])
    communication_comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    drafting = RadioField(RUBRIC_LABELS["drafting"], choices=SCORE_CHOICES,
                          validators=[Required(message=_l("Give a score from 1 to 5."))])
    drafting_comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    independent_handling = RadioField(RUBRIC_LABELS["independent_handling"], choices=SCORE_CHOICES,
                                      validators=[Required(message=_l("Give a score from 1 to 5."))])
    independent_handling_comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    summary = TextAreaField(_l("Overall remarks"), validators=[Optional(), Length(max=4000)])
    passed = BooleanField(_l("Passed: able to mediate independently"))
    submit = SubmitField(_l("Save evaluation"))


class ReflectionForm(Form):
    """The trainee's daily reflection (每日心得)."""

    id_prefix = "reflection"  # shown beside other forms on one page

    version = HiddenField()
    text = TextAreaField(_l("My reflection on the day"), validators=[
        Required(message=_l("Write what you learnt today.")), Length(max=2000)],
        description=_l("What you saw, did and learnt; what to ask your mentor. Your mentor and the district "
                       "federation read it; other trainees do not."))
