"""Every Excel file of the instructor system: exports that hold formula-like text and control characters open
with the text shown as typed and no formula; an import with bad rows lists them all and imports nothing."""

from __future__ import annotations

from datetime import date
from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.instructors.conftest import settle, text_of
from trainer.core.extensions import db
from trainer.instructors.engagements.operations import save_engagement
from trainer.instructors.hierarchy.operations import save_instructor
from trainer.instructors.models import Engagement

# What a spreadsheet would run as a formula, and a control character a workbook cannot hold.
TYPED = ["=1+1", "+SUM(A1:A3)", "-2+3", "@cmd", "钱\x01晓梅"]


def _shown(text: str) -> str:
    return text.replace("\x01", "")


def _cells(data: bytes) -> list:
    workbook = load_workbook(BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_safe(data: bytes, expected: list[str]) -> None:
    cells = _cells(data)
    assert cells and all(cell.data_type != "f" for cell in cells)
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    for text in expected:
        assert _shown(text) in texts, text


def test_exports_write_formula_like_text_as_text(tree, login_as, app, tmp_path):
    people = [save_instructor(None, tier="district_part", district_id=tree.cy, name=name, background="lawyer",
                              guide=tree.zhao, specialities=["=HYPERLINK(\"http://x\")"]) for name in TYPED]
    save_engagement(None, district_id=tree.cy, enterprise="=HYPERLINK(\"http://x\",\"点我\")", union_name="+工会",
                    industry="-行业", street="@街道", stage="awaiting_reply", request_sent_on=date(2026, 3, 2),
                    notes="备注\x01=1+1", instructors=people[:1])
    settle()
    instructor_texts = TYPED + ["=HYPERLINK(\"http://x\")"]
    engagement_texts = ["=HYPERLINK(\"http://x\",\"点我\")", "+工会", "-行业", "@街道", "备注\x01=1+1", TYPED[0]]
    for role, district in (("coordinator", "chaoyang"), ("admin", None)):
        client = login_as(role, district)
        response = client.get("/instructors/excel/instructors/export.xlsx")
        assert response.status_code == 200
        _assert_safe(response.data, instructor_texts)
        response = client.get("/instructors/excel/engagements/export.xlsx")
        assert response.status_code == 200
        _assert_safe(response.data, engagement_texts)
        for kind in ("instructors", "engagements"):
            template = client.get(f"/instructors/excel/{kind}/template.xlsx")
            assert template.status_code == 200 and all(c.data_type != "f" for c in _cells(template.data))
    path = tmp_path / "instructors.xlsx"
    result = app.test_cli_runner().invoke(args=["instructors", "export", str(path), "--district", "chaoyang"])
    assert result.exit_code == 0, result.output
    _assert_safe(path.read_bytes(), instructor_texts + engagement_texts)


def _engagement_sheet(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "集体协商"
    sheet.append(["企业", "企业工会", "所属区", "行业", "街道", "阶段", "要约发出日"])
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_an_import_with_two_bad_rows_lists_both_and_imports_nothing(tree, login_as):
    data = _engagement_sheet(
        ["北京甲企业", "北京甲企业工会", "朝阳区", "", "", "要约已发出", "2026-03-02"],  # good
        ["北京乙企业", "北京乙企业工会", "朝阳区", "", "", "要约已发出", ""],  # no request day
        ["北京丙企业", "北京丙企业工会", "朝阳区", "", "", "要约已发出", "2026-13-01"],  # no such day
    )
    client = login_as("coordinator", "chaoyang")
    response = client.post("/instructors/excel/engagements/import", data={"file": (BytesIO(data), "x.xlsx")})
    assert response.status_code == 422
    page = text_of(response.get_data(as_text=True))
    assert "文件中有 2 处问题，未导入任何内容。" in page
    assert "3 要约发出日 必填" in page
    assert "4 要约发出日 2026-13-01 不是日期（请写成 2027-03-05）" in page
    assert db.session.scalar(select(func.count()).select_from(Engagement)) == 0
