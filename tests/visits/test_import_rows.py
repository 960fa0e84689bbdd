"""An Excel import with two bad rows names both, each with its row, column and the wording every import of
Trainer uses (the one row reader's), and imports nothing (not even the good row)."""

from __future__ import annotations

import re

from flask_babel import force_locale
from sqlalchemy import func, select

from tests.conftest import xlsx_file
from trainer.core.extensions import db
from trainer.exchange.rows import convert
from trainer.visits.models import Contract, Firm


def test_two_bad_rows_are_both_listed_and_nothing_is_imported(app, login_as, districts):
    coordinator = login_as("coordinator", "chaoyang")
    sheet = xlsx_file(["律所名称", "联系人", "合同开始", "合同结束", "服务站数"], [
        ["北京好律师事务所", "刘振华", "2026-01-01", "2027-12-31", 3],
        ["", "陈晓梅", "2026-01-01", "2027-12-31", 2],
        ["北京坏日期律师事务所", "孙立群", "2026-13-01", "2027-12-31", "七"],
    ])
    response = coordinator.post("/visits/import/firms", data={"file": (sheet, "firms.xlsx")},
                                content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "文件中有 3 处问题，未导入任何内容。" in html
    listed = re.search(r'<ul class="problems">(.*?)</ul>', html, re.S).group(1)
    with app.test_request_context(), force_locale("zh"):
        # The one row reader's wording, the same in every import of every area.
        wording = {kind: convert(value, kind)[1] for value, kind in (("", "str"), ("2026-13-01", "date"),
                                                                      ("七", "int"))}
    assert wording["str"] == "必填" and wording["int"] == "七 不是整数"
    assert re.findall(r"<li>(.*?)</li>", listed) == [f"第 3 行, 律所名称: {wording['str']}",
                                                     f"第 4 行, 合同开始: {wording['date']}",
                                                     f"第 4 行, 服务站数: {wording['int']}"]
    assert db.session.scalar(select(func.count()).select_from(Firm)) == 0
    assert db.session.scalar(select(func.count()).select_from(Contract)) == 0
