"""Trainees from Excel (all or nothing, every bad row named); the plan and coverage to Excel."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from trainer.core.extensions import db
from trainer.rotation.models import Trainee


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "所属工会", "服务站", "手机", "调解经历", "不能参加的日期"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def _year(districts, unions):
    from tests.rotation.conftest import make_year

    py = make_year(districts)
    db.session.commit()
    return py


def test_import_with_a_bad_row_imports_nothing(login_as, districts, unions):
    py = _year(districts, unions)
    client = login_as("coordinator", "chaoyang")
    file = _xlsx([["李晓红", "朝外街道总工会", None, "13800138000", "2年", "2026-10-12"],
                  ["王建华", "不存在的工会", None, "13800138001", None, None],
                  ["张丽", "劲松街道总工会", None, "12345", None, None],
                  ["刘洋", "劲松街道总工会", None, None, None, "明天"]])
    response = client.post(f"/rotation/years/{py.id}/import", data={"file": (file, "trainees.xlsx")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第 3 行, 所属工会" in html and "不存在的工会" in html
    assert "第 4 行, 手机" in html and "12345" in html
    assert "第 5 行, 不能参加的日期" in html and "明天" in html
    assert "第 2 行" not in html
    assert db.session.scalar(select(func.count()).select_from(Trainee)) == 0


def test_import_lists_every_bad_row_in_the_shared_wording(login_as, districts, unions):
    py = _year(districts, unions)
    client = login_as("coordinator", "chaoyang")
    file = _xlsx([["李晓红", "朝外街道总工会", None, "13800138000", None, None],
                  [None, "劲松街道总工会", None, None, None, None],
                  ["王建华", "劲松街道总工会", None, "1380013", None, None],
                  ["李晓红", "朝外街道总工会", None, None, None, None]])
    response = client.post(f"/rotation/years/{py.id}/import", data={"file": (file, "trainees.xlsx")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "文件中有 3 处问题，未导入任何内容。" in html
    assert "第 3 行, 姓名: 必填" in html
    assert "第 4 行, 手机: 1380013 不是 11 位手机号" in html
    assert "第 5 行, 姓名: 该学员在文件中出现了两次（另见第 2 行）。" in html
    assert "第 2 行," not in html
    assert db.session.scalar(select(func.count()).select_from(Trainee)) == 0


def test_import_good_file_and_export_plan(login_as, districts, unions):
    py = _year(districts, unions)
    client = login_as("coordinator", "chaoyang")
    file = _xlsx([["李晓红", "朝外街道总工会", None, "13800138000", "2年", "2026-10-12..2026-10-14"],
                  ["王建华", "劲松街道总工会", None, None, None, None]])
    response = client.post(f"/rotation/years/{py.id}/import", data={"file": (file, "trainees.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    li = db.session.scalar(select(Trainee).where(Trainee.name == "李晓红"))
    assert li.unavailable == ["2026-10-12", "2026-10-13", "2026-10-14"]
    exported = client.get(f"/rotation/years/{py.id}/plan.xlsx")
    assert exported.status_code == 200
    workbook = load_workbook(BytesIO(exported.data))
    assert workbook["跟班安排"]["A2"].value == "李晓红"
    template = client.get(f"/rotation/years/{py.id}/import/template.xlsx")
    assert load_workbook(BytesIO(template.data)).active["A1"].value == "姓名"
    coverage = client.get("/rotation/coverage.xlsx")
    assert load_workbook(BytesIO(coverage.data))["覆盖概况"]["A2"].value == "朝阳区"
