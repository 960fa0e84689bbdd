"""Every rotation export, fed names and texts that a spreadsheet would run as a formula or that hold control
characters: the workbook opens, no cell is a formula, each text reads as typed (control characters left out)."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.conftest import SOLVER_TIME_S
from tests.rotation.conftest import make_year
from trainer.core.extensions import db
from trainer.org.models import Union
from trainer.rotation.mentors.operations import assign_mentor, save_mentor
from trainer.rotation.models import Certification
from trainer.rotation.placements.operations import plan_year
from trainer.rotation.trainees.operations import save_trainee

TRAINEES = ["=1+1", "+SUM(A1:A9)", "-2+3", "@SUM(1)", "李\x01晓红", "王\x07芳", "张伟"]
UNIONS = ['=HYPERLINK("http://x.test","点我")', "+朝外街道总工会", "-劲松街道总工会", "@建外街道总工会",
          "呼家楼\x01街道总工会", "\t=八里庄街道总工会", "\r=三里屯街道总工会"]
MENTOR = "=cmd|' /C calc'!A0"
CENTRE = "+朝阳区调解中心\x02"
ADDRESS = "@北京市朝阳区\x1f工体东路"


def _typed(text: str) -> str:
    """What a workbook can hold of a text: control characters other than tab, newline and CR left out."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 32)


@pytest.fixture
def risky_year(districts):
    district = districts["chaoyang"]
    unions = []
    for name in UNIONS:
        union = Union(district_id=district.id, name=name, kind="street", street=name)
        db.session.add(union)
        unions.append(union)
    db.session.flush()
    py = make_year(districts)
    py.centre_name, py.centre_address = CENTRE, ADDRESS
    mentor = save_mentor(None, district_id=district.id, name=MENTOR)
    assign_mentor(py, mentor, duty_weekdays=[0, 1, 2, 3, 4])
    trainees = [save_trainee(None, py=py, union_id=union.id, name=name) for name, union in zip(TRAINEES, unions,
                                                                                                strict=True)]
    plan_year(py, not_before=date(2026, 3, 2), time_limit_s=SOLVER_TIME_S)
    db.session.add(Certification(trainee=trainees[0], district_id=district.id, union_id=unions[0].id,
                                 certified_on=date(2026, 4, 1), number="CY-2026-001"))
    db.session.commit()
    return py


def _cells(data: bytes) -> list:
    workbook = load_workbook(BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _check(response) -> set[str]:
    assert response.status_code == 200
    cells = _cells(response.data)
    formulas = [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert formulas == []
    return {cell.value for cell in cells if isinstance(cell.value, str)}


def test_plan_export_writes_every_name_as_text(risky_year, login_as):
    client = login_as("coordinator", "chaoyang")
    texts = _check(client.get(f"/rotation/years/{risky_year.id}/plan.xlsx"))
    for name in TRAINEES + UNIONS + [MENTOR, CENTRE, ADDRESS]:
        assert _typed(name) in texts, name
    assert "李晓红" in texts and "呼家楼街道总工会" in texts


@pytest.mark.parametrize("scope", ["", "?scope=city"])
def test_coverage_export_writes_every_name_as_text(risky_year, login_as, scope):
    client = login_as("admin" if scope else "coordinator", "chaoyang")
    texts = _check(client.get(f"/rotation/coverage.xlsx{scope}"))
    for name in UNIONS:
        assert _typed(name) in texts, name
    assert f"{TRAINEES[0]}（CY-2026-001）" in texts


def test_import_template_holds_no_formula(risky_year, login_as):
    client = login_as("coordinator", "chaoyang")
    texts = _check(client.get(f"/rotation/years/{risky_year.id}/import/template.xlsx"))
    assert "姓名" in texts and "所属工会" in texts
    for name in UNIONS:  # the union drop-down's list, on the hidden sheet, as typed
        assert _typed(name) in texts, name
