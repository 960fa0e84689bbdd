"""Forms of the rotation pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from trainer.auth.forms import MOBILE
from trainer.rotation.models import CATEGORIES

STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed")}
PHASE_LABELS = {"guided": _l("Guided (week one)"), "independent": _l("Independent mediation (week two)")}
ROLE_LABELS = {"observed": _l("Observed"), "assisted": _l("Assisted"), "independent": _l("Mediated independently")}
OUTCOME_LABELS = {"agreement": _l("Agreement reached"), "no_agreement": _l("No agreement"),
                  "withdrawn": _l("Withdrawn"), "referred": _l("Referred to arbitration")}
RUBRIC_LABELS = {"law_policy": _l("Law and policy"), "procedure": _l("Mediation procedure"),
                 "communication": _l("Communication"), "drafting": _l("Drafting the agreement"),
                 "independent_handling": _l("Independent handling")}
WEEKDAY_CHOICES = [(0, _l("Monday")), (1, _l("Tuesday")), (2, _l("Wednesday")), (3, _l("Thursday")),
                   (4, _l("Friday"))]
SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


class ProgrammeYearForm(FlaskForm):
    version = HiddenField()
    year = IntegerField(_l("Year"), validators=[DataRequired(), NumberRange(2000, 2100)])
    trainee_target = IntegerField(_l("Trainees this year"), default=8, validators=[DataRequired(),
                                                                                    NumberRange(0, 500)])
    centre_name = StringField(_l("Mediation centre"), validators=[DataRequired(), Length(max=120)])
    centre_address = StringField(_l("Centre address"), validators=[Optional(), Length(max=250)])
    capacity = IntegerField(_l("Trainees the centre hosts at once"), default=2,
                            validators=[DataRequired(), NumberRange(1, 50)])
    placement_length = IntegerField(_l("Placement length (working days)"), default=10,
                                    validators=[DataRequired(), NumberRange(2, 30)],
                                    description=_l("The first half is guided, the second half independent."))
    mentor_max_trainees = IntegerField(_l("Trainees per mentor a day"), default=2,
                                       validators=[DataRequired(), NumberRange(1, 10)])
    window_start = DateField(_l("Placements from"), validators=[Optional()])
    window_end = DateField(_l("Placements until"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=list(STATUS_LABELS.items()))
    submit = SubmitField(_l("Save"))


class BlackoutForm(FlaskForm):
    label = StringField(_l("Period"), validators=[DataRequired(), Length(max=80)],
                        description=_l("e.g. 春节, 国庆节"))
    start = DateField(_l("From"), validators=[DataRequired()])
    end = DateField(_l("Until"), validators=[DataRequired()])
    submit = SubmitField(_l("Add blackout"))


class MentorForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), MOBILE])
    user_id = SelectField(_l("Login (lawyer account)"), coerce=int, validators=[Optional()])
    duty_weekdays = SelectMultipleField(_l("On duty at the centre"), coerce=int, choices=WEEKDAY_CHOICES,
                                        render_kw={"checkboxes": True})
    on_makeup_days = BooleanField(_l("Also on make-up working days (调休上班日)"), default=True)
    submit = SubmitField(_l("Save"))


class UnavailableForm(FlaskForm):
    mentor_id = SelectField(_l("Mentor"), coerce=int)
    start = DateField(_l("From"), validators=[DataRequired()])
    end = DateField(_l("Until"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Add leave"))


class TraineeForm(FlaskForm):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=60)])
    union_id = SelectField(_l("Union"), coerce=int, validators=[DataRequired(message=_l("Choose a union."))])
    station_id = SelectField(_l("Service station"), coerce=int, validators=[Optional()])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), MOBILE])
    prior_experience = TextAreaField(_l("Prior mediation experience"), validators=[Optional(), Length(max=2000)])
    unavailable = StringField(_l("Cannot come on"), validators=[Optional(), Length(max=1000)],
                              description=_l("Dates such as 2026-10-12, ranges such as 2026-10-20..2026-10-22"))
    submit = SubmitField(_l("Save"))


class AccountForm(FlaskForm):
    username = StringField(_l("User name"), validators=[DataRequired(), Length(min=3, max=80), Regexp(
        r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dot, dash or underscore."))])
    password = PasswordField(_l("First password"), validators=[DataRequired(), Length(min=10, message=_l(
        "Use at least 10 characters."))])
    submit = SubmitField(_l("Create account"))


class SelectionForm(FlaskForm):
    union_ids = SelectMultipleField(_l("Unions sending a trainee"), coerce=int, render_kw={"checkboxes": True})
    submit = SubmitField(_l("Save selection"))


class PlanForm(FlaskForm):
    mode = RadioField(_l("How"), choices=[("replan", _l("Re-plan with least change")),
                                           ("full", _l("Plan afresh (pinned placements stay)"))], default="replan")
    provisional = BooleanField(_l("Allow a provisional working-day calendar"))
    submit = SubmitField(_l("Plan placements"))


class MoveForm(FlaskForm):
    start = DateField(_l("First day"), validators=[DataRequired()])
    submit = SubmitField(_l("Move and pin"))


class CaseLogForm(FlaskForm):
    version = HiddenField()
    case_ref = StringField(_l("Case reference"), validators=[DataRequired(), Length(max=60)],
                           description=_l("e.g. 朝调字〔2026〕123号"))
    category = SelectField(_l("Dispute category"), choices=[(c, c) for c in CATEGORIES])
    role = SelectField(_l("My part"), choices=list(ROLE_LABELS.items()))
    accepted_on = DateField(_l("Accepted on"), validators=[DataRequired()],
                            description=_l("The 15-day mediation time limit counts from this day."))
    outcome = SelectField(_l("Outcome"), choices=[("", _l("Still under way"))] + list(OUTCOME_LABELS.items()),
                          validators=[Optional()])
    summary = TextAreaField(_l("What happened"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save case"))


class RemarksForm(FlaskForm):
    version = HiddenField()
    mentor_remarks = TextAreaField(_l("Mentor's remarks"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save remarks"))


class EvaluationForm(FlaskForm):
    version = HiddenField()
    mentor_id = SelectField(_l("Mentor"), coerce=int, validators=[Optional()])
    law_policy = RadioField(RUBRIC_LABELS["law_policy"], choices=SCORE_CHOICES,
                            validators=[DataRequired(message=_l("Give a score from 1 to 5."))])
    law_policy_comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    procedure = RadioField(RUBRIC_LABELS["procedure"], choices=SCORE_CHOICES,
                           validators=[DataRequired(message=_l("Give a score from 1 to 5."))])
    procedure_comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    communication = RadioField(RUBRIC_LABELS["communication"], choices=SCORE_CHOICES,
                               validators=[DataRequired(message=_l("Give a score from 1 to 5."))])
    communication_comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    drafting = RadioField(RUBRIC_LABELS["drafting"], choices=SCORE_CHOICES,
                          validators=[DataRequired(message=_l("Give a score from 1 to 5."))])
    drafting_comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    independent_handling = RadioField(RUBRIC_LABELS["independent_handling"], choices=SCORE_CHOICES,
                                      validators=[DataRequired(message=_l("Give a score from 1 to 5."))])
    independent_handling_comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=1000)])
    summary = TextAreaField(_l("Overall remarks"), validators=[Optional(), Length(max=4000)])
    passed = BooleanField(_l("Passed: able to mediate independently"))
    submit = SubmitField(_l("Save evaluation"))


class ImportForm(FlaskForm):
    file = FileField(_l("Excel file (.xlsx)"), validators=[FileRequired(message=_l("Choose a file."))])
    submit = SubmitField(_l("Import trainees"))
