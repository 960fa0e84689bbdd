"""Deadlines by the civil code's rule for periods (《民法典》第二百零三条): a reply-due or filing-due day on a rest day
or a statutory holiday moves to the next working day, shown with the reason; the calendar shows it as one all-day
event on that day (DTEND the day after, not two)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import icalendar
from sqlalchemy import select

from tests.instructors.conftest import settle, text_of
from trainer.auth.operations import create_api_token
from trainer.core.extensions import db
from trainer.instructors.models import Engagement
from trainer.workdays.periods import period_end


def test_the_rule_on_its_own(ctx):
    end = period_end(date(2026, 9, 11), 20)  # 1 October 2026: 国庆节
    assert (end.nominal, end.day, end.kind, end.holiday) == (date(2026, 10, 1), date(2026, 10, 8), "holiday", "国庆节")
    assert end.reason() == "2026年10月1日 周四是国庆节，期间顺延至下一个工作日2026年10月8日 周四（《民法典》第二百零三条）。"
    dragon_boat = period_end(date(2026, 6, 10), 10)  # Saturday 20 June 2026, in the 端午节 break (19-21 June)
    assert (dragon_boat.day, dragon_boat.kind, dragon_boat.holiday) == (date(2026, 6, 22), "holiday", "端午节")
    sunday = period_end(date(2026, 3, 2), 20)  # Sunday 22 March 2026: a rest day
    assert (sunday.day, sunday.kind) == (date(2026, 3, 23), "weekend")
    assert sunday.reason() == "2026年3月22日 周日是休息日，期间顺延至下一个工作日2026年3月23日 周一（《民法典》第二百零三条）。"
    working = period_end(date(2026, 3, 3), 20)  # Monday 23 March: a working day
    assert working.day == working.nominal == date(2026, 3, 23) and working.reason() == ""
    # A make-up working day (Saturday 10 October 2026) is a working day: nothing moves.
    assert period_end(date(2026, 9, 20), 20).day == date(2026, 10, 10)


def test_reply_due_after_national_day_on_the_page_and_in_the_feed(app, tree, login_as, clock):
    client = login_as("coordinator", "chaoyang")
    response = client.post("/instructors/engagements/new", data={
        "enterprise": "北京国庆科技有限公司", "union_name": "北京国庆科技有限公司工会", "industry": "建筑业",
        "street": "", "stage": "awaiting_reply", "request_sent_on": "2026-09-11",
        "instructor_ids": [tree.zhao.id]})
    assert response.status_code == 302
    engagement = db.session.scalar(select(Engagement))
    assert engagement.reply_due == date(2026, 10, 8)
    for url in (f"/instructors/engagements/{engagement.id}", "/instructors/engagements"):
        page = text_of(client.get(url).get_data(as_text=True))
        assert "2026年10月8日 周四" in page
        assert "2026年10月1日 周四是国庆节，期间顺延至下一个工作日2026年10月8日 周四（《民法典》第二百零三条）。" in page
    _row, secret = create_api_token(client.user, "test")
    settle()
    api = app.test_client().get(f"/api/v1/engagements/{engagement.id}", headers={"Authorization": f"Bearer {secret}"})
    assert api.json["reply_due"] == "2026-10-08" and "国庆节" in api.json["reply_due_reason"]

    # The instructor's own calendar: one all-day event on 8 October, ending on that day.
    settle()
    zhao = login_as(user=tree.zhao_user)
    page = zhao.get("/calendars/subscribe").get_data(as_text=True)
    path = re.search(r'value="http://trainer\.test(/feeds/[^"]+\.ics)"', page).group(1)
    clock.set("09:30", date(2026, 9, 20))  # the feed's window: 30 days back, so early October is in it
    feed = zhao.get(path)
    [event] = [e for e in icalendar.Calendar.from_ical(feed.data).walk("VEVENT")
               if str(e["UID"]) == f"instructors-reply-due-{engagement.id}@trainer"]
    assert event.decoded("DTSTART") == date(2026, 10, 8)
    assert event.decoded("DTEND") == date(2026, 10, 8) + timedelta(days=1)
    assert "国庆节" in str(event["DESCRIPTION"]) and "第二百零三条" in str(event["DESCRIPTION"])
