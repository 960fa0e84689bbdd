"""In a real browser: after the 2027 notice is confirmed, the Chaoyang coordinator sees the visits it broke on the
conflicts page, each with its current day, the reason and a suggestion, keeps one where it is with a reason, and
applies every other suggestion: the list is empty and the kept one is shown with who kept it and why."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.visits.conftest import make_programme
from trainer.core.extensions import db
from trainer.org.demo import DEMO_PASSWORD
from trainer.org.models import District
from trainer.visits.plan import planner
from trainer.workdays import operations
from trainer.workdays.models import KeptConflict

pytestmark = pytest.mark.e2e

NOTICE = {"year": 2027, "holidays": [{"name": "春节", "start": "2027-02-06", "end": "2027-02-19"}],
          "makeup_workdays": ["2027-02-20"]}


def test_coordinator_keeps_one_and_applies_every_other_suggestion(page, live_server, make_user):
    chaoyang = db.session.scalar(select(District).where(District.code == "chaoyang"))
    make_programme(chaoyang)
    planner.plan_range(chaoyang, "2027-02", "2027-02", allow_provisional=True, time_limit_s=3)
    operations.import_notice(NOTICE, confirm=True)
    db.session.commit()
    user = make_user("coordinator", "chaoyang", username="chaoyang")
    user.set_password(DEMO_PASSWORD)
    db.session.commit()

    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("chaoyang")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/workdays/conflicts")
    rows = page.locator("table.wd-conflicts tbody tr")
    count = rows.count()
    assert count >= 2
    first = rows.first
    assert "春节" in first.locator(".wd-why").inner_text() and "2027年2月" in first.locator(".wd-now").inner_text()
    assert "2027年" in first.locator(".wd-suggestion").inner_text()

    first.get_by_role("link", name="保留原安排（说明理由）").click()
    page.get_by_label("保留原安排的理由").fill("站长确认春节期间照常接待")
    page.get_by_role("button", name="保留", exact=True).click()
    page.wait_for_load_state()
    assert page.locator("table.wd-conflicts tbody tr").count() == count - 1
    page.get_by_role("button", name="采纳全部建议").click()
    page.wait_for_load_state()
    assert f"已采纳 {count - 1} 条建议" in page.locator("main").inner_text()
    assert page.locator(".wd-none").is_visible()  # 没有冲突
    kept = page.locator("main").inner_text()
    assert "站长确认春节期间照常接待" in kept and user.display_name in kept
    assert db.session.scalar(select(KeptConflict)).reason == "站长确认春节期间照常接待"
