"""Every import template offers a drop-down list on every column with fixed choices: the column's own choices
(kind="choice": 工会类型, 半天, 层级, 背景, 状态, 阶段) and the names the import accepts from the database (the
district's firms and lawyers, the district's unions and stations, Beijing's districts). Read back with openpyxl
from the file the page serves, as Excel would show it."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries
from sqlalchemy import select

from trainer.core.extensions import db
from trainer.instructors.engagements.sheets import ENGAGEMENT_COLUMNS
from trainer.instructors.hierarchy.sheets import INSTRUCTOR_COLUMNS
from trainer.org.demo import DEMO_PASSWORD, load_demo
from trainer.org.models import District
from trainer.rotation.models import ProgrammeYear
from trainer.rotation.trainees.sheets import TRAINEE_COLUMNS
from trainer.visits.models import Firm, Lawyer
from trainer.visits.setup.sheets import KINDS as VISIT_KINDS

# The review of every import: the columns whose cells must be one of a fixed list.
DROP_DOWNS = {
    "stations": {"union_kind"},
    "firms": set(),
    "lawyers": {"firm"},
    "leave": {"lawyer", "firm", "half"},
    "instructors": {"tier", "district", "background", "status"},
    "engagements": {"district", "stage"},
    "trainees": {"union", "station"},
}


def _drop_downs(data: bytes, columns) -> dict[str, list[str]]:
    """Column key -> the values its drop-down offers (a list in the rule or a range of the hidden sheet)."""
    book = load_workbook(BytesIO(data))
    sheet = book.worksheets[0]
    found = {}
    for rule in sheet.data_validations.dataValidation:
        assert rule.type == "list" and rule.showErrorMessage
        formula = rule.formula1
        if formula.startswith('"'):
            values = formula.strip('"').split(",")
        else:
            title, cells = formula.rsplit("!", 1)
            source = book[title.strip("'")]
            assert source.sheet_state == "hidden"
            min_col, min_row, _, max_row = range_boundaries(cells.replace("$", ""))
            values = [source.cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]
        for ref in str(rule.sqref).split():
            letter = "".join(c for c in ref.split(":")[0] if c.isalpha())
            index = next(i for i, c in enumerate(columns, start=1) if get_column_letter(i) == letter)
            assert ref.endswith("1000") or ":" in ref
            found[columns[index - 1].key] = values
    return found


def login(client, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def demo(client):
    load_demo()
    db.session.commit()
    return db.session.scalar(select(District).where(District.code == "chaoyang"))


def test_every_template_has_its_drop_downs(client, demo):
    login(client, "chaoyang")
    firms = [f.name for f in db.session.scalars(select(Firm).where(Firm.district_id == demo.id))]
    lawyers = {name for name in db.session.scalars(select(Lawyer.name).join(Firm).where(Firm.district_id == demo.id))}
    for kind, (columns, _title) in VISIT_KINDS.items():
        response = client.get(f"/visits/import/{kind}/template.xlsx")
        assert response.status_code == 200, kind
        found = _drop_downs(response.data, columns)
        assert set(found) == DROP_DOWNS[kind], kind
        for column in columns:
            if column.kind == "choice":
                assert found[column.key] == list(column.choices), (kind, column.key)
        if "firm" in found:
            assert sorted(found["firm"]) == sorted(firms) and len(firms) == 8
        if "lawyer" in found:
            assert set(found["lawyer"]) == lawyers and "王建华" in lawyers
    assert _drop_downs(client.get("/visits/import/leave/template.xlsx").data, VISIT_KINDS["leave"][0])["half"] == [
        "上午", "下午"]

    for kind, columns in (("instructors", INSTRUCTOR_COLUMNS), ("engagements", ENGAGEMENT_COLUMNS)):
        response = client.get(f"/instructors/excel/{kind}/template.xlsx")
        assert response.status_code == 200, kind
        found = _drop_downs(response.data, columns)
        assert set(found) == DROP_DOWNS[kind], kind
        assert found["district"] == ["朝阳区"]  # a district coordinator imports only their own district
        for column in columns:
            if column.kind == "choice":
                assert found[column.key] == list(column.choices), (kind, column.key)
    assert "区级兼职" in _drop_downs(client.get("/instructors/excel/instructors/template.xlsx").data,
                                  INSTRUCTOR_COLUMNS)["tier"]

    year = db.session.scalar(select(ProgrammeYear).where(ProgrammeYear.district_id == demo.id))
    response = client.get(f"/rotation/years/{year.id}/import/template.xlsx")
    found = _drop_downs(response.data, TRAINEE_COLUMNS)
    assert set(found) == DROP_DOWNS["trainees"]
    assert "朝外街道总工会" in found["union"] and len(found["station"]) == 52


def test_the_admin_gets_every_district(client, demo):
    login(client, "admin")
    found = _drop_downs(client.get("/instructors/excel/instructors/template.xlsx").data, INSTRUCTOR_COLUMNS)
    districts = list(db.session.scalars(select(District.name).order_by(District.sort_order)))
    assert found["district"] == districts and len(districts) == 16


def test_a_short_list_is_written_in_the_rule_itself(client, demo):
    """Short fixed choices stay in the rule (Excel shows them as typed there); only long lists use the hidden sheet."""
    login(client, "chaoyang")
    book = load_workbook(BytesIO(client.get("/visits/import/leave/template.xlsx").data))
    formulas = sorted(rule.formula1 for rule in book.worksheets[0].data_validations.dataValidation)
    assert '"上午,下午"' in formulas and book.sheetnames == ["请假"]
    year = db.session.scalar(select(ProgrammeYear).where(ProgrammeYear.district_id == demo.id))
    book = load_workbook(BytesIO(client.get(f"/rotation/years/{year.id}/import/template.xlsx").data))
    assert book.sheetnames == ["学员", "选项"]  # the sheet the import reads stays the first
