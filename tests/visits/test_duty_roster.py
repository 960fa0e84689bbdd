"""The duty roster page as a coordinator reads it: every shift covered, nobody on a day shift straight after a
night, shifts spread evenly over the fortnight, the National Day holidays named on the roster."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from tests.visits.conftest import make_programme
from trainer.core.extensions import db
from trainer.visits.models import DutyPeriod, DutyShift

FIRST, LAST = date(2026, 9, 28), date(2026, 10, 11)


def test_a_fortnight_over_national_day_is_planned_evenly_and_shows_the_holidays(login_as, districts):
    lawyers = make_programme(districts["chaoyang"], firms=2, lawyers_per_firm=4)["lawyers"]
    coordinator = login_as("coordinator", "chaoyang")
    response = coordinator.post("/visits/duty/new", data={
        "title": "国庆期间24小时法律咨询电话值班", "first_day": FIRST.isoformat(), "last_day": LAST.isoformat(),
        "shifts": "00:00-08:00, 08:00-16:00, 16:00-24:00", "per_shift": "1", "lawyer_ids": [lw.id for lw in lawyers]})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    period = db.session.scalar(select(DutyPeriod))

    html = coordinator.post(f"/visits/duty/{period.id}/plan", follow_redirects=True).get_data(as_text=True)

    assert "每个班次都有人值班" in html
    rows = db.session.scalars(select(DutyShift).where(DutyShift.status == "planned")).all()
    cells = Counter((row.day, row.shift_code) for row in rows)
    days = [FIRST + timedelta(days=i) for i in range(14)]
    assert cells == Counter({(day, code): 1 for day in days for code in ("00-08", "08-16", "16-24")})
    # Nobody on the 08:00 shift after their 00:00-08:00 night.
    on = {(row.lawyer_id, row.day, row.shift_code) for row in rows}
    assert not [key for key in on if key[2] == "00-08" and (key[0], key[1], "08-16") in on]
    # Evenly spread: 5 or 6 shifts each, none idle for more than 3 days, none on duty more than twice in 3 days.
    by_lawyer = defaultdict(Counter)
    for row in rows:
        by_lawyer[row.lawyer_id][row.day] += 1
    assert sorted(sum(c.values()) for c in by_lawyer.values()) == [5] * 6 + [6] * 2
    for counts in by_lawyer.values():
        idle = max(len(run) for run in "".join("x" if counts[d] else "." for d in days).split("x"))
        assert idle <= 3
        assert max(sum(counts[d + timedelta(days=k)] for k in range(3)) for d in days[:-2]) <= 2
    # The page names the holidays on their rows and shows each lawyer's spread.
    october_first = html[html.index("2026年10月1日"):]
    assert "国庆节" in october_first[:300]
    assert "最长连续无班天数" in html and "3天内最多班次" in html
    table = html[html.index("最长连续无班天数"):]
    assert all(int(n) <= 3 for n in re.findall(r"<td>(\d+) 天</td>", table))
