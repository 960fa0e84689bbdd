from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from trainer.web.forms import Form, Required
from trainer.workdays.models import KIND_HOLIDAY, KIND_MAKEUP

KIND_LABELS = {KIND_HOLIDAY: _l("Holiday"), KIND_MAKEUP: _l("Make-up working day")}


class YearForm(Form):
    """A year's notice: holiday ranges and make-up days, one a line (fast to type from the notice)."""

    stamp = HiddenField()
    notice = StringField(_l("Notice"), validators=[Optional(), Length(max=500)],
                         description=_l("e.g. 国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕7号)"))
    holidays = TextAreaField(_l("Holidays"), render_kw={"rows": 9, "spellcheck": "false"},
                             description=_l("One holiday a line: name, first day, last day, e.g. "
                                            "春节 2027-02-06 2027-02-13. Add an English name after a slash if it "
                                            "is not a usual festival: 国庆节/National Day 2027-10-01 2027-10-07."))
    makeup_days = TextAreaField(_l("Make-up working days"), render_kw={"rows": 5, "spellcheck": "false"},
                                description=_l("Weekend days that become working days, one or more a line, "
                                               "e.g. 调休 2027-02-20 春节."))
    save = SubmitField(_l("Save as draft"))
    save_confirm = SubmitField(_l("Save and confirm as official"))


class EntryForm(Form):
    stamp = HiddenField()
    day = DateField(_l("Date"), validators=[Required(message=_l("Enter a date, e.g. 2027-10-01."))])
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    name = StringField(_l("Name (Chinese)"), validators=[Required(), Length(max=40)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=60)])
    submit = SubmitField(_l("Save"))


class ImportForm(Form):
    file = FileField(_l("Notice file (JSON)"), validators=[
        FileRequired(message=_l("Choose a notice file.")),
        FileAllowed(["json"], message=_l("The notice file must be a .json file (see the format below)."))])
    confirm = BooleanField(_l("Confirm as official at once"))
    submit = SubmitField(_l("Import"))


class PasteForm(Form):
    """The State Council notice pasted whole: read first, shown for checking, then saved with the entry form."""

    text = TextAreaField(_l("The notice's text"), validators=[Required(message=_l("Paste the text of the notice."))],
                         render_kw={"rows": 16, "spellcheck": "false"},
                         description=_l("Copy the whole notice from gov.cn (国务院办公厅关于…年部分节假日安排的通知), from "
                                        "its first sentence to the last festival."))
    submit = SubmitField(_l("Read the notice"))
