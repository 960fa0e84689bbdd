"""The one Excel writer (trainer/exchange/excel.py): what people typed comes back as text, never as a formula,
and characters a workbook cannot hold are left out instead of failing the export."""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from trainer.exchange.excel import Sheet, template_response, workbook_bytes
from trainer.exchange.rows import Column

# (typed, as the workbook must show it)
TYPED = [
    ("=1+2", "=1+2"),
    ("=HYPERLINK(\"http://evil.example\",\"点我\")", "=HYPERLINK(\"http://evil.example\",\"点我\")"),
    ("+8613800138000", "+8613800138000"),
    ("-2+3", "-2+3"),
    ("@SUM(A1:A2)", "@SUM(A1:A2)"),
    ("\t=1+1", "\t=1+1"),
    ("\r=1+1", "\r=1+1"),
    ("王芳\x00\x07\x1b律师", "王芳律师"),
    ("咨询\x0b内容\x1f", "咨询内容"),
    ("半个\ud800字符", "半个字符"),
    ("=\x01A1", "=A1"),
    ("第一行\r\n第二行\r第三行", "第一行\r\n第二行\r第三行"),
    ("普通文字", "普通文字"),
]


def _read(data: bytes):
    return load_workbook(BytesIO(data))  # formulas are read as formulas, not as their cached values


def test_texts_come_back_as_typed_and_never_as_formulas():
    data = workbook_bytes([Sheet("走访=记录\x07", ["姓名", "内容", "日期"],
                                 [[typed, typed, date(2027, 3, 5)] for typed, _shown in TYPED])])
    workbook = _read(data)
    sheet = workbook.worksheets[0]
    assert sheet.title == "走访=记录"
    for row, (_typed, shown) in enumerate(TYPED, start=2):
        for column in (1, 2):
            cell = sheet.cell(row=row, column=column)
            assert cell.data_type != "f", (row, cell.value)
            assert cell.value == shown, (row, cell.value)
        assert sheet.cell(row=row, column=3).value.date() == date(2027, 3, 5)
    formulas = [cell.coordinate for line in sheet.iter_rows() for cell in line if cell.data_type == "f"]
    assert formulas == []


def test_headers_are_written_safely_too():
    sheet = _read(workbook_bytes([Sheet("导出", ["=名称", "+电话\x00"], [["a", "b"]])])).worksheets[0]
    assert [cell.value for cell in sheet[1]] == ["=名称", "+电话"]
    assert all(cell.data_type == "s" for cell in sheet[1])


@pytest.mark.parametrize("bad", ["\x00", "\ud800", "\udfff", "\x1b[31m"])
def test_characters_a_workbook_cannot_hold_never_fail_the_export(bad):
    sheet = _read(workbook_bytes([Sheet("导出", ["内容"], [[f"前{bad}后"], [[f"列{bad}表", "第二"]]])])).worksheets[0]
    assert sheet["A2"].value in ("前后", "前[31m后")
    assert sheet["A3"].value.startswith("列") and sheet["A3"].value.endswith("表、第二")


def test_template_has_a_drop_down_for_every_choice_column(app):
    columns = [Column("name", "名称", example="八里庄街道工会服务站"),
               Column("kind", "类型", kind="choice", choices={"街道": "street", "产业": "industry"}),
               Column("half", "半天", kind="choice", choices={"上午": "am", "下午": "pm"}),
               Column("phone", "电话", required=False, kind="mobile")]
    with app.test_request_context("/"):
        response = template_response(columns, "template.xlsx", title="导入")
        response.direct_passthrough = False
        data = response.get_data()
    sheet = _read(data)["导入"]
    assert [cell.value for cell in sheet[1]] == ["名称", "类型", "半天", "电话"]
    assert sheet["A2"].value == "八里庄街道工会服务站"
    rules = {str(rule.sqref): rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert rules == {"B2:B500": '"街道,产业"', "C2:C500": '"上午,下午"'}
