"""What the area's Excel sheets share: a kind of sheet (instructors, engagements) with its columns, export and
import, and the districts as people write them in a cell."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select

from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.exchange.excel import Sheet
from trainer.exchange.rows import Column, SheetImport
from trainer.org.models import District


@dataclass(frozen=True)
class SheetKind:
    """One kind of sheet: ``export(district_id)`` and ``importer(file, district_id) -> (created, updated)``, where
    ``district_id`` is the district the user is confined to (None: the whole city)."""

    name: str  # in the URL: /instructors/excel/<name>/...
    title: str  # the sheet's and the file's name
    columns: list[Column]
    export: Callable[[int | None], Sheet]
    importer: Callable[..., tuple[int, int]]
    done_endpoint: str  # where the user goes after an import


def cell_texts(choices: dict[str, str]) -> dict[str, str]:
    """A choice column's stored values -> the texts written in the cells."""
    return {value: text for text, value in choices.items()}


def save_rows(sheet_rows: SheetImport, rows: Iterable[dict], save: Callable[[dict], bool],
              aliases: dict[str, str]) -> tuple[int, int]:
    """Save each checked row with ``save(row)`` (True: it updated a record, False: it created one); an operation's
    refusal is listed with its row and column (``aliases``: the operation's fields -> the columns). Returns
    (created, updated), or raises SheetErrors listing every bad row."""
    created = updated = 0
    for row in rows:
        try:
            existed = save(row)
        except InvalidInput as error:
            sheet_rows.refused(row, error, aliases=aliases)
            continue
        updated, created = (updated + 1, created) if existed else (updated, created + 1)
    sheet_rows.check()
    return created, updated


def district_names(district_id: int | None) -> list[str]:
    """What a template's 所属区 drop-down offers: the user's own district, or every district for the city."""
    stmt = select(District.name).order_by(District.sort_order)
    if district_id is not None:
        stmt = stmt.where(District.id == district_id)
    return list(db.session.scalars(stmt))


def districts_by_name() -> dict[str, District]:
    """Every district under each way a cell may name it: 朝阳区, 朝阳, chaoyang, Chaoyang."""
    found = {}
    for district in db.session.scalars(select(District)):
        found[district.name] = found[district.code] = found[district.name_en] = district
        found[district.name.removesuffix("区")] = district
    return found
