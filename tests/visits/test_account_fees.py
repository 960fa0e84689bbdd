"""The firm's monthly account with the contract's fees: the fee per visit counts the delivered visits with both times
(not the missed, open or untimed ones), the fixed monthly fee is added once, and the page, the API, the Excel file
and the printed sheet (signature block) show the same total."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.visits.conftest import add_visit
from trainer.core.clock import local_datetime
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.visits.records import accounts
from trainer.visits.setup import operations as setup_ops


def _set_fees(firm, per_visit, per_month):
    contract = firm.contracts[0]
    setup_ops.save_contract(contract, firm=firm, start=contract.start, end=contract.end,
                            stations_covered=contract.stations_covered,
                            visits_per_station_month=contract.visits_per_station_month,
                            hours_per_visit=float(contract.hours_per_visit),
                            fee_per_visit=per_visit, fee_per_month=per_month)
    db.session.commit()


def _timed(programme, station, lawyer, day, hours=3):
    visit = add_visit(programme, station, lawyer, day)
    visit.status = "delivered"
    visit.checked_in_at = local_datetime(day, "09:00")
    visit.checked_out_at = local_datetime(day, f"{9 + hours:02d}:00")
    db.session.commit()
    return visit


def _month_of_visits(programme):
    me = programme["lawyers"][0]
    for day in (date(2026, 10, 8), date(2026, 10, 15), date(2026, 10, 22)):
        _timed(programme, 0, me, day)
    untimed = add_visit(programme, 0, me, date(2026, 10, 27))  # delivered, no times: not paid yet
    untimed.status = "delivered"
    missed = add_visit(programme, 0, me, date(2026, 10, 29))
    missed.status, missed.missed_reason = "missed", "lawyer_ill"
    db.session.commit()
    add_visit(programme, 0, programme["lawyers"][2], date(2026, 10, 9))  # another firm's visit: not this account
    return me.firm


def test_fee_total_counts_timed_visits_and_the_monthly_fee(programme, clock):
    firm = _month_of_visits(programme)
    _set_fees(firm, 350.5, 1200)
    account = accounts.firm_account(firm, (2026, 10))
    assert (account.delivered, account.timed_visits, account.missed) == (4, 3, 1)
    assert account.fee_per_visit == Decimal("350.50") and account.fee_per_month == Decimal("1200.00")
    assert account.fee_for_visits == Decimal("1051.50")
    assert account.fee_total == Decimal("2251.50")
    fees = account.figures()["fees"]
    assert fees == {"per_visit": "350.50", "per_month": "1200.00", "visits_paid": 3, "for_visits": "1051.50",
                    "total": "2251.50"}


def test_only_a_monthly_fee_or_none(programme, clock):
    firm = _month_of_visits(programme)
    _set_fees(firm, None, 8000)
    account = accounts.firm_account(firm, (2026, 10))
    assert account.fee_for_visits == 0 and account.fee_total == Decimal("8000.00")
    _set_fees(firm, None, None)
    account = accounts.firm_account(firm, (2026, 10))
    assert not account.has_fees and account.figures()["fees"] is None


def test_a_negative_fee_is_refused(programme):
    firm = programme["firms"][0]
    contract = firm.contracts[0]
    with pytest.raises(InvalidInput) as caught:
        setup_ops.save_contract(contract, firm=firm, start=contract.start, end=contract.end, fee_per_visit=-1)
    assert caught.value.fields["fee_per_visit"] == "费用应在0到10000000元之间。"


def _cell(html: str, key: str) -> str:
    match = re.search(rf'data-k="{key}">(?:<strong>)?([^<]+)', html)
    assert match, key
    return match.group(1).strip()


def test_page_excel_and_api_show_the_same_fees_and_the_signature_block(login_as, programme, clock):
    firm = _month_of_visits(programme)
    coordinator = login_as("coordinator", "chaoyang")
    # The contract form takes the fees.
    contract = firm.contracts[0]
    form = coordinator.get(f"/visits/contracts/{contract.id}").get_data(as_text=True)
    assert "每次走访费用（元）" in form and "每月固定费用（元）" in form
    response = coordinator.post(f"/visits/contracts/{contract.id}", data={
        "reference": "", "start": "2026-01-01", "end": "2027-12-31", "stations_covered": "2",
        "visits_per_station_month": "2", "hours_per_visit": "3", "fee_per_visit": "350.50", "fee_per_month": "1200",
        "version": contract.version})
    assert response.status_code == 302, response.get_data(as_text=True)[:1500]
    page = coordinator.get(f"/visits/accounts/{firm.id}?month=2026-10").get_data(as_text=True)
    assert _cell(page, "fee_per_visit") == "350.50 元" and _cell(page, "visits_paid") == "3"
    assert _cell(page, "fee_for_visits") == "1,051.50 元" and _cell(page, "fee_per_month") == "1,200.00 元"
    assert _cell(page, "fee_total") == "2,251.50 元"
    assert "律所负责人（签字、盖章）" in page and "区总工会负责人（签字、盖章）" in page
    book = load_workbook(BytesIO(coordinator.get(f"/visits/accounts/{firm.id}/account.xlsx?month=2026-10").data))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary["本月费用合计（元）"] == 2251.5 and summary["计费走访次数（有签到签退时间）"] == 3
    assert "律所负责人（签字、盖章）" in summary
