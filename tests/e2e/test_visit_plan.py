"""In a real browser: the Chaoyang coordinator plans a quarter of lawyer visits on the demo programme."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import select

from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.org.demo import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.e2e


def _next_months(count: int) -> list[tuple[int, int]]:
    today = today_local()
    months, year, month = [], today.year, today.month
    for _ in range(count):
        month += 1
        if month == 13:
            year, month = year + 1, 1
        months.append((year, month))
    return months


def test_coordinator_plans_a_quarter(page, live_server):
    load_demo()
    db.session.commit()
    months = _next_months(3)
    first, last = (f"{y}-{m:02d}" for y, m in (months[0], months[-1]))

    page.goto(f"{live_server}/login")
    page.get_by_label("用户名").fill("chaoyang")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/visits/plan")
    page.locator("#first_month").fill(first)
    page.locator("#last_month").fill(last)
    page.locator("#mode").select_option("full")
    page.locator("#provisional").check()  # next year's calendar may not be announced yet
    page.locator("form.plan-form button[type=submit]").click()
    page.wait_for_load_state()
    result = page.locator("section.plan-run")
    assert result.is_visible()

    from trainer.org.models import District, Station
    from trainer.visits.models import Assignment, Visit
    from trainer.workdays import working_days_set

    chaoyang = db.session.scalar(select(District).where(District.code == "chaoyang"))
    start = date(*months[0], 1)
    end = date(months[-1][0] + (months[-1][1] == 12), months[-1][1] % 12 + 1, 1)
    visits = db.session.scalars(select(Visit).where(Visit.district_id == chaoyang.id, Visit.day >= start,
                                                    Visit.day < end, Visit.status != "cancelled")).all()
    working = working_days_set(start, end, allow_provisional=True)
    stations = {s.id: s for s in db.session.scalars(select(Station).where(Station.district_id == chaoyang.id))}
    assigned = set(db.session.scalars(select(Assignment.station_id).where(Assignment.district_id == chaoyang.id,
                                                                          Assignment.active)))
    # Hard rules a coordinator checks: working days, receiving half-days, no lawyer in two places at once.
    assert all(v.day in working for v in visits)
    assert all((v.day.weekday(), v.half) in stations[v.station_id].receiving_pairs() for v in visits)
    slots = Counter((v.lawyer_id, v.day, v.half) for v in visits)
    assert max(slots.values()) == 1
    # Every assigned station gets 2 visits a month, or the page says why it could not.
    per_station_month = Counter((v.station_id, v.day.year, v.day.month) for v in visits)
    short = [(s, m) for s in assigned for m in months if per_station_month[(s, *m)] != 2]
    problems = page.locator("ul.problems li")
    if short:
        assert problems.count() > 0, f"{len(short)} station-months short and no explanation shown"
    assert len(short) <= len(assigned) * len(months) * 0.05
    # The month calendar shows the plan.
    page.goto(f"{live_server}/visits/?month={first}")
    assert page.locator(".month").is_visible()
    assert str(sum(1 for v in visits if (v.day.year, v.day.month) == months[0])) in page.locator("main").inner_text()
