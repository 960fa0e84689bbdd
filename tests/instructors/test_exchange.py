"""Excel import/export, the programme-file section and the CLI."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from tests.instructors.conftest import settle, text_of
from trainer.core.extensions import db
from trainer.instructors.models import Engagement, Instructor


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_excel_round_trip(tree, login_as):
    from datetime import date

    from trainer.instructors.engagements.operations import save_engagement

    save_engagement(None, district_id=tree.cy, enterprise="某企业", union_name="某企业工会", industry="建筑业",
                    street=None, stage="signed", request_sent_on=date(2026, 3, 2),
                    agreement_signed_on=date(2026, 6, 10), instructors=[tree.zhao, tree.qian])
    settle()
    client = login_as("coordinator", "chaoyang")
    exported = client.get("/instructors/excel/instructors/export.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(BytesIO(exported.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][:3] == ["姓名", "层级", "所属区"]
    assert ["钱晓梅", "区级兼职", "朝阳区"] == rows[-1][:3] or any(r[:3] == ["钱晓梅", "区级兼职", "朝阳区"] for r in rows)
    assert not any(r[0] == "王海燕" for r in rows)
    before = _count(Instructor)
    response = client.post("/instructors/excel/instructors/import",
                           data={"file": (BytesIO(exported.data), "instructors.xlsx")})
    assert response.status_code == 302
    assert _count(Instructor) == before
    engagements = client.get("/instructors/excel/engagements/export.xlsx")
    row = [c.value for c in list(load_workbook(BytesIO(engagements.data)).active.iter_rows())[1]]
    assert row[0] == "某企业" and row[11] == "钱晓梅、赵建国"
    # due days by the civil code: 22 March 2026 is a Sunday, 20 June a Saturday (next: Monday)
    assert row[13].date().isoformat() == "2026-03-23" and row[14].date().isoformat() == "2026-06-22"
    response = client.post("/instructors/excel/engagements/import",
                           data={"file": (BytesIO(engagements.data), "engagements.xlsx")})
    assert response.status_code == 302 and _count(Engagement) == 1


def test_a_bad_row_imports_nothing_and_every_bad_row_is_listed(tree, login_as):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "指导员"
    sheet.append(["姓名", "层级", "所属区", "手机", "背景", "擅长行业", "聘任起", "聘任止", "状态", "指导人"])
    sheet.append(["周海涛", "区级兼职", "朝阳区", "13800138000", "教师", "建筑业", "2026-01-01", "", "在聘", "赵建国"])
    sheet.append(["吴丽华", "区级兼职", "朝阳区", "", "律师", "", "", "", "", "孙立平"])  # under a city instructor
    sheet.append(["郑凯", "区级临时", "朝阳区", "12345", "企业管理者", "", "", "", "", "赵建国"])  # tier, phone
    sheet.append(["冯静", "区级兼职", "西城区", "", "教师", "", "", "", "", "王海燕"])  # not my district
    buffer = BytesIO()
    workbook.save(buffer)
    client = login_as("coordinator", "chaoyang")
    before = _count(Instructor)
    response = client.post("/instructors/excel/instructors/import", data={"file": (BytesIO(buffer.getvalue()), "x.xlsx")})
    assert response.status_code == 422
    page = text_of(response.get_data(as_text=True))
    assert "区级临时" in page and "12345" in page  # row 4, both problems
    assert "只能导入本区的指导员" in page  # row 5
    assert _count(Instructor) == before
    # once the read-level errors are fixed, the hierarchy rule is reported with its row
    sheet.delete_rows(4, 2)
    buffer = BytesIO()
    workbook.save(buffer)
    response = client.post("/instructors/excel/instructors/import", data={"file": (BytesIO(buffer.getvalue()), "x.xlsx")})
    page = text_of(response.get_data(as_text=True))
    assert response.status_code == 422 and "3 指导人" in page and "不能直接挂在市级指导员" in page
    assert _count(Instructor) == before  # 周海涛 (a good row) was not imported either


def test_programme_section_round_trip(tree, districts):
    from trainer.instructors.exchange import export_section, import_section

    data = export_section(districts["chaoyang"])
    assert {p["name"] for p in data["instructors"]} == {"赵建国", "李秀英", "钱晓梅", "孙志强"}
    assert [p["name"] for p in data["city_instructors"]] == ["孙立平"]
    before = _count(Instructor)
    ids: dict = {}
    import_section(districts["chaoyang"], data, ids)
    settle()
    assert _count(Instructor) == before
    assert ids[("instructor", f"instructor-{tree.qian.id}")].id == tree.qian.id


def test_cli_tree_and_expand(tree, app):
    from datetime import date

    from trainer.instructors.meetings.operations import save_series

    with app.test_request_context("/"):
        save_series(None, organiser=tree.zhao, pair="district_part", district_id=tree.cy, title="双周例会",
                    rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", starts_on=date(2026, 11, 4), until=None,
                    start_time="14:00", end_time="15:00")
        settle()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["instructors", "tree", "--district", "chaoyang"])
    assert result.exit_code == 0, result.output
    assert "- 孙立平" in result.output and "    - 赵建国" in result.output and "        - 钱晓梅" in result.output
    result = runner.invoke(args=["instructors", "expand-meetings", "--days", "400"])
    assert result.exit_code == 0, result.output
    assert "2027" in result.output
