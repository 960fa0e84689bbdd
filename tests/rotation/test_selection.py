"""The selection of unions (issue 15B): the page ticks its own proposal (the year's target), refuses an empty
choice with the message beside the list and nothing saved, and breaks ties by the year's draw — stated on the
page, checkable, different every year — never by the name."""

from __future__ import annotations

import hashlib
import re
from datetime import date
from html import unescape

from tests.conftest import csrf_token_from
from tests.rotation.conftest import make_year
from trainer.core.extensions import db
from trainer.rotation.years.operations import propose_selection


def _ticked(html: str) -> list[int]:
    return [int(v) for v in re.findall(r'name="union_ids" value="(\d+)" id="u\d+" checked', html)]


def test_the_page_ticks_its_proposal_and_states_its_rule(login_as, districts, unions):
    py = make_year(districts, trainee_target=8)
    db.session.commit()
    client = login_as("coordinator", "chaoyang")
    html = client.get(f"/rotation/years/{py.id}/selection").get_data(as_text=True)
    proposals = propose_selection(py)
    assert _ticked(html) == [p.union.id for p in proposals[:8]]
    text = unescape(html)
    assert "（已勾选8个，目标8个）" in text and "按当年抽签号从小到大排列" in text and "与名称无关" in text


def test_ties_are_broken_by_the_years_draw_not_by_the_name(districts, unions):
    py = make_year(districts, trainee_target=8)
    db.session.commit()
    proposals = propose_selection(py)
    streets = [p for p in proposals if p.union.kind == "street"]
    assert all(p.tied for p in streets)  # none has sent a trainee or has a certified mediator: all level
    expected = [int(hashlib.sha256(f"{py.district_id}:{py.year}:{p.union.id}".encode()).hexdigest()[:8], 16) % 10000
                for p in streets]
    assert [p.draw for p in streets] == expected == sorted(expected)
    assert proposals[-1].union.name == "建筑业工会"  # industry unions after street unions
    next_year = make_year(districts, year=2027, trainee_target=8, window=(date(2027, 3, 1), date(2027, 12, 31)))
    db.session.commit()
    assert [p.union.id for p in propose_selection(next_year)] != [p.union.id for p in proposals]


def test_an_empty_choice_is_refused_beside_the_list(login_as, districts, unions):
    py = make_year(districts, trainee_target=8)
    db.session.commit()
    client = login_as("coordinator", "chaoyang")
    html = client.get(f"/rotation/years/{py.id}/selection").get_data(as_text=True)
    answer = client.post(f"/rotation/years/{py.id}/selection", data={"csrf_token": csrf_token_from(html)})
    page = unescape(answer.get_data(as_text=True))
    assert answer.status_code == 422
    assert '<p class="error" id="union_ids-error" role="alert">请至少勾选一个工会' in page
    assert "已选派0个工会" not in page and py.selections == []
    chosen = [p.union.id for p in propose_selection(py)[:8]]
    answer = client.post(f"/rotation/years/{py.id}/selection", data={"csrf_token": csrf_token_from(html),
                                                                    "union_ids": chosen}, follow_redirects=True)
    assert "2026年度已选派8个工会" in answer.get_data(as_text=True)
    db.session.refresh(py)
    assert sorted(s.union_id for s in py.selections) == sorted(chosen)
    html = client.get(f"/rotation/years/{py.id}/selection").get_data(as_text=True)
    assert sorted(_ticked(html)) == sorted(chosen)
