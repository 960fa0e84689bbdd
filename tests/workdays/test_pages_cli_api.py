"""The year page (Chinese and English), corrections and the cache, the notice file, the CLI and the API."""

from __future__ import annotations

import io
import json
import threading
from datetime import date

import pytest
from sqlalchemy import select, update

from tests.workdays.conftest import NOTICE_2027
from trainer import workdays
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.exchange.rows import ImportClash, run_import
from trainer.workdays import operations, service
from trainer.workdays.models import CalendarEntry, CalendarYear


def test_year_page_in_chinese_and_english(login_as):
    client = login_as("lawyer", "chaoyang")
    page = client.get("/workdays/2026").get_data(as_text=True)
    assert "2026年工作日历" in page and "正式" in page
    assert "248个工作日" in page
    assert "国庆节" in page and "调休上班" in page
    assert "2026年10月1日 周四" in page  # the National Day range in the table
    assert "2026年10月10日 周六 · 调休上班" in page
    client.post("/lang/en")
    page = client.get("/workdays/2026").get_data(as_text=True)
    assert "Working-day calendar 2026" in page and "248 working days" in page
    assert "National Day" in page and "Make-up working day" in page
    assert "Sat 10 Oct 2026 · Make-up working day" in page


def test_unannounced_year_page_says_so(login_as):
    page = login_as("coordinator", "chaoyang").get("/workdays/2027").get_data(as_text=True)
    assert "尚未公布" in page and "2027年的法定节假日安排尚未公布（或未录入）" in page
    assert "个工作日（暂定）" in page
    assert "录入2027年的通知" not in page  # only the admin enters it
    admin_page = login_as("admin", None).get("/workdays/2027").get_data(as_text=True)
    assert "录入2027年的通知" in admin_page
    years = login_as("admin", None).get("/workdays/years").get_data(as_text=True)
    assert "2027" in years and "尚未公布" in years and "248" in years


def test_correcting_an_entry_takes_effect_at_once_and_lists_what_it_breaks(app, login_as, fake_area, districts):
    fake_area.add(7, date(2026, 12, 31), districts["chaoyang"].id, "双井街道工会服务站 · 李律师", provisional=False)
    assert workdays.is_working_day(date(2026, 12, 31))  # cached now
    entry = db.session.scalar(select(CalendarEntry).where(CalendarEntry.day == date(2026, 1, 4)))
    admin = login_as("admin", None)
    # The make-up Sunday 4 January becomes a holiday on 31 December: a correction that takes effect at once.
    page = admin.post(f"/workdays/entries/{entry.id}", data={"day": "2026-12-31", "kind": "holiday", "name": "元旦",
                                                             "stamp": entry.calendar_year.stamp},
                      follow_redirects=True).get_data(as_text=True)
    assert "2026年的正式安排已更正" in page
    assert not workdays.is_working_day(date(2026, 12, 31))  # the cache followed the correction
    assert "双井街道工会服务站 · 李律师" in page  # the conflicts page it led to
    [conflict] = operations.recheck_year(2026)
    assert (conflict.item.id, conflict.item.day, conflict.rules) == (7, date(2026, 12, 31), {"not_working_day"})
    assert "2026年12月31日 周四" in conflict.reason and "元旦" in conflict.reason


def test_correct_one_day_through_its_form(login_as):
    workdays.is_working_day(date(2026, 1, 1))
    entry = db.session.scalar(select(CalendarEntry).where(CalendarEntry.day == date(2026, 1, 4)))
    admin = login_as("admin", None)
    page = admin.post(f"/workdays/entries/{entry.id}", data={"day": "2026-01-07", "kind": "makeup_workday",
                                                              "name": "元旦"}, follow_redirects=True)
    assert "调休上班日必须是周六或周日" in page.get_data(as_text=True)  # a Wednesday
    admin.post(f"/workdays/entries/{entry.id}", data={"day": "2026-01-04", "kind": "holiday", "name": "元旦"})
    assert not workdays.is_working_day(date(2026, 1, 4))
    assert workdays.holiday_name(date(2026, 1, 4)) == "元旦"


def test_another_process_changing_the_year_is_noticed(monkeypatch):
    assert workdays.is_working_day(date(2026, 10, 9))
    # Another process (say the web app, while this is the scheduler) turns 9 Oct into a holiday.
    row = db.session.scalar(select(CalendarYear).where(CalendarYear.year == 2026))
    db.session.add(CalendarEntry(year_id=row.id, day=date(2026, 10, 9), kind="holiday", name="国庆节",
                                 name_en="National Day"))
    db.session.execute(update(CalendarYear).where(CalendarYear.id == row.id).values(stamp="changed-elsewhere"))
    db.session.commit()
    monkeypatch.setattr(service, "CHECK_SECONDS", 0.0)
    assert not workdays.is_working_day(date(2026, 10, 9))


def test_thousands_of_questions_are_fast():
    import time

    workdays.is_working_day(date(2026, 1, 5))
    start = time.perf_counter()
    for i in range(5000):
        workdays.is_working_day(date(2026, 1 + i % 12, 1 + i % 28))
    assert time.perf_counter() - start < 1.0


def test_import_upload_validates_everything_first(login_as):
    admin = login_as("admin", None)
    bad = dict(NOTICE_2027, makeup_workdays=["2027-02-17", "2027-13-01"])
    page = admin.post("/workdays/import", data={"file": (io.BytesIO(json.dumps(bad).encode()), "2027.json")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "2027-02-17 是周三：调休上班日必须是周六或周日" in page  # every problem at once
    assert "2027-13-01 不是日期" in page
    assert workdays.year_status(2027) == "not_announced"
    page = admin.post("/workdays/import", data={"file": (io.BytesIO(json.dumps(NOTICE_2027).encode()), "2027.json"),
                                                "confirm": "y"},
                      content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "2027年的节假日安排已确认为正式安排" in page
    assert workdays.is_working_day(date(2027, 2, 20))


def test_cli_show_check_import_confirm(app, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["workdays", "check", "2026-10-10"])
    assert result.exit_code == 0 and "working day 工作日" in result.output and "调休上班" in result.output
    result = runner.invoke(args=["workdays", "check", "2026-10-01"])
    assert "国庆节 (National Day)" in result.output and "not a working day" in result.output
    result = runner.invoke(args=["workdays", "show", "2026"])
    assert "working days 工作日: 248" in result.output and "2026-10-01 – 2026-10-07" in result.output
    result = runner.invoke(args=["workdays", "check", "2027-03-01"])
    assert result.exit_code == 1 and "2027年的法定节假日安排尚未公布" in result.output

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(dict(NOTICE_2027, holidays=[{"name": "春节", "start": "2027-02-10",
                                                           "end": "2027-02-06"}])), encoding="utf-8")
    result = runner.invoke(args=["workdays", "import", str(bad)])
    assert result.exit_code == 1 and "未导入" in result.output and "早于第一天" in result.output

    good = tmp_path / "2027.json"
    good.write_text(json.dumps(NOTICE_2027, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["workdays", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "draft" in result.output and "workdays confirm 2027" in result.output
    result = runner.invoke(args=["workdays", "confirm", "2027"])
    assert result.exit_code == 0 and "official" in result.output
    result = runner.invoke(args=["workdays", "check", "2027-02-20"])
    assert "working day 工作日" in result.output and "春节" in result.output


@pytest.fixture
def api_client(app, make_user):
    def _client(role="coordinator", district="chaoyang"):
        user = make_user(role, district)
        _token, plain = create_api_token(user, "test")
        db.session.commit()
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
        return client

    return _client


def test_api_year_check_range(api_client):
    client = api_client("lawyer")
    data = client.get("/api/v1/workdays/years/2026").get_json()
    assert data["status"] == "official" and data["working_day_count"] == 248
    assert {"name": "国庆节", "name_en": "National Day", "festival": "national_day", "start": "2026-10-01",
            "end": "2026-10-07"} in data["holidays"]
    assert {"date": "2026-10-10", "name": "国庆节", "name_en": "National Day"} in data["makeup_workdays"]
    data = client.get("/api/v1/workdays/check?date=2026-10-10").get_json()
    assert data["working_day"] is True and data["kind"] == "makeup_workday"
    data = client.get("/api/v1/workdays/range?from=2026-09-28&to=2026-10-12").get_json()
    assert data["days"] == ["2026-09-28", "2026-09-29", "2026-09-30", "2026-10-08", "2026-10-09", "2026-10-10",
                            "2026-10-12"]
    response = client.get("/api/v1/workdays/range?from=2026-12-28&to=2027-01-08")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "year_not_announced"
    assert "2027" in response.get_json()["error"]["message"]
    data = client.get("/api/v1/workdays/range?from=2026-12-28&to=2027-01-08&provisional=true").get_json()
    assert data["provisional"] is True and "2027-01-01" not in data["days"] and "2027-01-04" in data["days"]
    assert client.get("/api/v1/workdays/years/2027").get_json()["status"] == "not_announced"
    assert client.get("/api/v1/workdays/range?from=2026-10-12&to=2026-10-01").status_code == 422


def test_api_notice_for_the_admin_only(api_client):
    assert api_client("coordinator").post("/api/v1/workdays/notices", json=NOTICE_2027).status_code == 403
    admin = api_client("admin", None)
    bad = dict(NOTICE_2027, makeup_workdays=["2027-02-17"])
    response = admin.post("/api/v1/workdays/notices", json=bad)
    assert response.status_code == 422
    assert "2027-02-17" in response.get_json()["error"]["fields"]["makeup_days"]
    response = admin.post("/api/v1/workdays/notices", json=dict(NOTICE_2027, confirm=True))
    assert response.status_code == 201 and response.get_json()["status"] == "official"
    assert workdays.is_working_day(date(2027, 10, 9))


def test_a_page_needing_an_unannounced_year_says_which(login_as):
    response = login_as("admin", None).post("/workdays/2027/recheck")
    assert response.status_code == 409
    assert "2027年的法定节假日安排尚未公布（或未录入）" in response.get_data(as_text=True)


def test_demo_loads_2025_and_2026_and_leaves_2027_open():
    from trainer.org.demo import DemoContext
    from trainer.workdays.demo import load

    load(DemoContext(districts={}, users={}))
    db.session.commit()
    rows = db.session.scalars(select(CalendarYear).order_by(CalendarYear.year)).all()
    assert [(r.year, r.status, r.source) for r in rows] == [(2025, "official", "library"),
                                                            (2026, "official", "library")]
    assert workdays.year_status(2027) == "not_announced"


def test_two_identical_notice_imports_at_the_same_moment_one_is_refused_clearly(app, monkeypatch):
    """Two admins import the same notice file together (each in its own thread, app context and session): both
    find no 2027 yet; one import is saved whole, the other refused with the clear message, never a crash."""
    together = threading.Barrier(2, timeout=20)
    real_ensure = operations.ensure_year_loaded

    def ensure_together(year):
        row = real_ensure(year)
        together.wait()
        return row

    monkeypatch.setattr(operations, "ensure_year_loaded", ensure_together)
    outcomes: list[tuple[str, str]] = []

    def run() -> None:
        with app.app_context():
            try:
                result = run_import(lambda: operations.import_notice(json.loads(json.dumps(NOTICE_2027))))
                outcomes.append(("imported", str(result.added)))
            except ImportClash as error:
                outcomes.append(("refused", error.message))
            except Exception as error:  # noqa: BLE001 - the test reports anything else that escaped
                outcomes.append(("escaped", repr(error)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(kind for kind, _detail in outcomes) == ["imported", "refused"], outcomes
    assert next(detail for kind, detail in outcomes if kind == "refused") == ImportClash().message
    db.session.expire_all()
    assert len(db.session.scalars(select(CalendarYear).where(CalendarYear.year == 2027)).all()) == 1
    assert workdays.holiday_name(date(2027, 2, 14), allow_provisional=True) == "春节"
