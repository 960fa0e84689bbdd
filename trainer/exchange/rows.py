"""The one row reader behind every import: Excel sheets and the JSON programme file.

Guarantees, the same in every area:
- every bad row (or item) is listed, each with its row number and column (or its place in the file) and a
  message worded the same way everywhere ("is required", "… is not a date (write 2027-03-05)");
- every value is held to the app's input rule (``trainer.core.inputs``: dates 2000–2100, 32-bit whole numbers,
  no control characters or lone surrogates, a line break only in a multi-line column such as notes);
- when anything is bad, nothing is imported (callers raise before changing anything, and ``run_import``
  rolls back whatever an operation refused half-way);
- a second import saving the same records at the same moment is refused with a clear message (``ImportClash``),
  never a crash, never a list of "already exists" problems that are not in the file;
- a workbook is read in time proportional to the cells it really holds, whatever dimension it claims, and
  refused early when it is larger than a sheet people type by hand.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from flask_babel import gettext as _
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from trainer.audit.models import AuditEntry
from trainer.auth.models import User
from trainer.core.extensions import db
from trainer.core.inputs import date_problem, is_multiline, number_problem, text_problem
from trainer.core.validation import InvalidInput

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # what the workbook's parts take once unzipped
DATE_PATTERNS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
LIST_SEPARATORS = r"[、,，;；]"
T = TypeVar("T")


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


# ----------------------------------------------------------------------------------------- reading values

def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def convert(value: Any, kind: str = "str", *, required: bool = True, choices: dict[str, str] | None = None,
            max_length: int | None = None, multiline: bool = False) -> tuple[Any, str | None]:
    """A cell's or a JSON value's content -> (Python value, None) or (None, the message saying what is wrong).

    ``multiline``: the value may hold line breaks and tabs (a notes column)."""
    text = text_of(value)
    if text == "":
        if required:
            return None, _("is required")
        return ([] if kind == "list" else None), None
    parts = value if kind == "list" and isinstance(value, list | tuple) else [text]
    for part in parts:
        if problem := text_problem(text_of(part), multiline=multiline):
            return None, problem
    if max_length and len(text) > max_length:
        return None, _("is longer than %(n)s characters", n=max_length)
    if kind == "str":
        return text, None
    if kind in ("int", "float"):
        return _number(text, kind)
    if kind == "date":
        return _date(value, text)
    if kind == "mobile":
        digits = re.sub(r"[\s-]", "", text)
        if not MOBILE_RE.match(digits):
            return None, _("%(value)s is not an 11-digit mainland mobile number", value=text)
        return digits, None
    if kind == "choice":
        choices = choices or {}
        if text in choices:
            return choices[text], None
        if text in choices.values():
            return text, None
        return None, _("%(value)s is not one of: %(choices)s", value=text, choices="、".join(choices))
    if kind == "list":
        if isinstance(value, list | tuple):
            return [text_of(part) for part in value if text_of(part)], None
        return [part.strip() for part in re.split(LIST_SEPARATORS, text) if part.strip()], None
    raise ValueError(f"unknown kind {kind}")


def _number(text: str, kind: str) -> tuple[int | float | None, str | None]:
    try:
        number = int(text) if kind == "int" else float(text)
    except ValueError:
        if kind == "int":
            return None, _("%(value)s is not a whole number", value=text)
        return None, _("%(value)s is not a number", value=text)
    problem = number_problem(number)
    return (None, problem) if problem else (number, None)


def _date(value: Any, text: str) -> tuple[date | None, str | None]:
    day = value.date() if isinstance(value, datetime) else value if isinstance(value, date) else None
    for pattern in DATE_PATTERNS if day is None else ():
        try:
            day = datetime.strptime(text, pattern).date()
            break
        except ValueError:
            continue
    if day is None:
        return None, _("%(value)s is not a date (write 2027-03-05)", value=text)
    problem = date_problem(day)
    return (None, problem) if problem else (day, None)


# ------------------------------------------------------------------------------------------ Excel sheets

@dataclass(frozen=True)
class RowError:
    row: int | None  # the row number as Excel shows it (the header is row 1); None: the file as a whole
    column: str  # the column header, or "" for the row as a whole
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = _("row %(row)s", row=self.row)
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


class SheetErrors(InvalidInput):
    """Every bad row of a sheet; nothing was imported."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.row or 0, e.column))
        fields = {(f"row {e.row}" if e.row is not None else "file"): str(e) for e in self.errors}
        super().__init__(fields, _("%(n)s problem(s) in the file; nothing was imported.", n=len(self.errors)))


def _file_error(message: str) -> SheetErrors:
    return SheetErrors([RowError(None, "", message)])


def _open_workbook(file):
    """Open an uploaded .xlsx for reading, refusing a file whose parts unzip to more than a hand-made sheet."""
    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file_error(_("The file is not an Excel workbook (.xlsx).")) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise _file_error(_("The workbook is too large to import (over %(n)s MB unpacked).",
                            n=MAX_UNPACKED_BYTES // (1024 * 1024)))
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise _file_error(_("The file is not an Excel workbook (.xlsx).")) from None


class SheetImport:
    """One Excel import: every row read and checked, every problem collected, nothing saved unless none.

    ::

        sheet = SheetImport(file, COLUMNS, validate_row=check)
        sheet.duplicates(lambda row: row["name"], "name", _("This station"))
        sheet.check()                      # raises SheetErrors listing every bad row
        for row in sheet.rows:
            try:
                operations.save_station(...)
            except InvalidInput as error:
                sheet.refused(row, error)  # the operation's fields become the columns they came from
        sheet.check()
    """

    def __init__(self, file, columns: Sequence[Column], *, sheet: str | None = None,
                 validate_row: Callable[[dict], dict[str, str]] | None = None):
        self.columns = list(columns)
        self.headers = {c.key: c.header for c in self.columns}
        self.errors: list[RowError] = []
        self.rows: list[dict] = []
        self._read(file, sheet, validate_row)

    def header(self, key: str) -> str:
        return self.headers.get(key, "")

    def error(self, row: dict | int, column_key: str, message: str) -> None:
        number = row["_row"] if isinstance(row, dict) else row
        self.errors.append(RowError(number, self.header(column_key) if column_key else "", message))

    def refused(self, row: dict, error: InvalidInput, aliases: dict[str, str] | None = None) -> None:
        """An operation's InvalidInput for this row: each field as the column it came from."""
        aliases = aliases or {}
        if not error.fields:
            self.error(row, "", error.message)
        for key, message in error.fields.items():
            self.error(row, aliases.get(key, key), message)

    def duplicates(self, key: Callable[[dict], Any], column_key: str, what: str) -> None:
        seen: dict = {}
        for row in self.rows:
            value = key(row)
            if value in seen:
                self.error(row, column_key, _("%(what)s appears twice in the file (also row %(other)s).",
                                              what=what, other=seen[value]))
            else:
                seen[value] = row["_row"]

    def check(self) -> None:
        if self.errors:
            raise SheetErrors(self.errors)

    def _read(self, file, sheet_name: str | None, validate_row) -> None:
        workbook = _open_workbook(file)
        try:
            worksheet = (workbook[sheet_name] if sheet_name and sheet_name in workbook.sheetnames
                         else workbook.worksheets[0])
            # The dimension a file declares is not trusted: a sheet claiming A1:XFD1048576 would otherwise be
            # padded to 16,384 columns on every row.
            worksheet.reset_dimensions()
            header_row = next(worksheet.iter_rows(min_row=1, max_row=1, max_col=MAX_COLUMNS, values_only=True),
                              None)
            if header_row is None or all(text_of(h) == "" for h in header_row):
                raise _file_error(_("The sheet is empty."))
            headers = [text_of(h) for h in header_row]
            positions: dict[str, int] = {}
            for column in self.columns:
                for index, header in enumerate(headers):
                    if header in (column.header, column.key):
                        positions[column.key] = index
            missing = [c.header for c in self.columns if c.required and c.key not in positions]
            if missing:
                raise _file_error(_("Missing column(s): %(names)s", names="、".join(missing)))
            width = max(positions.values()) + 1
            for number, row in enumerate(worksheet.iter_rows(min_row=2, max_col=width, values_only=True), start=2):
                if number > MAX_ROWS + 1:
                    self.errors.append(RowError(number, "", _("Too many rows (at most %(n)s).", n=MAX_ROWS)))
                    break
                if row is None or all(text_of(v) == "" for v in row):
                    continue
                self._take(number, row, positions, validate_row)
        finally:
            workbook.close()

    def _take(self, number: int, row: tuple, positions: dict[str, int], validate_row) -> None:
        values: dict[str, Any] = {"_row": number}
        bad = False
        for column in self.columns:
            index = positions.get(column.key)
            raw = row[index] if index is not None and index < len(row) else None
            converted, message = convert(raw, column.kind, required=column.required, choices=column.choices,
                                         max_length=column.max_length, multiline=is_multiline(column.key))
            if message:
                self.errors.append(RowError(number, column.header, message))
                bad = True
            values[column.key] = converted
        if not bad and validate_row is not None:
            for key, message in validate_row(values).items():
                self.error(number, key, message)
                bad = True
        if not bad:
            self.rows.append(values)


def read_sheet(file, columns: Sequence[Column], *, sheet: str | None = None,
               validate_row: Callable[[dict], dict[str, str]] | None = None) -> list[dict]:
    """Every row of a sheet that has no problem at all, or SheetErrors listing every bad row."""
    reader = SheetImport(file, columns, sheet=sheet, validate_row=validate_row)
    reader.check()
    return reader.rows


# ------------------------------------------------------------------------------------- the programme file

class Problems(dict):
    """The problems of a JSON import, by their place in the file ("visits.lawyers[3].name" -> message)."""

    def add(self, where: str, error: InvalidInput | str) -> None:
        if isinstance(error, InvalidInput):
            if error.fields:
                for key, message in error.fields.items():
                    self[f"{where}.{key}"] = message
            else:
                self[where] = error.message
        else:
            self[where] = error

    def value(self, raw: Any, where: str, kind: str = "str", *, required: bool = True, **options) -> Any:
        """Read one value as ``convert`` does for a cell; a problem is noted at ``where``."""
        converted, message = convert(raw, kind, required=required, multiline=is_multiline(where), **options)
        if message:
            self.add(where, message)
        return converted

    def list_of(self, data: Any, key: str, where: str | None = None) -> list:
        """``data[key]`` as a list of objects (missing: an empty list); anything else is a problem."""
        where = where or key
        value = data.get(key) if isinstance(data, dict) else None
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(where, _("must be a list"))
            return []
        return value

    def account(self, item: dict, where: str, current: int | None) -> int | None:
        """The login named by ``item["username"]`` (a person's link to their account): absent, ``current``;
        empty, none; unknown, a problem."""
        if not isinstance(item, dict) or "username" not in item:
            return current
        name = item.get("username")
        if name in (None, ""):
            return None
        user_id = db.session.scalar(select(User.id).where(User.username == str(name)))
        if user_id is None:
            self.add(f"{where}.username", _("No login %(name)s.", name=name))
        return user_id

    def check(self) -> None:
        if self:
            raise InvalidInput(dict(self), _("%(n)s problem(s) in the file; nothing was imported.", n=len(self)))


# ------------------------------------------------------------------------------------------ saving it all

class ImportClash(InvalidInput):
    """Another import (or edit) saved the same records at the same moment; this one saved nothing."""

    def __init__(self):
        super().__init__({}, _("Another import or change saved the same records at the same moment; nothing "
                               "from this file was imported. Check what is there now and import again if needed."))


def run_import(do: Callable[[], T], *, district_id: int | None = None) -> T:
    """Run an import and commit it as one transaction: everything or, on any refusal, nothing.

    Two identical imports at the same moment each read what is there, then write: the second one's writes
    clash with the first one's (a unique constraint, a lock, a version) or its operations refuse records that
    appeared after it read ("already has a station of that name"). Both are answered with ``ImportClash``: the
    first by the error the database raises, the second when the import is refused while the audit log shows
    that another transaction saved records of ``district_id`` since the import began.
    """
    began = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    try:
        result = do()
        db.session.commit()
    except InvalidInput as error:
        db.session.rollback()
        if district_id is not None and not isinstance(error, ImportClash) and _saved_since(began, district_id):
            raise ImportClash() from error
        raise
    except (IntegrityError, OperationalError, StaleDataError) as error:
        db.session.rollback()
        raise ImportClash() from error
    return result


def _saved_since(began: int, district_id: int) -> bool:
    """Whether another transaction saved records of the district since the audit entry ``began`` (this
    import's own entries are gone with its rollback)."""
    return db.session.scalar(select(AuditEntry.id).where(AuditEntry.id > began,
                                                         AuditEntry.district_id == district_id).limit(1)) is not None
