"""Excel import and export with openpyxl, shared by every area.

``read_sheet`` checks every row before anything is imported: one bad row and the caller gets ``SheetErrors``
listing every bad row with its reason, so an import either takes the whole file or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any

from flask import send_file
from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from trainer.validation import InvalidInput

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    """One column of a sheet: ``header`` is what people see (Chinese), ``key`` what the code uses.

    kind: "str" | "int" | "float" | "date" | "mobile" | "choice" | "list" (values separated by 、 , ; or ，)
    choices: for "choice", the accepted cell texts mapped to stored values, e.g. {"街道": "street"}.
    """

    key: str
    header: str
    required: bool = True
    kind: str = "str"
    choices: dict[str, str] | None = None
    max_length: int | None = None
    example: Any = None


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as Excel shows it (the header is row 1)
    column: str  # the column header, or "" for the row as a whole
    message: str

    def __str__(self) -> str:
        where = _("row %(row)s", row=self.row)
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class SheetErrors(InvalidInput):
    """Every bad row of a sheet; nothing was imported."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        fields = {f"row {e.row}": str(e) for e in errors}
        super().__init__(fields, _("%(n)s problem(s) in the file; nothing was imported.", n=len(errors)))


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    widths: list[int] | None = None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _convert(column: Column, value: Any) -> tuple[Any, str | None]:
    """Cell value -> (python value, error message or None)."""
    text = _text(value)
    if text == "":
        if column.required:
            return None, _("is required")
        return ([] if column.kind == "list" else None), None
    if column.max_length and len(text) > column.max_length:
        return None, _("is longer than %(n)s characters", n=column.max_length)
    if column.kind == "str":
        return text, None
    if column.kind == "int":
        try:
            return int(text), None
        except ValueError:
            return None, _("%(value)s is not a whole number", value=text)
    if column.kind == "float":
        try:
            return float(text), None
        except ValueError:
            return None, _("%(value)s is not a number", value=text)
    if column.kind == "date":
        if isinstance(value, datetime):
            return value.date(), None
        if isinstance(value, date):
            return value, None
        for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
            try:
                return datetime.strptime(text, pattern).date(), None
            except ValueError:
                continue
        return None, _("%(value)s is not a date (write 2027-03-05)", value=text)
    if column.kind == "mobile":
        digits = re.sub(r"[\s-]", "", text)
        if not MOBILE_RE.match(digits):
            return None, _("%(value)s is not an 11-digit mainland mobile number", value=text)
        return digits, None
    if column.kind == "choice":
        choices = column.choices or {}
        if text in choices:
            return choices[text], None
        if text in choices.values():
            return text, None
        return None, _("%(value)s is not one of: %(choices)s", value=text, choices="、".join(choices))
    if column.kind == "list":
        return [part.strip() for part in re.split(r"[、,，;；]", text) if part.strip()], None
    raise ValueError(f"unknown column kind {column.kind}")


def read_sheet(file, columns: Sequence[Column], *, sheet: str | None = None,
               validate_row: Callable[[dict], dict[str, str]] | None = None) -> list[dict]:
    """Read and check every row of an uploaded .xlsx file.

    Headers are matched by their text (or key), in any order. ``validate_row`` may add row-level checks,
    returning {column key: message}. Returns one dict per row with ``_row`` set to its Excel row number.
    """
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetErrors([RowError(0, "", _("The file is not an Excel workbook (.xlsx)."))]) from None
    worksheet = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.worksheets[0]
    rows = worksheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    if header_row is None:
        raise SheetErrors([RowError(1, "", _("The sheet is empty."))])
    positions: dict[str, int] = {}
    headers = [_text(h) for h in header_row]
    for column in columns:
        for index, header in enumerate(headers):
            if header in (column.header, column.key):
                positions[column.key] = index
    missing = [c.header for c in columns if c.required and c.key not in positions]
    if missing:
        raise SheetErrors([RowError(1, "", _("Missing column(s): %(names)s", names="、".join(missing)))])
    result, errors = [], []
    for number, row in enumerate(rows, start=2):
        if row is None or all(_text(v) == "" for v in row):
            continue
        if len(result) >= MAX_ROWS:
            errors.append(RowError(number, "", _("Too many rows (at most %(n)s).", n=MAX_ROWS)))
            break
        values: dict[str, Any] = {"_row": number}
        row_errors = []
        for column in columns:
            index = positions.get(column.key)
            raw = row[index] if index is not None and index < len(row) else None
            converted, message = _convert(column, raw)
            if message:
                row_errors.append(RowError(number, column.header, message))
            values[column.key] = converted
        if not row_errors and validate_row is not None:
            by_key = {c.key: c.header for c in columns}
            for key, message in validate_row(values).items():
                row_errors.append(RowError(number, by_key.get(key, ""), message))
        errors.extend(row_errors)
        result.append(values)
    workbook.close()
    if errors:
        raise SheetErrors(errors)
    return result


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """Write sheets to .xlsx: bold header row, frozen header, dates as real Excel dates."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_fill = PatternFill("solid", fgColor="EEF0F4")
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=sheet.title[:31])
        worksheet.append(sheet.headers)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
            cell.fill = header_fill
        for row in sheet.rows:
            worksheet.append([", ".join(map(str, v)) if isinstance(v, list | tuple) else v for v in row])
        worksheet.freeze_panes = "A2"
        for index, header in enumerate(sheet.headers, start=1):
            width = (sheet.widths[index - 1] if sheet.widths else None) or max(10, min(40, len(str(header)) * 2 + 4))
            worksheet.column_dimensions[get_column_letter(index)].width = width
        for row in worksheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def workbook_response(sheets: Iterable[Sheet], filename: str):
    return send_file(BytesIO(workbook_bytes(sheets)), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=filename)


def template_response(columns: Sequence[Column], filename: str, title: str = "导入"):
    """A blank import template: the headers, and one example row when the columns give examples."""
    example = [c.example for c in columns]
    rows = [example] if any(v is not None for v in example) else []
    return workbook_response([Sheet(title, [c.header for c in columns], rows)], filename)
