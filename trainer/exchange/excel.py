"""The one Excel writer behind every export (openpyxl).

Guarantees, the same in every area:
- a text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return) is written as text and shown exactly as typed, never evaluated;
- characters that a workbook cannot hold (control characters, lone surrogates) are left out instead of making
  the export fail; a carriage return is kept (XML readers would otherwise read it as a line feed);
- dates are real Excel dates, the header row is bold and frozen.
Reading sheets is ``trainer.exchange.rows``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from io import BytesIO
from typing import Any

from flask import send_file
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from trainer.exchange.rows import Column

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEMPLATE_ROWS = 500  # how far down a template's drop-down lists reach
CONTROL_CHARACTERS_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    widths: list[int] | None = None


def clean_text(text: str) -> str:
    """A text as a workbook can hold it: control characters and lone surrogates left out."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    return text.encode("utf-8", "ignore").decode("utf-8") if any(0xD800 <= ord(c) <= 0xDFFF for c in text) else text


def _cell_value(value: Any) -> Any:
    if isinstance(value, list | tuple | set | frozenset):
        value = "、".join(str(v) for v in value)
    if isinstance(value, str):
        return clean_text(value)
    return value


def _write_row(worksheet, values: Sequence[Any], row_number: int) -> bool:
    """Write one row; True when a text holds a carriage return (see ``_keep_carriage_returns``)."""
    carriage_return = False
    for column, raw in enumerate(values, start=1):
        carriage_return |= _write_cell(worksheet, row_number, column, raw)
    return carriage_return


def _write_cell(worksheet, row_number: int, column: int, raw: Any) -> bool:
    value = _cell_value(raw)
    cell = worksheet.cell(row=row_number, column=column)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # Stored as a plain string with the quote prefix Excel itself uses for "text, not a formula".
        cell._value = value
        cell.data_type = "s"
        cell.quotePrefix = True
    else:
        cell.value = value
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return isinstance(value, str) and "\r" in value


def workbook_bytes(sheets: Iterable[Sheet], *, validations: dict[str, list[tuple[int, list[str]]]] | None = None
                   ) -> bytes:
    """Write sheets to .xlsx. ``validations`` maps a sheet title to (column number, allowed values) drop-downs."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    header_fill = PatternFill("solid", fgColor="EEF0F4")
    carriage_return = False
    for sheet in sheets:
        worksheet = workbook.create_sheet(title=clean_text(sheet.title)[:31] or "Sheet")
        carriage_return |= _write_row(worksheet, sheet.headers, 1)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = Alignment(vertical="center")
        for number, row in enumerate(sheet.rows, start=2):
            carriage_return |= _write_row(worksheet, row, number)
        worksheet.freeze_panes = "A2"
        for index, header in enumerate(sheet.headers, start=1):
            width = (sheet.widths[index - 1] if sheet.widths else None) or max(10, min(40, len(str(header)) * 2 + 4))
            worksheet.column_dimensions[get_column_letter(index)].width = width
        for column, allowed in (validations or {}).get(sheet.title, []):
            carriage_return |= _drop_down(worksheet, column, allowed)
    buffer = BytesIO()
    workbook.save(buffer)
    return _keep_carriage_returns(buffer.getvalue()) if carriage_return else buffer.getvalue()


def _keep_carriage_returns(data: bytes) -> bytes:
    """A CR written as is in the workbook's XML is read back as LF (XML line-end handling); written as the
    character reference ``&#13;`` it stays the CR that was typed. openpyxl writes no CR of its own."""
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(".xml"):
                content = content.replace(b"\r", b"&#13;")
            target.writestr(info, content)
    return out.getvalue()


LISTS_SHEET = "选项"  # the hidden sheet holding the drop-down lists too long to write in the rule itself


def _drop_down(worksheet, column: int, allowed: list[str]) -> bool:
    """A drop-down list on the column's data rows. Excel takes at most 255 characters (and no comma inside a value)
    in a list written in the rule: a longer list (or one with a comma, quote or control character in a value) goes to
    a column of the hidden sheet 选项, written as text like any cell, and the rule points there. True when a value
    holds a carriage return (see ``_keep_carriage_returns``)."""
    letter = get_column_letter(column)
    listed = ",".join(allowed)
    carriage_return = False
    if len(listed) <= 250 and not any(c in ',"' or c < " " for value in allowed for c in value):
        formula = f'"{listed}"'
    else:
        workbook = worksheet.parent
        lists = workbook[LISTS_SHEET] if LISTS_SHEET in workbook.sheetnames else workbook.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
        number = lists.max_column + (1 if lists["A1"].value is not None else 0)
        at = get_column_letter(number)
        for row, value in enumerate(allowed, start=1):
            carriage_return |= _write_cell(lists, row, number, value)
        formula = f"{quote_sheetname(LISTS_SHEET)}!${at}$1:${at}${max(1, len(allowed))}"
    rule = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
    rule.error = "、".join(allowed) if formula.startswith('"') else "请从下拉列表中选择"
    rule.errorTitle = "请选择列表中的值"
    rule.showErrorMessage = True
    worksheet.add_data_validation(rule)
    rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
    return carriage_return


def workbook_response(sheets: Iterable[Sheet], filename: str, **options):
    # The file name often holds a name people typed (a firm, a duty period): a control character (a newline)
    # cannot travel in the Content-Disposition header, so it is left out there too.
    return send_file(BytesIO(workbook_bytes(sheets, **options)), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=CONTROL_CHARACTERS_RE.sub("", filename))


def template_response(columns: Sequence[Column], filename: str, title: str = "导入",
                      lists: dict[str, list[str]] | None = None):
    """A blank import template: the headers, one example row when the columns give examples, and a drop-down
    list on every column with fixed choices — the column's own (kind="choice") or, in ``lists`` by column key,
    the names the database allows (the district's firms, Beijing's districts)."""
    example = [c.example for c in columns]
    rows = [example] if any(v is not None for v in example) else []
    choices = [(index, list(c.choices)) for index, c in enumerate(columns, start=1) if c.kind == "choice" and c.choices]
    choices += [(index, list(lists[c.key])) for index, c in enumerate(columns, start=1)
                if c.key in (lists or {}) and lists[c.key]]
    return workbook_response([Sheet(title, [c.header for c in columns], rows)], filename,
                             validations={title: choices})
