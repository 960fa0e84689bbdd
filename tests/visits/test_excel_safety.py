"""Every Excel file the visits give out, fed names and texts that a spreadsheet would run as a formula (starting
with =, +, - or @) and that hold control characters: each opens, holds no formula, shows the text as typed (the
control characters left out), and none fails."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import SOLVER_TIME_S
from tests.visits.conftest import TODAY
from trainer.core.clock import local_datetime
from trainer.core.extensions import db
from trainer.visits.duty import operations as duty
from trainer.visits.models import Visit
from trainer.visits.plan import planner
from trainer.visits.records import operations as records
from trainer.visits.setup import operations as setup_ops

FIRMS = ['=HYPERLINK("http://evil.example","点我")\x01律所', "@律所\x02二"]
LAWYERS = ["+律师\x02甲", "-律师乙", "@律师丙", "=律师\x1f丁"]
STATION = "=服务站\x07一"
ADDRESS = "+北京市\x01朝阳区"
CONSULTATION = {"question": "=1+1\x01 工资被拖欠", "advice": "@SUM(A1:A9) 申请仲裁", "enterprise_name": "+企业\x04",
                "worker_name": "-王\x03五", "follow_up_note": "=跟进\x05回访"}
MISSED_NOTE = "=cmd|' /C calc'!A0\x06"
DUTY_TITLE = "=值班\x01\n特别时期"


def typed(text: str) -> str:
    """The text as a workbook shows it: control characters left out."""
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)



@pytest.fixture
def hostile(districts, programme, make_user):
    """The small programme renamed with hostile names, planned for December, one visit delivered with a
    consultation, one missed, a duty period planned; the first lawyer can log in."""
    for firm, name in zip(programme["firms"], FIRMS, strict=True):
        setup_ops.save_firm(firm, district_id=firm.district_id, name=name, contact_name=firm.contact_name,
                            contact_phone=firm.contact_phone)
    user = make_user("lawyer", "chaoyang")
    for index, (lawyer, name) in enumerate(zip(programme["lawyers"], LAWYERS, strict=True)):
        setup_ops.save_lawyer(lawyer, firm=lawyer.firm, name=name, phone=lawyer.phone,
                              user_id=user.id if index == 0 else None)
    station = programme["stations"][0]
    station.name, station.address = STATION, ADDRESS
    db.session.commit()
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    delivered, missed = db.session.scalars(select(Visit).where(Visit.station_id == station.id)
                                           .order_by(Visit.day)).all()[:2]
    start, end = station.hours_of(delivered.half)
    delivered.status = "delivered"
    delivered.checked_in_at = local_datetime(delivered.day, start)
    delivered.checked_out_at = local_datetime(delivered.day, end) - timedelta(minutes=10)
    records.save_consultation(None, visit=delivered, user=None, asker_type="worker", people_count=2,
                              channel="on_site", category="pay", referral="arbitration", follow_up=True,
                              worker_phone="13800138000", **CONSULTATION)
    records.mark_missed(missed, reason="other", note=MISSED_NOTE, user=None, today=date(2026, 12, 31))
    period = duty.save_period(None, district_id=station.district_id, title=DUTY_TITLE,
                              first_day=date(2027, 2, 1), last_day=date(2027, 2, 3),
                              shifts="00:00-12:00, 12:00-24:00", per_shift=1,
                              lawyer_ids=[lw.id for lw in programme["lawyers"]])
    duty.plan_period(period, time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    return {"firm": programme["firms"][0], "period": period, "user": user, "lawyer": programme["lawyers"][0],
            "delivered": delivered}


def _cells(response) -> list[str]:
    """The workbook's text cells, after checking that it opens and holds no formula."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    book = load_workbook(BytesIO(response.data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def test_every_visits_export_writes_hostile_text_as_typed_and_never_a_formula(login_as, hostile):
    coordinator = login_as("coordinator", "chaoyang")
    december = "from=2026-12-01&to=2026-12-31"
    lawyers_on_duty = {r.lawyer.name for r in hostile["period"].duty_shifts if r.status == "planned"}

    plan = _cells(coordinator.get(f"/visits/export/plan.xlsx?{december}"))
    assert {typed(STATION), typed(ADDRESS), typed(FIRMS[0])} <= set(plan)
    assert typed(hostile["delivered"].lawyer.name) in plan

    consultation = {typed(text) for text in CONSULTATION.values()}
    recorded = _cells(coordinator.get(f"/visits/export/records.xlsx?{december}"))
    assert consultation <= set(recorded)
    assert any(cell.endswith(typed(MISSED_NOTE)) for cell in recorded)

    mine = _cells(login_as(user=hostile["user"]).get("/visits/mine/records.xlsx?month=2026-12"))
    assert consultation <= set(mine)

    accounts = _cells(coordinator.get("/visits/accounts.xlsx?month=2026-12"))
    assert {typed(name) for name in FIRMS} <= set(accounts)

    account = _cells(coordinator.get(f"/visits/accounts/{hostile['firm'].id}/account.xlsx?month=2026-12"))
    assert {typed(FIRMS[0]), typed(STATION), typed(MISSED_NOTE)} <= set(account)

    roster = _cells(coordinator.get(f"/visits/duty/{hostile['period'].id}/roster.xlsx"))
    assert lawyers_on_duty and {typed(name) for name in lawyers_on_duty} <= set(roster)

    for kind in ("stations", "firms", "lawyers", "leave"):
        assert _cells(coordinator.get(f"/visits/import/{kind}/template.xlsx"))


def test_an_excel_file_downloaded_by_a_logged_in_user_is_never_kept_by_a_cache(login_as, hostile):
    """The export holds workers' names and consultations: no browser or proxy cache may keep it."""
    coordinator = login_as("coordinator", "chaoyang")
    answer = coordinator.get("/visits/export/plan.xlsx?from=2026-12-01&to=2026-12-31")
    assert answer.headers["Content-Disposition"].startswith("attachment")
    assert answer.headers["Cache-Control"] == "no-store"
    assert typed(STATION) in _cells(answer)
