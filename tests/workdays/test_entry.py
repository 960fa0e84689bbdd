"""Entering a newly announced year: the form, its validation, confirmation and the conflicts it reveals."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from trainer import workdays
from trainer.core.extensions import db
from trainer.workdays import operations
from trainer.workdays.models import CalendarEntry, CalendarYear, KeptConflict

HOLIDAYS_2027 = """元旦 2027-01-01 2027-01-03
春节 2027-02-06 2027-02-14
国庆节 2027-10-01 2027-10-07"""
MAKEUP_2027 = """调休 2027-02-20 春节
调休 2027-10-09"""


def _post(client, year, **data):
    form = {"stamp": "none", "notice": "国务院办公厅关于2027年部分节假日安排的通知（测试用）",
            "holidays": HOLIDAYS_2027, "makeup_days": MAKEUP_2027}
    form.update(data)
    return client.post(f"/workdays/{year}/edit", data=form, follow_redirects=True)


def test_enter_2027_as_draft_then_confirm(login_as, fake_area, districts):
    chaoyang = districts["chaoyang"].id
    # Planned on the provisional calendar before the notice: 11 Feb is a Thursday after the computed Spring
    # Festival days (5–10 Feb), 16 Sep the day after the computed Mid-Autumn Festival, 1 Mar an ordinary Monday.
    fake_area.add(1, date(2027, 2, 11), chaoyang, "八里庄街道工会服务站 · 王律师")
    fake_area.add(2, date(2027, 3, 1), chaoyang, "劲松街道工会服务站 · 赵律师")
    fake_area.add(3, date(2027, 9, 16), districts["xicheng"].id, "月坛街道工会服务站 · 张律师")
    admin = login_as("admin", None)
    with pytest.raises(workdays.YearNotAnnounced):
        workdays.is_working_day(date(2027, 2, 20))
    assert workdays.is_working_day(date(2027, 2, 11), allow_provisional=True)
    assert not workdays.is_working_day(date(2027, 2, 9), allow_provisional=True)  # computed: 春节

    page = _post(admin, 2027, save="1").get_data(as_text=True)
    assert "草稿" in page
    assert workdays.year_status(2027) == "draft"
    with pytest.raises(workdays.YearNotAnnounced) as caught:
        workdays.is_working_day(date(2027, 2, 20))
    assert "2027年的法定节假日安排已录入，但尚未确认" in str(caught.value)
    assert workdays.is_working_day(date(2027, 2, 20), allow_provisional=True)  # the draft, provisionally

    page = admin.post("/workdays/2027/confirm", follow_redirects=True).get_data(as_text=True)
    assert "2027年的节假日安排已确认为正式安排" in page
    assert workdays.year_status(2027) == "official"
    assert workdays.is_working_day(date(2027, 2, 20))  # the make-up Saturday
    assert not workdays.is_working_day(date(2027, 2, 11))
    assert workdays.holiday_name(date(2027, 2, 11)) == "春节"
    row = db.session.scalar(select(CalendarYear).where(CalendarYear.year == 2027))
    assert row.confirmed_by_id == admin.user.id and row.source == "notice"

    found = operations.recheck_year(2027)
    assert [(c.item.id, c.item.day, c.proposal) for c in found] == [(1, date(2027, 2, 11), None)]
    # The page lists it with the first working day after the Spring Festival as the suggestion; nothing moved.
    assert "八里庄街道工会服务站 · 王律师" in page and "2027年2月15日 周一" in page
    assert fake_area.day_of(1) == date(2027, 2, 11)


def test_conflicts_page_per_district_apply_and_keep(app, login_as, fake_area, districts):
    fake_area.add(1, date(2027, 2, 11), districts["chaoyang"].id, "八里庄街道工会服务站 · 王律师")
    fake_area.add(4, date(2027, 2, 12), districts["chaoyang"].id, "劲松街道工会服务站 · 赵律师")
    fake_area.add(3, date(2027, 9, 16), districts["xicheng"].id, "月坛街道工会服务站 · 张律师")
    with app.test_request_context():
        operations.import_notice({"year": 2027, "holidays": [
            {"name": "春节", "start": "2027-02-06", "end": "2027-02-14"},
            {"name": "中秋节", "start": "2027-09-15", "end": "2027-09-17"}],
            "makeup_workdays": ["2027-02-20"]}, confirm=True)
    db.session.commit()

    chaoyang = login_as("coordinator", "chaoyang")
    page = chaoyang.get("/workdays/conflicts").get_data(as_text=True)
    assert "八里庄街道工会服务站 · 王律师" in page and "劲松街道工会服务站" in page
    assert "月坛街道工会服务站" not in page  # another district's
    assert "2027年2月11日 周四" in page and "2027年2月15日 周一" in page  # the day now and the suggestion
    assert "春节" in page and "暂定日历" in page

    # Apply one suggestion: the item moves, and its conflict is gone by itself.
    listed = chaoyang.get("/api/v1/workdays/conflicts")  # pages are not the API: a session opens no API
    assert listed.status_code == 401
    page = chaoyang.post("/workdays/conflicts/apply", data={
        "only": "visit:1", "place_visit:1": "2027-02-15||09:00|12:00|lawyer:1"}, follow_redirects=True)
    page = page.get_data(as_text=True)
    assert "已采纳 1 条建议" in page
    assert fake_area.day_of(1) == date(2027, 2, 15)
    assert "八里庄街道工会服务站" not in page.split("保留原安排的")[0]

    # Keep the other where it is, saying why: it leaves the list and shows who kept it, and why.
    assert "请说明" in chaoyang.post("/workdays/conflicts/keep", data={"item": "visit:4", "reason": ""}) \
        .get_data(as_text=True)
    page = chaoyang.post("/workdays/conflicts/keep", data={"item": "visit:4", "reason": "服务站春节值班，已与站长确认"},
                         follow_redirects=True).get_data(as_text=True)
    assert "没有冲突" in page
    assert "服务站春节值班，已与站长确认" in page and chaoyang.user.display_name in page
    kept = db.session.scalar(select(KeptConflict))
    assert (kept.kind, kept.item_id, kept.kept_by_id) == ("visit", 4, chaoyang.user.id)

    # A long list comes a page at a time (every conflict counted, each page with its own suggestions).
    for number in range(5, 8):
        fake_area.add(number, date(2027, 2, 8 + number - 5), districts["chaoyang"].id, f"第{number}工会服务站 · 李律师")
    app.config["PAGE_SIZE"] = 2
    try:
        first = chaoyang.get("/workdays/conflicts").get_data(as_text=True)
        second = chaoyang.get("/workdays/conflicts?page=2").get_data(as_text=True)
        beyond = chaoyang.get("/workdays/conflicts?page=9").get_data(as_text=True)
    finally:
        app.config["PAGE_SIZE"] = 50
    assert "3 项冲突" in first and "第 1 页，共 2 页" in first and "?page=2" in first
    assert first.count('name="apply"') == 2 and second.count('name="apply"') == 1
    shown = [name for name in ("第5工会服务站", "第6工会服务站", "第7工会服务站") if name in first + second]
    assert len(shown) == 3 and "第 2 页，共 2 页" in second and "第 2 页，共 2 页" in beyond

    # The admin sees every district; another district's item cannot be applied or kept by a coordinator.
    admin_page = login_as("admin", None).get("/workdays/conflicts").get_data(as_text=True)
    assert "月坛街道工会服务站" in admin_page and "西城区" in admin_page
    assert chaoyang.post("/workdays/conflicts/keep", data={"item": "visit:3", "reason": "x"}).status_code in (302, 403)
    assert db.session.scalar(select(KeptConflict).where(KeptConflict.item_id == 3)) is None
    assert login_as("lawyer", "chaoyang").get("/workdays/conflicts").status_code == 403


@pytest.mark.parametrize(("holidays", "makeups", "message"), [
    ("春节 2027-02-06 2027-02-14\n元宵 2027-02-12 2027-02-16", "", "元宵 2027-02-12–2027-02-16 与 春节 "
                                                                     "2027-02-06–2027-02-14 重叠"),
    ("春节 2027-02-06 2027-02-14", "调休 2027-02-17", "2027-02-17 是周三：调休上班日必须是周六或周日"),
    ("元旦 2026-12-31 2027-01-02", "", "2026-12-31 不在2027年内"),
    ("春节 2027-02-06 2027-02-14", "调休 2028-01-08", "2028-01-08 不在2027年内"),
    ("春节 2027-02-06 2027-02-14", "调休 2027-02-13", "2027-02-13 在假期 春节 2027-02-06–2027-02-14 之内"),
    ("国庆节 2027-10-07 2027-10-01", "", "国庆节：最后一天 2027-10-01 早于第一天 2027-10-07"),
    ("国庆节 2027-10-01 2027-10-32", "", "第1行：2027-10-32 不是有效日期"),
    ("2027-10-01 2027-10-07", "", "第1行：假期需要名称"),
])
def test_form_refuses_bad_input_beside_the_field(login_as, holidays, makeups, message):
    admin = login_as("admin", None)
    response = _post(admin, 2027, holidays=holidays, makeup_days=makeups, save="1")
    page = response.get_data(as_text=True)
    assert response.status_code == 422  # shown again: what was typed, the reason beside it
    assert message in page
    assert holidays.splitlines()[0] in page  # what was typed is shown again
    assert workdays.year_status(2027) == "not_announced"  # nothing saved


def test_form_shows_every_problem_at_once_in_english(login_as):
    admin = login_as("admin", None)
    admin.post("/lang/en")
    page = _post(admin, 2027, holidays="春节 2027-02-06 2027-02-14\n国庆节 2027-10-07 2027-10-01",
                 makeup_days="2027-02-17\n2027-02-13", save="1").get_data(as_text=True)
    assert "国庆节: the last day 2027-10-01 is before the first day 2027-10-07." in page
    assert "2027-02-17 is a Wed: a make-up working day must be a Saturday or a Sunday." in page
    assert "2027-02-13 is inside the holiday 春节 2027-02-06–2027-02-14" in page


def test_stale_form_is_refused(login_as):
    """The one answer to a stale edit: the form again with what the other admin saved, and who saved it."""
    first = login_as("admin", None)
    _post(first, 2027, save="1")
    second = login_as("admin", None)  # opened the form before the first save (no row yet)
    page = _post(second, 2027, stamp="none", holidays="春节 2027-02-05 2027-02-13", makeup_days="",
                 save="1").get_data(as_text=True)
    assert f"{first.user.display_name} 在" in page and "保存了这条记录" in page
    assert "春节 2027-02-06 2027-02-14" in page and "2027-02-05" not in page  # the saved values, in the form
    assert workdays.holiday_name(date(2027, 2, 14), allow_provisional=True) == "春节"  # unchanged


def test_stale_entry_edit_shows_the_first_admins_values_and_who_saved_them(login_as, clock):
    _post(login_as("admin", None), 2027, save="1")
    entry = db.session.scalar(select(CalendarEntry).where(CalendarEntry.day == date(2027, 10, 9)))
    first, second = login_as("admin", None), login_as("admin", None)
    opened = {"stamp": entry.calendar_year.stamp, "day": "2027-10-09", "kind": "makeup_workday"}
    assert entry.name == "国庆节"
    clock.set("09:31")  # the first admin saves a minute after the year was entered (the tests' clock stands still)
    assert first.post(f"/workdays/entries/{entry.id}", data={**opened, "name": "国庆调休",
                                                             "name_en": "National Day make-up"}).status_code == 302
    response = second.post(f"/workdays/entries/{entry.id}", data={**opened, "name": "中秋节", "name_en": ""},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and f"/workdays/entries/{entry.id}" in response.request.path
    assert f"{first.user.display_name} 在" in page and "保存了这条记录" in page
    assert 'value="国庆调休"' in page and 'value="National Day make-up"' in page and "中秋节" not in page
    db.session.expire_all()
    assert db.session.get(CalendarEntry, entry.id).name == "国庆调休"


def test_only_the_admin_enters_a_calendar(login_as):
    assert login_as("coordinator", "chaoyang").get("/workdays/2027/edit").status_code == 403
    assert login_as("coordinator", "chaoyang").post("/workdays/2027/confirm").status_code == 403
    assert login_as("lawyer", "chaoyang").get("/workdays/import").status_code == 403
