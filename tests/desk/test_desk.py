"""The coordinator's desk over the demo programme (issue 15B): each count on the home page is the number of items
on the list it links to, and what the demo holds (王建华's visit of yesterday not recorded, 北京汇诚律师事务所 with
7 stations against a contract for 6, an engagement past its filing deadline, today's visits); new problems show
up at once (a station losing its firm, a placement day losing its mentor, leave over a planned visit)."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import select

from tests.conftest import login
from trainer.auth.models import User
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.months import month_key, month_of
from trainer.org.demo import DEMO_PASSWORD, load_demo
from trainer.org.models import District
from trainer.rotation.models import PlacementDay
from trainer.visits.models import Assignment, LawyerLeave, Visit
from trainer.visits.records import rules
from trainer.visits.setup import operations as setup_ops

pytestmark = pytest.mark.slow


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def desk(client) -> tuple[dict[str, int], dict[str, str], str]:
    """The home page's counts and the link of each (by item key), and its text."""
    html = client.get("/").get_data(as_text=True)
    counts = {key: int(n) for key, n in re.findall(r'data-key="(\w+)" data-count="(\d+)"', html)}
    links = {}
    for key in counts:
        block = html[html.index(f'data-key="{key}"'):]
        links[key] = unescape(re.search(r'href="([^"]+)"', block).group(1))
    return counts, links, _text(html)


@pytest.fixture
def coordinator(app, clock):
    # The desk as of 1 December: 朝外商业's filing (due the last day of November) is overdue.
    clock.set("09:30", date(2026, 12, 1))
    load_demo()
    db.session.commit()
    client = app.test_client()
    login(client, db.session.scalar(select(User).where(User.username == "chaoyang")), DEMO_PASSWORD)
    return client


def _chaoyang() -> int:
    return District.id_of_code("chaoyang")


def _unrecorded_now() -> list[Visit]:
    visits = db.session.scalars(select(Visit).where(Visit.district_id == _chaoyang(), Visit.status == "planned",
                                                    Visit.day <= today_local()))
    return [v for v in visits if rules.state(v) == rules.UNRECORDED]


def test_the_home_page_counts_what_the_demo_holds_and_each_count_is_its_list(coordinator):
    counts, links, text = desk(coordinator)
    assert set(counts) == {"conflicts", "unrecorded", "overdue", "unassigned", "over_contract", "no_mentor", "today"}
    assert "需要处理" in text

    # Visits past their day and not recorded: 王建华's visit of the last working day (the demo leaves it so).
    unrecorded = _unrecorded_now()
    assert counts["unrecorded"] == len(unrecorded) >= 1
    assert any(v.lawyer.name == "王建华" for v in unrecorded)
    assert "王建华" in text
    review = _text(coordinator.get(links["unrecorded"]).get_data(as_text=True))
    # The link opens the oldest month with such visits; a later month (this morning's visits) is named beside it.
    first_month = min(month_of(v.day) for v in unrecorded)
    oldest = [v for v in unrecorded if month_of(v.day) == first_month]
    listed = review.split("已过时段未记录")[1].split("已签到、未签退")[0]
    assert listed.count("王建华") >= 1 and all(v.station.name in listed for v in oldest)
    later = sorted({month_key(month_of(v.day)) for v in unrecorded} - {month_key(first_month)})
    assert all(month in text for month in later)

    # A firm over its contract: 汇诚 has 7 stations against 6.
    assert counts["over_contract"] == 1
    assert "北京汇诚律师事务所：7个站，合同只含6个" in text
    page = coordinator.get(links["over_contract"].split("#")[0]).get_data(as_text=True)
    assert page.count('class="over-contract"') == 1 and "超出合同1个" in _text(page)

    # Engagements past a deadline: 朝外商业's filing was due on the last day of November.
    overdue = coordinator.get(links["overdue"]).get_data(as_text=True)
    rows = re.findall(r'<tr><td class="stack-head">', overdue)
    assert counts["overdue"] == len(rows) >= 1
    assert "北京朝外商业管理有限公司" in text and "逾期" in _text(overdue)

    # Nothing unassigned, no day without a mentor, no open conflict in the demo — and the lists say the same.
    assert counts["unassigned"] == 0 and "未指派的服务站（0 个）" in _text(coordinator.get(links["unassigned"]).get_data(as_text=True))
    assert counts["no_mentor"] == 0 and "no-mentor" not in coordinator.get(links["no_mentor"]).get_data(as_text=True)
    assert counts["conflicts"] == 0
    assert coordinator.get(links["conflicts"]).get_data(as_text=True).count("<tr data-item=") == 0

    # Today's visits: every one named, linked to the calendar's day.
    today = db.session.scalars(select(Visit).where(Visit.district_id == _chaoyang(), Visit.day == today_local(),
                                                   Visit.status != "cancelled")).all()
    assert counts["today"] == len(today)
    assert all(v.station.name in text and v.lawyer.name in text for v in today)
    assert links["today"].endswith(f"#day-{today_local().isoformat()}")


def test_new_problems_show_at_once_with_their_count_and_list(coordinator):
    # A station loses its firm and lawyer.
    assignment = db.session.scalars(select(Assignment).where(Assignment.active)
                                    .join(Assignment.station).order_by(Assignment.id)).first()
    station_name = assignment.station.name
    setup_ops.end_assignment(assignment)
    # A placement day ahead loses its mentor.
    day = db.session.scalars(select(PlacementDay).where(PlacementDay.day > today_local(),
                                                        PlacementDay.mentor_id.is_not(None))
                             .order_by(PlacementDay.day)).first()
    day.mentor_id = None
    trainee = day.placement.trainee.name
    db.session.commit()

    counts, links, text = desk(coordinator)
    assert counts["unassigned"] == 1 and station_name in text
    assignments = coordinator.get(links["unassigned"].split("#")[0]).get_data(as_text=True)
    assert "未指派的服务站（1 个）" in _text(assignments)
    assert station_name in assignments.split('class="unassigned"')[1].split("</ul>")[0]
    assert counts["no_mentor"] == 1 and trainee in text
    year = coordinator.get(links["no_mentor"]).get_data(as_text=True)
    assert year.count('class="badge bad no-mentor"') == 1 and "1天没有带教律师" in _text(year)


def test_leave_over_a_planned_visit_is_an_open_conflict_on_the_desk_and_on_the_conflicts_page(coordinator):
    visit = db.session.scalars(select(Visit).where(Visit.district_id == _chaoyang(), Visit.status == "planned",
                                                   Visit.day > today_local()).order_by(Visit.day, Visit.id)).first()
    db.session.add(LawyerLeave(lawyer_id=visit.lawyer_id, start=visit.day, end=visit.day, reason="病假"))
    db.session.commit()
    counts, links, text = desk(coordinator)
    listed = coordinator.get(links["conflicts"]).get_data(as_text=True).count("<tr data-item=")
    assert counts["conflicts"] == listed >= 1
    assert visit.station.name in text


def test_the_admin_sees_the_desk_of_the_district_chosen(app):
    load_demo()
    db.session.commit()
    client = app.test_client()
    login(client, db.session.scalar(select(User).where(User.username == "admin")), DEMO_PASSWORD)
    chaoyang = _text(client.get("/?district=chaoyang").get_data(as_text=True))
    assert "北京汇诚律师事务所" in chaoyang and "朝阳区" in chaoyang
    xicheng = client.get("/?district=xicheng").get_data(as_text=True)
    assert "北京汇诚律师事务所" not in xicheng and 'data-key="over_contract"' in xicheng
