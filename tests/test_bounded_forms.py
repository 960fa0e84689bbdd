"""Every form holds its fields to the one input rule (trainer.core.inputs): the message beside the field, in
the page's language, the form again with what was typed, and nothing stored."""

from __future__ import annotations

import importlib
import inspect
import re

from flask_wtf import FlaskForm
from sqlalchemy import func, select

from trainer.core.areas import AREAS, area_slices
from trainer.core.extensions import db
from trainer.instructors.models import Engagement
from trainer.visits.models import Contract, Firm
from trainer.visits.setup import operations as setup_ops
from trainer.web.forms import Form


def _errors(html: str) -> list[str]:
    return re.findall(r'<p class="error"[^>]*>(.*?)</p>', html)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_form_of_every_area_is_held_to_the_rule():
    """No form slips past the rule: each one is a trainer.web.forms.Form."""
    modules = ["trainer.visits.web"]
    for area in AREAS:
        modules.append(f"trainer.{area}.forms")
        modules += [f"trainer.{area}.{name}.forms" for name in area_slices(area)]
    checked = 0
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__:
                assert issubclass(cls, Form), f"{name}.{cls.__name__} is a bare FlaskForm"
                checked += 1
    assert checked > 40


def test_dates_outside_the_span_are_refused_beside_their_field(login_as, districts):
    coordinator = login_as("coordinator", "chaoyang")
    firm = setup_ops.save_firm(None, district_id=districts["chaoyang"].id, name="北京朝信律师事务所")
    db.session.commit()
    response = coordinator.post(f"/visits/firms/{firm.id}/contracts/new", data={
        "start": "0001-01-01", "end": "9999-12-31",
        "visits_per_station_month": "2", "hours_per_visit": "3"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _errors(html) == [
        "0001-01-01 超出系统接受的日期范围（2000-01-01 至 2100-12-31）。",
        "9999-12-31 超出系统接受的日期范围（2000-01-01 至 2100-12-31）。"]
    assert 'value="9999-12-31"' in html  # what was typed is kept
    assert _count(Contract) == 0


def test_control_characters_are_refused_and_line_breaks_only_in_a_textarea(login_as):
    coordinator = login_as("coordinator", "chaoyang")
    response = coordinator.post("/visits/firms/new", data={"name": "北京\x1b律所"})
    assert _errors(response.get_data(as_text=True)) == ["含有控制字符（U+001B），请删除。"]
    assert _count(Firm) == 0

    admin = login_as("admin", None)
    engagement = {"enterprise": "北京某公司", "union_name": "北京某公司工会", "stage": "request_sent",
                  "request_sent_on": "2027-03-01", "district": "chaoyang"}
    response = admin.post("/instructors/engagements/new", data={**engagement, "enterprise": "北京\r\n某公司",
                                                                "notes": "第一行\x00"})
    assert _errors(response.get_data(as_text=True)) == ["含有换行符或制表符；此项只能填写一行。",
                                                        "含有控制字符（U+0000），请删除。"]
    assert _count(Engagement) == 0
    response = admin.post("/instructors/engagements/new", data={**engagement, "notes": "第一行\r\n第二行"})
    assert response.status_code == 302, _errors(response.get_data(as_text=True))
    assert db.session.scalar(select(Engagement.notes)) == "第一行\r\n第二行"
