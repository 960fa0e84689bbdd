"""The duty roster page as a coordinator reads it: every shift covered, nobody on a day shift straight after a
night, shifts spread evenly over the fortnight, the National Day holidays named on the roster."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import select

from tests.visits.conftest import make_programme
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.visits.duty import operations as duty
from trainer.visits.models import DutyPeriod, DutyShift
from trainer.visits.setup.leave import record_leave
from trainer.workdays import changes
from trainer.workdays.conflicts import find_conflicts, load_world

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


def test_a_re_plan_keeps_the_shifts_within_the_minimum_notice(districts):
    """Re-planned after a lawyer's leave, the roster moves nobody on today and the next 2 working days (the
    district's minimum notice): the lawyer's shift there stays, for the coordinator to hand over by hand (it is
    listed as a conflict); from the first open day on, the lawyer is off the roster."""
    district = districts["chaoyang"]
    lawyers = make_programme(district, firms=2, lawyers_per_firm=3)["lawyers"]
    today = date(2026, 11, 30)  # Monday: the notice covers Tuesday 1 and Wednesday 2 December
    period = duty.save_period(None, district_id=district.id, title="元旦前后电话值班", first_day=date(2026, 12, 1),
                              last_day=date(2026, 12, 10), shifts="00:00-08:00, 08:00-16:00, 16:00-24:00",
                              per_shift=1, lawyer_ids=[lw.id for lw in lawyers], phone="010-12351")
    duty.plan_period(period, today=today)
    db.session.commit()
    before = {(r.day, r.shift_code): r.lawyer_id for r in period.duty_shifts if r.status == "planned"}
    busy = next(lawyer_id for (day, _code), lawyer_id in sorted(before.items()) if day == date(2026, 12, 1))

    lawyer = db.session.get(type(lawyers[0]), busy)
    record_leave(lawyer, date(2026, 12, 1), date(2026, 12, 10), reason="病假")
    db.session.commit()
    duty.plan_period(period, today=today)
    db.session.commit()
    after = {(r.day, r.shift_code): r.lawyer_id for r in period.duty_shifts if r.status == "planned"}

    within = {key: who for key, who in before.items() if key[0] < date(2026, 12, 3)}
    assert {key: after[key] for key in within} == within  # nobody moved within the notice
    assert busy in within.values()
    assert [key for key, who in after.items() if who == busy and key[0] >= date(2026, 12, 3)] == []
    assert len(after) == 10 * 3  # every shift still covered
    conflicts = find_conflicts(load_world(district.id, date(2026, 12, 1), date(2026, 12, 10)))
    on_leave = {(c.item.day, c.item.refs["shift_code"]) for c in conflicts if "on_leave" in c.rules}
    assert on_leave == {key for key, who in within.items() if who == busy}


def test_re_planning_the_affected_months_hands_broken_shifts_over(districts):
    """The conflicts page's "re-plan the affected months" re-plans the duty periods of broken shifts too: after a
    lawyer's leave, none of their shifts in it is left, every shift is still covered, no conflict remains."""
    district = districts["chaoyang"]
    lawyers = make_programme(district, firms=2, lawyers_per_firm=3)["lawyers"]
    first = today_local() + timedelta(days=14)  # well past the minimum notice
    last = first + timedelta(days=6)
    period = duty.save_period(None, district_id=district.id, title="特别时期电话值班", first_day=first, last_day=last,
                              shifts="00:00-08:00, 08:00-16:00, 16:00-24:00", per_shift=1,
                              lawyer_ids=[lw.id for lw in lawyers], phone="010-12351")
    duty.plan_period(period)
    db.session.commit()
    sick = lawyers[0]
    assert any(r.lawyer_id == sick.id for r in period.duty_shifts if r.status == "planned")
    record_leave(sick, first, last, reason="病假")
    db.session.commit()
    broken = [c for c in find_conflicts(load_world(district.id, first, last)) if "on_leave" in c.rules]
    assert broken and {c.item.kind for c in broken} == {"duty_shift"}

    outcomes, left = changes.replan_affected(district)
    db.session.commit()
    assert sum(len(o.moved) for o in outcomes) == len(broken)
    planned = [r for r in period.duty_shifts if r.status == "planned"]
    assert [r for r in planned if r.lawyer_id == sick.id] == []
    assert Counter((r.day, r.shift_code) for r in planned) == Counter(
        {(first + timedelta(days=n), code): 1 for n in range(7) for code in ("00-08", "08-16", "16-24")})
    assert [c for c in left if c.item.kind == "duty_shift"] == []
