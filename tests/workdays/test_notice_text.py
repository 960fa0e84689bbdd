"""The holiday notice pasted as the State Council publishes it: read into holiday ranges and make-up days, shown for
checking before anything is saved, then saved with the entry form (the one change path).

tests/workdays/data/notice_2026.txt is the real notice (国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04, as
Xinhua published it, e.g. https://politics.gmw.cn/2025-11/04/content_38391083.htm); read, it gives exactly the
chinese_calendar library's 2026 calendar."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.workdays.conftest import NOTICE_2027
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.workdays import library, service
from trainer.workdays.models import KIND_HOLIDAY, KIND_MAKEUP, CalendarYear
from trainer.workdays.notice_text import read_notice_text

NOTICE_2026 = (Path(__file__).parent / "data" / "notice_2026.txt").read_text(encoding="utf-8")
NUMBERS = "一二三四五六七"
MAKEUPS_2027 = {"2027-02-20": "春节", "2027-04-25": "劳动节", "2027-09-26": "国庆节", "2027-10-09": "国庆节"}


def _as_days(read) -> set[tuple[date, str, str | None, str]]:
    days = {(d, KIND_HOLIDAY, h.festival, h.name) for h in read.holidays for d in h.days()}
    return days | {(m.day, KIND_MAKEUP, m.festival, m.name) for m in read.makeups}


def test_the_real_2026_notice_gives_the_librarys_2026_calendar(app):
    with app.test_request_context():
        read = read_notice_text(NOTICE_2026)
    assert read.year == 2026 and read.title == "国务院办公厅关于2026年部分节假日安排的通知"
    assert [(h.name, h.start, h.end) for h in read.holidays][:2] == [
        ("元旦", date(2026, 1, 1), date(2026, 1, 3)), ("春节", date(2026, 2, 15), date(2026, 2, 23))]
    expected = {(d.day, d.kind, d.festival, d.name) for d in library.year_days(2026)}
    assert len(expected) == 39
    assert _as_days(read) == expected


def test_half_width_punctuation_and_a_range_over_new_year(app):
    """The same notice copied with ASCII brackets and colons reads the same; a holiday may run into the next year
    (2024年12月30日至2025年1月1日) or leave out its month (12月31日至1日)."""
    plain = NOTICE_2026.translate(str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","}))
    with app.test_request_context():
        assert _as_days(read_notice_text(plain)) == _as_days(read_notice_text(NOTICE_2026))
        read = read_notice_text("现将2024年元旦放假安排通知如下。\n一、元旦：2024年12月30日（周一）至2025年1月1日（周三）放假，"
                                "共3天。12月28日（周六）上班。\n二、春节：12月31日至1日放假。")
    assert (read.holidays[0].start, read.holidays[0].end) == (date(2024, 12, 30), date(2025, 1, 1))
    assert (read.holidays[1].start, read.holidays[1].end) == (date(2024, 12, 31), date(2025, 1, 1))
    assert [m.day for m in read.makeups] == [date(2024, 12, 28)]


@pytest.mark.parametrize("text, message", [
    ("", "粘贴通知全文"),
    ("一、元旦：1月1日放假。", "未找到通知的年份"),
    ("现将2027年元旦安排通知如下。各地区要妥善安排。", "未找到节日段落"),
    ("现将2027年元旦安排通知如下。\n一、元旦：2月30日至31日放假。", "不是有效日期"),
])
def test_what_cannot_be_read_is_said(app, text, message):
    with app.test_request_context(headers={"Accept-Language": "zh"}), pytest.raises(InvalidInput) as caught:
        read_notice_text(text)
    assert message in caught.value.message


def _notice_2027_text() -> str:
    """NOTICE_2027 (the tests' own dates) written the way the State Council writes a notice."""
    lines = ["国务院办公厅关于2027年部分节假日安排的通知", "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
             "  经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。"]
    for number, holiday in zip(NUMBERS, NOTICE_2027["holidays"], strict=True):
        start, end = date.fromisoformat(holiday["start"]), date.fromisoformat(holiday["end"])
        last = f"{end.day}日" if end.month == start.month else f"{end.month}月{end.day}日"
        text = f"  {number}、{holiday['name']}：{start.month}月{start.day}日（周）至{last}（周）放假调休，共{(end - start).days + 1}天。"
        makeups = [date.fromisoformat(d) for d, name in MAKEUPS_2027.items() if name == holiday["name"]]
        if makeups:
            text += "、".join(f"{d.month}月{d.day}日（周六）" for d in makeups) + "上班。"
        lines.append(text)
    lines += ["  鼓励单位和个人结合落实带薪年休假等制度。", "  国务院办公厅", "  2026年10月30日"]
    return "\n".join(lines)


def _hidden_and_fields(html: str) -> dict[str, str]:
    form = html[html.index('action="/workdays/2027/edit"'):]
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form))
    for name in ("holidays", "makeup_days"):
        fields[name] = unescape(re.search(rf'<textarea[^>]*name="{name}"[^>]*>\s*(.*?)</textarea>', form, re.S).group(1))
    fields["notice"] = unescape(re.search(r'<input[^>]*id="notice"[^>]*value="([^"]*)"', form).group(1)) \
        if 'id="notice"' in form else fields.get("notice", "")
    return fields


def test_admin_pastes_checks_then_saves_through_the_entry_form(login_as, fake_area, districts):
    admin = login_as("admin", None)
    assert "粘贴国务院通知" in admin.get("/workdays/years").get_data(as_text=True)
    page = admin.post("/workdays/paste", data={"text": _notice_2027_text()}).get_data(as_text=True)
    # Shown for checking: every holiday with its days, every make-up day; nothing saved yet.
    assert "核对读取结果" in page and "尚未保存" in page
    rows = re.findall(r"<tr><td>(\S+)</td><td>([^<]+)</td><td>([^<]+)</td><td>(\d+)</td></tr>", page)
    assert [(name, int(days)) for name, _f, _l, days in rows] == [
        (h["name"], (date.fromisoformat(h["end"]) - date.fromisoformat(h["start"])).days + 1)
        for h in NOTICE_2027["holidays"]]
    assert "2027年2月20日" in page and "2027年10月9日" in page
    assert db.session.scalar(select(func.count()).select_from(CalendarYear).where(CalendarYear.year == 2027)) == 0

    fields = _hidden_and_fields(page)
    assert fields["holidays"].splitlines()[1] == "春节 2027-02-06 2027-02-14"
    response = admin.post("/workdays/2027/edit", data={**fields, "save": "1"}, follow_redirects=True)
    assert "已保存为草稿" in response.get_data(as_text=True)
    db.session.expire_all()
    cal = service.calendar(2027, allow_provisional=True)
    holidays = {date.fromisoformat(h["start"]).toordinal() + i: h["name"] for h in NOTICE_2027["holidays"]
                for i in range((date.fromisoformat(h["end"]) - date.fromisoformat(h["start"])).days + 1)}
    assert {d.toordinal(): names[0] for d, names in cal.holidays.items()} == holidays
    assert {d.isoformat(): names[0] for d, names in cal.makeup.items()} == MAKEUPS_2027
    row = db.session.scalar(select(CalendarYear).where(CalendarYear.year == 2027))
    assert row.status == "draft" and row.source == "notice" and row.notice == "国务院办公厅关于2027年部分节假日安排的通知"


def test_a_notice_that_breaks_a_rule_is_shown_with_the_problem(login_as):
    admin = login_as("admin", None)
    text = _notice_2027_text().replace("2月20日（周六）上班", "2月22日（周一）上班")
    page = admin.post("/workdays/paste", data={"text": text}).get_data(as_text=True)
    assert 'role="alert"' in page and "2027-02-22" in unescape(page)
    assert admin.post("/workdays/paste", data={"text": "随便一段话"}).status_code == 200
    assert login_as("coordinator", "chaoyang").get("/workdays/paste").status_code == 403
