"""The firm's account page keeps its rendered part by what it is made from (trainer.web.rendered): looked at again
after any change, it shows the change; looked at in English, it is in English."""

from __future__ import annotations

import re

from tests.visits.conftest import TODAY, add_visit
from trainer.core.clock import local_datetime
from trainer.core.extensions import db
from trainer.visits.setup import operations as setup_ops


def _cell(html: str, key: str) -> str:
    match = re.search(rf'data-k="{key}">(?:<strong>)?(.*?)</td>', html, re.S)
    assert match, key
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_account_page_follows_every_change_between_two_looks(login_as, programme, clock):
    me = programme["lawyers"][0]
    firm, station = me.firm, programme["stations"][0]
    visit = add_visit(programme, 0, me, TODAY)
    coordinator = login_as("coordinator", "chaoyang")
    url = f"/visits/accounts/{firm.id}?month=2026-11"

    page = coordinator.get(url).get_data(as_text=True)
    assert (_cell(page, "planned"), _cell(page, "delivered"), _cell(page, "open")) == ("1", "0", "1")
    assert coordinator.get(url).get_data(as_text=True) == page  # the same look, the same page

    # The morning's slot ends: the same rows, a later minute, and the visit is past and not recorded.
    clock.set("12:30")
    page = coordinator.get(url).get_data(as_text=True)
    assert _cell(page, "open") == "1 其中1次已过时段未记录"

    # The times are entered (as the lawyer or the coordinator would): delivered, three hours.
    visit.status = "delivered"
    visit.checked_in_at, visit.checked_out_at = local_datetime(TODAY, "09:00"), local_datetime(TODAY, "12:00")
    db.session.commit()
    page = coordinator.get(url).get_data(as_text=True)
    assert (_cell(page, "delivered"), _cell(page, "open"), _cell(page, "hours")) == ("1", "0", "3.0")

    # The station is renamed and the contract covers one more station: the visits' table and the figures follow.
    station.name = "改名后的服务站"
    contract = firm.contracts[0]
    setup_ops.save_contract(contract, firm=firm, start=contract.start, end=contract.end,
                            stations_covered=contract.stations_covered + 1,
                            visits_per_station_month=contract.visits_per_station_month,
                            hours_per_visit=float(contract.hours_per_visit))
    db.session.commit()
    page = coordinator.get(url).get_data(as_text=True)
    assert "改名后的服务站" in page
    assert _cell(page, "contracted") == str((contract.stations_covered) * contract.visits_per_station_month)

    # In English the same account is written in English.
    coordinator.post("/lang/en")
    english = coordinator.get(url).get_data(as_text=True)
    assert "Visits of the month" in english and "本月走访" not in english
    assert _cell(english, "delivered") == "1"
