"""In Chromium at 390×844, as the lawyer, the trainee and the instructor of the demo (issue 15A): every page they
reach from their own page — their pages and the forms they use — neither scrolls sideways nor squeezes a table
cell below two characters; and each does their daily job on the phone: the lawyer records yesterday's visit with a
reason, the trainee writes the day's reflection, the instructor reports an engagement's progress and sees who is
invited to a one-off meeting."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urljoin, urlparse

import pytest
from sqlalchemy import select

from trainer.core.clock import local_datetime, to_local, today_local
from trainer.core.extensions import db
from trainer.org.demo import DEMO_PASSWORD, load_demo

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# Links not to follow: files, feeds, the API, leaving.
NOT_PAGES = re.compile(r"(\.xlsx|\.ics|\.json|/api/|/logout|/feeds/|/lang/)")
# What a person would see on a phone: the page wider than the screen, and table cells narrower than two
# characters (the width of "中中" in the cell's own font), each with its text.
MEASURE = """() => {
  const problems = {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, narrow: []};
  for (const cell of document.querySelectorAll('td, th')) {
    const style = getComputedStyle(cell);
    if (style.display === 'none' || style.visibility === 'hidden' || cell.getClientRects().length === 0) continue;
    const probe = document.createElement('span');
    probe.textContent = '中中';
    probe.style.cssText = 'position:absolute;visibility:hidden;white-space:nowrap;font:inherit';
    cell.appendChild(probe);
    const two = probe.getBoundingClientRect().width;
    cell.removeChild(probe);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (inner + 0.5 < two) problems.narrow.push(`${cell.tagName} ${Math.round(inner)}px "${cell.textContent.trim().slice(0, 20)}"`);
  }
  return problems;
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def demo():
    load_demo()
    db.session.commit()


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def _problems(page) -> list[str]:
    found = page.evaluate(MEASURE)
    problems = [f"cell narrower than two characters: {cell}" for cell in found["narrow"]]
    if found["scrollWidth"] > found["innerWidth"]:
        problems.append(f"scrolls sideways: {found['scrollWidth']} > {found['innerWidth']}")
    return problems


def _walk(page, base: str, start: str, *, limit: int = 30) -> list[str]:
    """Open the user's own page and every page it links to (one of each kind of address, two links deep), and
    check each at phone size. Answers the pages visited."""
    queue, seen, visited, bad = [(start, 0)], set(), [], {}
    while queue and len(visited) < limit:
        path, depth = queue.pop(0)
        kind = re.sub(r"\d+", "N", path.split("#")[0])
        if kind in seen:
            continue
        seen.add(kind)
        response = page.goto(base + path)
        page.wait_for_load_state()
        assert response.status == 200, f"{path} answered {response.status}"
        visited.append(path)
        if problems := _problems(page):
            bad[path] = problems
        if depth >= 2:
            continue
        for href in page.eval_on_selector_all("main a[href], nav a[href]", "els => els.map(e => e.getAttribute('href'))"):
            url = urlparse(urljoin(base + path, href))
            if url.netloc == urlparse(base).netloc and not NOT_PAGES.search(url.path):
                queue.append((url.path + (f"?{url.query}" if url.query else ""), depth + 1))
    assert not bad, bad
    return visited


def test_the_lawyer_on_a_phone_records_yesterdays_visit_with_a_reason(phone, live_server, demo):
    from trainer.visits.models import Lawyer, Visit

    _log_in(phone, live_server, "lawyer.wang")
    visited = _walk(phone, live_server, "/visits/mine")
    assert "/visits/mine" in visited and any(p.startswith("/visits/mine/v/") for p in visited)
    assert any(p.startswith("/visits/stations/") for p in visited) and "/rotation/mentoring" in visited

    wang = db.session.scalar(select(Lawyer).where(Lawyer.name == "王建华"))
    today = today_local()
    yesterday = db.session.scalar(select(Visit).where(Visit.lawyer_id == wang.id, Visit.day < today,
                                                      Visit.status == "planned").order_by(Visit.day.desc()))
    assert yesterday is not None and (today - yesterday.day) <= timedelta(days=4)
    start, end = yesterday.station.hours_of(yesterday.half)

    phone.goto(f"{live_server}/visits/mine")
    section = phone.locator("#to-record")
    assert "待补记的走访" in section.inner_text()
    section.locator(f'a[href$="/visits/mine/v/{yesterday.id}#late"]').click()
    phone.wait_for_load_state()
    assert "事后补记本次走访" in phone.locator("#late").inner_text()
    assert not _problems(phone)
    arrived = (local_datetime(yesterday.day, start) + timedelta(minutes=5)).strftime("%H:%M")
    left = (local_datetime(yesterday.day, end) - timedelta(minutes=20)).strftime("%H:%M")
    phone.locator("#late-checked_in").fill(arrived)
    phone.locator("#late-checked_out").fill(left)
    phone.locator("#late-late_reason").fill("手机没电，未能当场签到")
    phone.locator("form.late-form button[type=submit]").click()
    phone.wait_for_load_state()
    body = phone.locator("main").inner_text()
    assert f"{arrived}–{left}" in body and "已补记" in body
    assert "事后补记，原因" in body and "手机没电，未能当场签到" in body and "已完成" in body
    assert not _problems(phone)

    db.session.expire_all()
    recorded = db.session.get(Visit, yesterday.id)
    assert recorded.status == "delivered" and recorded.late_reason == "手机没电，未能当场签到"
    assert to_local(recorded.checked_in_at).strftime("%H:%M") == arrived


def test_the_trainee_on_a_phone_writes_the_days_reflection(phone, live_server, demo):
    from trainer.auth.models import User
    from trainer.rotation.models import PlacementDay, Trainee

    _log_in(phone, live_server, "trainee.li")
    visited = _walk(phone, live_server, "/rotation/mine")
    assert any(p.startswith("/rotation/days/") for p in visited)

    user = db.session.scalar(select(User).where(User.username == "trainee.li"))
    trainee = db.session.scalar(select(Trainee).where(Trainee.user_id == user.id))
    day = max((d for d in trainee.placement.active_days if d.day <= today_local()), key=lambda d: d.day)
    phone.goto(f"{live_server}/rotation/days/{day.id}#reflection")
    text = "今天独立主持了一起加班费纠纷调解，先分别沟通再共同协商，双方达成分期支付协议。"
    phone.locator("#reflection-text").fill(text)
    phone.locator("form.reflection-form button[type=submit]").click()
    phone.wait_for_load_state()
    assert "每日心得已保存。" in phone.locator("main").inner_text()
    assert not _problems(phone)
    db.session.expire_all()
    assert db.session.get(PlacementDay, day.id).reflection.text == text
    phone.goto(f"{live_server}/rotation/mine")
    assert "已填写" in phone.locator("table.my-days").inner_text()
    assert not _problems(phone)


def test_the_instructor_on_a_phone_reports_progress_and_sees_the_invited(phone, live_server, demo):
    from trainer.instructors.models import Engagement

    _log_in(phone, live_server, "instructor.zhao")
    visited = _walk(phone, live_server, "/instructors/mine")
    assert "/instructors/engagements" in visited and "/instructors/meetings" in visited

    engagement = db.session.scalar(select(Engagement).where(Engagement.stage == "awaiting_reply"))
    phone.goto(f"{live_server}/instructors/engagements/{engagement.id}")
    reply = engagement.request_sent_on + timedelta(days=5)
    phone.locator("#progress #stage").select_option("preparation")
    phone.locator("#progress #reply_received_on").fill(reply.isoformat())
    phone.locator("form.progress-form button[type=submit]").click()
    phone.wait_for_load_state()
    assert "协商进展" in phone.locator("main").inner_text()
    assert not _problems(phone)
    db.session.expire_all()
    saved = db.session.get(Engagement, engagement.id)
    assert (saved.stage, saved.reply_received_on) == ("preparation", reply)

    phone.goto(f"{live_server}/instructors/meetings")
    row = phone.locator("table.meeting-list tr", has_text="单次").first
    row.locator("td[data-label='名称'] a").click()
    phone.wait_for_load_state()
    invited = phone.locator("#invited").inner_text()
    assert re.search(r"受邀人员（\d+）", invited) and "赵建国" in invited and "组织人" in invited
    assert not _problems(phone)


def test_the_coordinator_on_a_phone_reads_the_month_as_a_list_of_days(phone, live_server, demo):
    """The month calendar's 7-column grid leaves a phone two characters a line: there each day is a full-width
    block under its date and weekday, holding that day's visits; days of other months and the weekday header are
    gone. Printing and the desk keep the grid."""
    from trainer.org.models import District, Station
    from trainer.visits.models import Visit

    _log_in(phone, live_server, "chaoyang")
    phone.goto(f"{live_server}/visits/")
    phone.wait_for_load_state()
    assert not _problems(phone)
    today = today_local()
    chaoyang = db.session.scalar(select(District).where(District.name == "朝阳区"))
    rows = db.session.execute(select(Visit.day, Station.name).join(Station, Station.id == Visit.station_id)
                              .where(Visit.district_id == chaoyang.id, Visit.day >= today.replace(day=1),
                                     Visit.status != "cancelled")).all()
    this_month = {d for d, _ in rows if (d.year, d.month) == (today.year, today.month)}
    busiest = max(this_month, key=lambda d: sum(1 for x, _ in rows if x == d))
    names = sorted(n.replace("工会服务站", "") for d, n in rows if d == busiest)
    cell = phone.locator(f"#day-{busiest.isoformat()}")
    box = cell.bounding_box()
    assert box["width"] >= 0.9 * (PHONE["width"] - 24 - 2 * 14) - 1, box  # the card's width, not a seventh
    weekday = "一二三四五六日"[busiest.weekday()]
    heading = cell.locator(".daynum").inner_text().strip()
    assert heading.startswith(f"{busiest.year}年{busiest.month}月{busiest.day}日 周{weekday}"), heading
    shown = sorted(item.split(" · ")[0].split(" ", 1)[1]
                   for item in cell.locator(".day-visits li").all_inner_texts())
    assert shown == names
    assert not phone.locator("table.visits-month thead").is_visible()
    assert all(not c.is_visible() for c in phone.locator("table.visits-month td.outside").all())

    # The month's accounts: each firm a card, its name on top and its figures labelled, two to a line.
    phone.goto(f"{live_server}/visits/accounts")
    assert not _problems(phone)
    firm = phone.locator("table.account-table tbody tr").first
    name, contracted, planned = (firm.locator(s).bounding_box() for s in
                                 ("td.stack-head", 'td[data-k="contracted"]', 'td[data-k="planned"]'))
    assert contracted["y"] >= name["y"] + name["height"] - 1 and planned["y"] == contracted["y"]
    assert planned["x"] > contracted["x"] + contracted["width"] - 1 and contracted["width"] >= 0.4 * name["width"]
    label = firm.locator('td[data-k="contracted"]').evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"合同约定"'

    desk = phone.context.browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                             viewport={"width": 1366, "height": 900})
    try:
        page = desk.new_page()
        _log_in(page, live_server, "chaoyang")
        page.goto(f"{live_server}/visits/")
        assert page.locator("table.visits-month thead").is_visible()
        day = page.locator(f"#day-{busiest.isoformat()}")
        assert day.locator(".daynum").inner_text().strip().startswith(str(busiest.day))
        assert day.bounding_box()["width"] < 1366 / 6
    finally:
        desk.close()
