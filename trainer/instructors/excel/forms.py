"""The upload form of an Excel import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired

from trainer.web.forms import Form


class ImportForm(Form):
    file = FileField(_l("Excel file (.xlsx)"), validators=[FileRequired(), FileAllowed(
        ["xlsx"], _l("Upload an .xlsx file."))])
