"""The upload form of an Excel import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class ImportForm(FlaskForm):
    file = FileField(_l("Excel file (.xlsx)"), validators=[FileRequired(), FileAllowed(
        ["xlsx"], _l("Upload an .xlsx file."))])
