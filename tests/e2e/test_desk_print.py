"""On paper, in Chromium: the demo's busiest month of Chaoyang's visits prints on one A4 landscape page, the
station's door schedule on one A4 portrait page, and a firm's monthly account shows the contract's fees and the
signature block (and no buttons)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from trainer.core.extensions import db
from trainer.org.demo import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.e2e

A4_LONG, A4_SHORT = 842, 595  # points


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    """The size of each page of a PDF Chromium wrote (its MediaBox per page object)."""
    boxes = re.findall(rb"/Type\s*/Page\b(?!s).*?/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]",
                       pdf, re.S)
    if not boxes:  # MediaBox written before /Type
        boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    count = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert count and len(boxes) >= 1
    sizes = [(float(b[2]) - float(b[0]), float(b[3]) - float(b[1])) for b in boxes]
    return sizes[:count] if len(sizes) >= count else sizes * count


def _login(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("chaoyang")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_month_calendar_door_schedule_and_account_on_paper(page, live_server):
    load_demo()
    from trainer.org.models import District
    from trainer.visits.models import Firm, Visit
    from trainer.visits.setup import operations as setup_ops

    chaoyang = db.session.scalar(select(District).where(District.code == "chaoyang"))
    # The demo month with the most visits.
    month_of = func.strftime("%Y-%m", Visit.day)
    busiest, count = db.session.execute(
        select(month_of, func.count()).where(Visit.district_id == chaoyang.id, Visit.status != "cancelled")
        .group_by(month_of).order_by(func.count().desc()).limit(1)).one()
    assert count >= 80  # a full month of the 52 stations
    firm = db.session.scalars(select(Firm).where(Firm.district_id == chaoyang.id).order_by(Firm.id)).first()
    contract = firm.contracts[0]
    setup_ops.save_contract(contract, firm=firm, start=contract.start, end=contract.end,
                            stations_covered=contract.stations_covered,
                            visits_per_station_month=contract.visits_per_station_month,
                            hours_per_visit=float(contract.hours_per_visit), fee_per_visit=300, fee_per_month=1000)
    station_id = db.session.scalar(select(Visit.station_id).where(Visit.district_id == chaoyang.id))
    db.session.commit()
    _login(page, live_server)

    page.goto(f"{live_server}/visits/?month={busiest}")
    shown = page.locator("table.visits-month .day-visits li").count()
    assert shown >= 80
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    sizes = _pages(pdf)
    assert len(sizes) == 1, f"{busiest}: {len(sizes)} pages for {shown} visits"
    width, height = sizes[0]
    assert abs(width - A4_LONG) < 3 and abs(height - A4_SHORT) < 3  # landscape
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert not page.get_by_role("button", name="打印").is_visible()
    grid = page.locator("table.visits-month").bounding_box()
    assert grid["width"] > 0
    # (emulating "screen" would make page.pdf() use the screen styles: stay on print)

    page.goto(f"{live_server}/visits/stations/{station_id}/print?month={busiest}")
    sizes = _pages(page.pdf(prefer_css_page_size=True))
    assert len(sizes) == 1 and abs(sizes[0][0] - A4_SHORT) < 3 and abs(sizes[0][1] - A4_LONG) < 3

    page.goto(f"{live_server}/visits/accounts/{firm.id}?month={busiest}")
    page.emulate_media(media="print")
    fees = page.locator("table.account-fees")
    assert fees.is_visible()
    assert fees.locator('[data-k="fee_per_visit"]').inner_text() == "300.00 元"
    assert fees.locator('[data-k="fee_per_month"]').inner_text() == "1,000.00 元"
    paid = int(fees.locator('[data-k="visits_paid"]').inner_text())
    total = fees.locator('[data-k="fee_total"]').inner_text()
    assert total == f"{300 * paid + 1000:,}.00 元"
    signatures = page.locator(".signatures")
    assert signatures.is_visible()
    assert "律所负责人（签字、盖章）" in signatures.inner_text()
    assert "区总工会负责人（签字、盖章）" in signatures.inner_text()
    assert not page.get_by_role("button", name="打印").is_visible()
    assert not page.locator("header.top").is_visible()
    sizes = _pages(page.pdf(prefer_css_page_size=True))
    assert all(abs(w - A4_SHORT) < 3 and abs(h - A4_LONG) < 3 for w, h in sizes)  # A4 portrait
