"""The single-station assign form (issue 15B): it offers the lawyers of the chosen firm only, never opens with a
lawyer of another firm, shows the suggestion (and fills it in on request), and says beside the field why a
lawyer of another firm is refused."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.visits.conftest import make_programme
from trainer.core.extensions import db
from trainer.visits.models import Assignment
from trainer.visits.setup import operations as setup_ops
from trainer.visits.setup.suggestion import suggest_station


def _options(html: str, name: str) -> tuple[list[str], str | None]:
    """The labels a select offers and the one selected."""
    block = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    labels = [unescape(text).strip() for text in re.findall(r"<option[^>]*>([^<]*)</option>", block)]
    chosen = re.search(r"<option selected[^>]*>([^<]*)</option>|<option[^>]*selected[^>]*>([^<]*)</option>", block)
    return labels, (unescape(chosen.group(1) or chosen.group(2)).strip() if chosen else None)


def _lawyers_of(made, firm) -> list[str]:
    return [lw.name for lw in made["lawyers"] if lw.firm_id == firm.id]


def test_the_form_offers_the_chosen_firms_lawyers_and_the_suggestion(login_as, districts):
    made = make_programme(districts["chaoyang"], stations=4, lawyers_per_firm=3)
    firm1, firm2 = made["firms"]
    station = made["stations"][0]  # assigned to firm 1
    client = login_as("coordinator", "chaoyang")
    html = client.get(f"/visits/stations/{station.id}/assign").get_data(as_text=True)
    leads, chosen = _options(html, "lead_lawyer_id")
    assert leads[1:] == _lawyers_of(made, firm1)  # firm 1's lawyers only, after "— 选择主律师 —"
    assert chosen == made["assignments"][0].lead.name
    text = unescape(html)
    suggested = suggest_station(station)
    assert "建议：" in text and suggested.firm.name in text and suggested.lead.name in text

    # Another firm: its lawyers, and none preselected unless the suggestion is of that firm.
    html = client.get(f"/visits/stations/{station.id}/assign?firm={firm2.id}").get_data(as_text=True)
    leads, chosen = _options(html, "lead_lawyer_id")
    assert leads[1:] == _lawyers_of(made, firm2)
    assert not set(leads) & set(_lawyers_of(made, firm1))
    assert chosen in (None, "— 选择主律师 —") or chosen in _lawyers_of(made, firm2)
    backups, _chosen = _options(html, "backup_lawyer_id")
    assert backups[1:] == _lawyers_of(made, firm2)


def test_choosing_another_firm_offers_its_lawyers_and_saves_nothing(login_as, districts):
    made = make_programme(districts["chaoyang"], stations=2, lawyers_per_firm=2)
    firm1, firm2 = made["firms"]
    station = made["stations"][0]
    client = login_as("coordinator", "chaoyang")
    html = client.get(f"/visits/stations/{station.id}/assign").get_data(as_text=True)
    lead = made["assignments"][0].lead
    answer = client.post(f"/visits/stations/{station.id}/assign", data={
        "csrf_token": csrf_token_from(html), "firm_id": firm2.id, "lead_lawyer_id": lead.id,
        "version": made["assignments"][0].version, "choose_firm": "1"})
    assert answer.status_code == 200
    leads, chosen = _options(answer.get_data(as_text=True), "lead_lawyer_id")
    assert leads[1:] == _lawyers_of(made, firm2) and chosen != lead.name
    assert db.session.scalar(select(Assignment).where(Assignment.station_id == station.id,
                                                      Assignment.active)).firm_id == firm1.id


def test_a_lawyer_of_another_firm_or_none_is_refused_beside_the_field(login_as, districts):
    made = make_programme(districts["chaoyang"], stations=2, lawyers_per_firm=2)
    firm1, firm2 = made["firms"]
    station = made["stations"][0]
    client = login_as("coordinator", "chaoyang")
    html = client.get(f"/visits/stations/{station.id}/assign").get_data(as_text=True)
    token, version = csrf_token_from(html), made["assignments"][0].version
    lead = made["assignments"][0].lead  # of firm 1
    answer = client.post(f"/visits/stations/{station.id}/assign", data={
        "csrf_token": token, "firm_id": firm2.id, "lead_lawyer_id": lead.id, "version": version})
    page = unescape(answer.get_data(as_text=True))
    assert f"主律师必须属于{firm2.name}" in page and 'id="lead_lawyer_id-error"' in page
    answer = client.post(f"/visits/stations/{station.id}/assign", data={
        "csrf_token": token, "firm_id": firm2.id, "lead_lawyer_id": 0, "version": version})
    assert "请选择主律师（所选律所的律师）" in unescape(answer.get_data(as_text=True))
    assert db.session.scalar(select(Assignment).where(Assignment.station_id == station.id,
                                                      Assignment.active)).firm_id == firm1.id


def test_the_suggestion_is_filled_in_and_saved(login_as, districts):
    made = make_programme(districts["chaoyang"], stations=4, lawyers_per_firm=2)
    station = made["stations"][1]
    setup_ops.end_assignment(made["assignments"][1])
    db.session.commit()
    suggested = suggest_station(station)
    client = login_as("coordinator", "chaoyang")
    html = client.get(f"/visits/stations/{station.id}/assign").get_data(as_text=True)
    link = unescape(re.search(r'href="([^"]+)">使用建议', html).group(1))
    html = client.get(link).get_data(as_text=True)
    assert _options(html, "firm_id")[1] == suggested.firm.name
    assert _options(html, "lead_lawyer_id")[1] == suggested.lead.name
    answer = client.post(link.split("?")[0], data={
        "csrf_token": csrf_token_from(html), "firm_id": suggested.firm.id, "lead_lawyer_id": suggested.lead.id,
        "backup_lawyer_id": suggested.backup.id if suggested.backup else ""}, follow_redirects=True)
    assert f"{station.name}已指派" in unescape(answer.get_data(as_text=True)).replace(" ", "")
    active = db.session.scalar(select(Assignment).where(Assignment.station_id == station.id, Assignment.active))
    assert (active.firm_id, active.lead_lawyer_id) == (suggested.firm.id, suggested.lead.id)


def test_choosing_no_backup_posts_the_forms_own_empty_value_and_saves_the_station_without_one(login_as, districts):
    made = make_programme(districts["chaoyang"], stations=4, lawyers_per_firm=2)
    station = made["stations"][1]
    setup_ops.end_assignment(made["assignments"][1])
    db.session.commit()
    firm = made["firms"][0]
    lead = next(lw for lw in made["lawyers"] if lw.firm_id == firm.id)
    client = login_as("coordinator", "chaoyang")
    html = client.get(f"/visits/stations/{station.id}/assign?firm_id={firm.id}").get_data(as_text=True)
    block = re.search(r'<select[^>]*name="backup_lawyer_id"[^>]*>(.*?)</select>', html, re.S).group(1)
    none_value = re.search(r'<option[^>]*value="([^"]*)"[^>]*>— 无 —</option>', block).group(1)
    assert none_value == ""  # what a browser posts for "— none —" (not the word None)

    answer = client.post(f"/visits/stations/{station.id}/assign", data={
        "csrf_token": csrf_token_from(html), "firm_id": firm.id, "lead_lawyer_id": lead.id,
        "backup_lawyer_id": none_value}, follow_redirects=True)

    assert f"{station.name}已指派" in unescape(answer.get_data(as_text=True)).replace(" ", "")
    active = db.session.scalar(select(Assignment).where(Assignment.station_id == station.id, Assignment.active))
    assert (active.firm_id, active.lead_lawyer_id, active.backup_lawyer_id) == (firm.id, lead.id, None)
