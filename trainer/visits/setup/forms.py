"""The setup's forms: firm, contract, lawyer, leave, station assignment, Excel import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
)
from wtforms.validators import Length, NumberRange, Optional

from trainer.auth.forms import MOBILE
from trainer.visits.labels import HALF_CHOICES
from trainer.visits.web import optional_int
from trainer.web.forms import Form, Required


class FirmForm(Form):
    version = HiddenField()
    name = StringField(_l("Name"), validators=[Required(), Length(max=120)])
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=60)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=20)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=250)])
    active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class ContractForm(Form):
    version = HiddenField()
    reference = StringField(_l("Contract number"), validators=[Optional(), Length(max=60)])
    start = DateField(_l("First day"), validators=[Required(message=_l("Enter a date such as 2027-01-01."))])
    end = DateField(_l("Last day"), validators=[Required(message=_l("Enter a date such as 2027-12-31."))])
    stations_covered = IntegerField(_l("Stations covered"), default=0,
                                    validators=[Optional(), NumberRange(min=0, max=500)])
    visits_per_station_month = IntegerField(_l("Visits per station and month"), default=2,
                                            validators=[Required(), NumberRange(min=1, max=8)])
    hours_per_visit = DecimalField(_l("Hours per visit"), default=3, places=1,
                                   validators=[Required(), NumberRange(min=0.5, max=12)])
    fee_per_visit = DecimalField(_l("Fee per visit (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)],
                                 description=_l("Paid for each delivered visit; leave empty if the contract pays "
                                                "by the month."))
    fee_per_month = DecimalField(_l("Fee per month (yuan)"), places=2, validators=[Optional(), NumberRange(min=0)],
                                 description=_l("A fixed sum for each month of the contract; leave empty if none."))
    submit = SubmitField(_l("Save"))


class LawyerForm(Form):
    version = HiddenField()
    name = StringField(_l("Full name"), validators=[Required(), Length(max=60)])
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


class LeaveForm(Form):
    start = DateField(_l("First day"), validators=[Required(message=_l("Enter a date such as 2027-01-04."))])
    end = DateField(_l("Last day"), validators=[Required(message=_l("Enter a date such as 2027-01-08."))])
    half = SelectField(_l("Only"), choices=[("", _l("whole days"))] + HALF_CHOICES, validators=[Optional()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add leave"))


class AssignForm(Form):
    version = HiddenField()
    firm_id = SelectField(_l("Firm"), coerce=int)
    # Only the chosen firm's lawyers are offered; one of another firm (the firm changed without the page
    # offering its lawyers again) is refused by the operation with a message saying so, not "not a valid choice".
    lead_lawyer_id = SelectField(_l("Lead lawyer"), coerce=int, validate_choice=False)
    backup_lawyer_id = SelectField(_l("Backup lawyer"), coerce=optional_int, validators=[Optional()],
                                   validate_choice=False)
    start = DateField(_l("From"), validators=[Optional()])
    submit = SubmitField(_l("Assign"))


class ImportForm(Form):
    file = FileField(_l("Excel file (.xlsx)"), validators=[FileRequired(message=_l("Choose a file.")), FileAllowed(
        ["xlsx"], _l("Upload an .xlsx file."))])
    submit = SubmitField(_l("Import"))
