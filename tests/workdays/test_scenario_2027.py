"""The reviewer's scenario end to end, through the API and the pages: Chaoyang planned to March 2027 on the
provisional calendar (nothing on the computed Spring Festival days), then a 2027 notice with make-up days entered
and confirmed; every affected item is listed once; applying all suggestions leaves no double booking, nothing on
a non-working day and an empty conflicts list, without a single item kept by hand."""

from __future__ import annotations

from collections import Counter
from datetime import date

import holidays
import pytest
from sqlalchemy import select

from trainer import workdays
from trainer.auth.operations import create_api_token
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.org.demo import load_demo
from trainer.visits.models import Visit

from .conftest import NOTICE_2027

pytestmark = pytest.mark.slow


def _token(user) -> dict:
    _row, secret = create_api_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _spring_festival_2027() -> set[date]:
    return {d for d, name in holidays.China(years=2027, language="en_US").items() if "Chinese New Year" in name}


def _planned(district_id: int) -> list[Visit]:
    return list(db.session.scalars(select(Visit).where(Visit.district_id == district_id, Visit.status == "planned",
                                                       Visit.day >= today_local())))


def test_plan_on_the_provisional_calendar_then_confirm_the_notice_and_apply_every_suggestion(client, make_user,
                                                                                           login_as):
    ctx = load_demo()
    db.session.commit()
    chaoyang = ctx.districts["chaoyang"]
    coordinator_user = make_user("coordinator", "chaoyang")
    coordinator = _token(coordinator_user)
    pages = login_as(user=coordinator_user)
    admin = _token(make_user("admin", None))

    answer = client.post("/api/v1/visits/plan", json={"from": "2027-01", "to": "2027-03", "mode": "full",
                                                      "provisional": True}, headers=coordinator)
    assert answer.status_code == 200, answer.json
    spring = _spring_festival_2027()
    assert {date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10)} <= spring
    planned = _planned(chaoyang.id)
    assert len([v for v in planned if v.day.year == 2027]) > 250
    assert not [v for v in planned if v.day in spring]  # nothing on the computed Spring Festival days
    assert all(v.provisional for v in planned if v.day.year == 2027)
    february = pages.get("/visits/?month=2027-02").get_data(as_text=True)
    assert "春节 （估计）" in february and "暂定" in february

    notice = client.post("/api/v1/workdays/notices", json={**NOTICE_2027, "confirm": True}, headers=admin)
    assert notice.status_code == 201, notice.json
    broken = notice.json["broken"]
    tokens = [b["item"] for b in broken]
    assert len(tokens) == len(set(tokens))  # every affected item once
    assert broken and all(b["reasons"] for b in broken)
    in_chaoyang = {b["item"] for b in broken if b["district_id"] == chaoyang.id}
    # 11 and 12 February (Thursday, Friday) were working days provisionally, holidays in the notice.
    assert {b["day"] for b in broken if b["kind"] == "visit"} <= {"2027-02-11", "2027-02-12"}

    listed = client.get("/api/v1/workdays/conflicts", headers=coordinator).json
    assert {c["item"] for c in listed["conflicts"]} >= in_chaoyang
    assert listed["count"] == len(listed["conflicts"]) and not listed["kept"]
    for c in listed["conflicts"]:
        assert c["proposal"]["place"], c  # a suggestion for each
    page = pages.get("/workdays/conflicts").get_data(as_text=True)
    assert f"{len(listed['conflicts'])} 项冲突" in page and "采纳全部建议" in page and "重新排期受影响的月份" in page
    assert "2027年2月11日 周四" in page and "春节" in page

    applied = client.post("/api/v1/workdays/conflicts/apply", json={"all": True}, headers=coordinator)
    assert applied.status_code == 200, applied.json
    assert applied.json["refused"] == [] and applied.json["conflicts"] == 0
    db.session.expire_all()
    planned = _planned(chaoyang.id)
    slots = Counter((v.lawyer_id, v.day, v.half) for v in planned)
    assert not [s for s, n in slots.items() if n > 1]  # no double booking
    assert not [v for v in planned if not workdays.is_working_day(v.day, allow_provisional=True)]
    after = client.get("/api/v1/workdays/conflicts", headers=coordinator).json
    assert after["count"] == 0 and after["conflicts"] == [] and after["kept"] == []
    assert "没有冲突" in pages.get("/workdays/conflicts").get_data(as_text=True)
