"""Trainees from Excel: the template, and the import (every bad row listed, nothing imported unless all are good)."""

from __future__ import annotations

from flask_babel import gettext as _

from trainer.core.validation import InvalidInput
from trainer.exchange.excel import template_response
from trainer.exchange.rows import Column, SheetImport
from trainer.rotation.models import ProgrammeYear, Trainee
from trainer.rotation.trainees.operations import parse_dates, save_trainee
from trainer.rotation.trainees.queries import district_stations, district_unions

TRAINEE_COLUMNS = [
    Column("name", "姓名", max_length=60, example="李晓红"),
    Column("union", "所属工会", max_length=120, example="朝外街道总工会"),
    Column("station", "服务站", required=False, max_length=120, example="朝外街道工会服务站"),
    Column("phone", "手机", required=False, kind="mobile", example="13800138000"),
    Column("prior_experience", "调解经历", required=False, max_length=2000, example="从事基层调解工作2年"),
    Column("unavailable", "不能参加的日期", required=False, max_length=1000, example="2026-10-12, 2026-10-20..2026-10-22"),
]

# An operation's field -> the column it came from.
FIELD_COLUMNS = {"union_id": "union", "station_id": "station"}


def import_trainees(py: ProgrammeYear, file) -> list[Trainee]:
    """Enrol every trainee of the sheet. Every row is checked first, then saved; when any row is bad,
    SheetErrors lists them all (the caller's ``run_import`` then keeps nothing)."""
    unions = {u.name: u for u in district_unions(py.district_id)}
    stations = {s.name: s for s in district_stations(py.district_id)}
    enrolled = {(t.name, t.union_id) for t in py.trainees}

    def check(row: dict) -> dict[str, str]:
        errors = {}
        union = unions.get(row["union"])
        if union is None:
            errors["union"] = _("no union %(name)s in this district", name=row["union"])
        station = stations.get(row["station"]) if row.get("station") else None
        if row.get("station") and (station is None or (union is not None and station.union_id != union.id)):
            errors["station"] = _("no station %(name)s of that union", name=row["station"])
        try:
            row["unavailable_days"] = parse_dates(row.get("unavailable"))
        except InvalidInput as error:
            errors["unavailable"] = error.message
        if union is not None and (row["name"], union.id) in enrolled:
            errors["name"] = _("%(name)s is already enrolled this year", name=row["name"])
        return errors

    sheet = SheetImport(file, TRAINEE_COLUMNS, validate_row=check)
    sheet.duplicates(lambda row: (row["name"], row["union"]), "name", _("This trainee"))
    sheet.check()
    created = []
    for row in sheet.rows:
        try:
            created.append(save_trainee(
                None, py=py, union_id=unions[row["union"]].id, name=row["name"], phone=row.get("phone"),
                station_id=stations[row["station"]].id if row.get("station") else None,
                prior_experience=row.get("prior_experience"), unavailable=row["unavailable_days"]))
        except InvalidInput as error:
            sheet.refused(row, error, aliases=FIELD_COLUMNS)
    sheet.check()
    return created


def template(py: ProgrammeYear):
    """The blank sheet, with drop-downs of the district's unions and stations (the names the import accepts)."""
    lists = {"union": [u.name for u in district_unions(py.district_id)],
             "station": [s.name for s in district_stations(py.district_id)]}
    return template_response(TRAINEE_COLUMNS, f"trainees-{py.year}-template.xlsx", title="学员", lists=lists)
