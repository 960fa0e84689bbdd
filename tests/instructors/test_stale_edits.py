"""A stale edit in any slice's form: the form is shown again with the first person's saved values and a message
naming who saved it and when; never an error page, and the first save stands."""

from __future__ import annotations

import re
from datetime import date

from tests.instructors.conftest import settle
from trainer.core.extensions import db
from trainer.instructors.engagements.operations import save_engagement
from trainer.instructors.meetings.operations import expand_series, save_series
from trainer.instructors.models import Engagement, Instructor, Meeting, MeetingSeries


def _opened(client, url: str) -> str:
    """Open the form as a person would: the version it shows."""
    page = client.get(url)
    assert page.status_code == 200
    match = re.search(r'name="version" type="hidden" value="(\d+)"', page.get_data(as_text=True))
    assert match, "the form carries no version"
    return match.group(1)


def _second_save_is_stale(first, second, url: str, data: dict, mine: dict, theirs: dict, *,
                          form_url: str | None = None) -> str:
    """Both open the form; the first saves; the second's save is answered 303 and the page it leads to shows
    the form with the first's values and who saved them. Returns that page."""
    form_url = form_url or url
    version = _opened(first, form_url)
    assert _opened(second, form_url) == version
    assert first.post(url, data={**data, **mine, "version": version}).status_code == 302
    response = second.post(url, data={**data, **theirs, "version": version}, headers={"Referer": form_url})
    assert response.status_code == 303
    page = second.get(response.location)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"{first.user.display_name} 在" in html and "保存了这条记录" in html
    return html


def test_instructor_form(tree, login_as):
    first, second = login_as("coordinator", "chaoyang"), login_as("coordinator", "chaoyang")
    url = f"/instructors/{tree.li.id}/edit"
    data = {"name": "李秀英", "tier": "district_full", "district_id": tree.cy, "guide_id": tree.city.id,
            "background": "teacher", "status": "active", "user_id": 0}
    html = _second_save_is_stale(first, second, url, data, {"notes": "第一位写的备注"}, {"notes": "第二位写的备注"})
    assert "第一位写的备注" in html and "第二位写的备注" not in html
    db.session.expire_all()
    assert db.session.get(Instructor, tree.li.id).notes == "第一位写的备注"


def test_guide_link_on_the_instructor_page(tree, login_as):
    first, second = login_as("coordinator", "chaoyang"), login_as("coordinator", "chaoyang")
    html = _second_save_is_stale(first, second, f"/instructors/{tree.qian.id}/guide", {},
                                 {"guide_id": tree.li.id}, {"guide_id": tree.zhao.id},
                                 form_url=f"/instructors/{tree.qian.id}")
    assert re.search(rf'<option selected value="{tree.li.id}">', html)
    db.session.expire_all()
    assert db.session.get(Instructor, tree.qian.id).guide_id == tree.li.id


def _series(tree) -> MeetingSeries:
    series = save_series(None, organiser=tree.city, pair="city_district", district_id=tree.cy, title="月度指导会",
                         rrule="FREQ=MONTHLY;BYMONTHDAY=1", starts_on=date(2026, 1, 1), until=None,
                         start_time="09:30", end_time="11:30", location="市总工会")
    expand_series(series, date(2026, 12, 31))
    settle()
    return series


def test_meeting_series_form(tree, login_as):
    series = _series(tree)
    first, second = login_as("coordinator", "chaoyang"), login_as("coordinator", "chaoyang")
    data = {"title": "月度指导会", "organiser_id": tree.city.id, "pair": "city_district", "district_id": tree.cy,
            "rrule": "FREQ=MONTHLY;BYMONTHDAY=1", "starts_on": "2026-01-01", "start_time": "09:30",
            "end_time": "11:30", "active": "y"}
    html = _second_save_is_stale(first, second, f"/instructors/series/{series.id}/edit", data,
                                 {"location": "一号会议室"}, {"location": "二号会议室"})
    assert 'value="一号会议室"' in html and "二号会议室" not in html
    db.session.expire_all()
    assert db.session.get(MeetingSeries, series.id).location == "一号会议室"


def test_moving_a_meeting(tree, login_as):
    meeting = next(m for m in _series(tree).meetings if m.original_day == date(2026, 12, 1))
    first, second = login_as("coordinator", "chaoyang"), login_as("coordinator", "chaoyang")
    data = {"start_time": "09:30", "end_time": "11:30", "location": "市总工会"}
    html = _second_save_is_stale(first, second, f"/instructors/meetings/{meeting.id}/move", data,
                                 {"day": "2026-12-03"}, {"day": "2026-12-04"},
                                 form_url=f"/instructors/meetings/{meeting.id}")
    assert 'value="2026-12-03"' in html and 'value="2026-12-04"' not in html
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).day == date(2026, 12, 3)


def test_engagement_form(tree, login_as):
    engagement = save_engagement(None, district_id=tree.cy, enterprise="北京某企业", union_name="北京某企业工会",
                                 industry=None, street=None, stage="awaiting_reply",
                                 request_sent_on=date(2026, 3, 2), instructors=[tree.zhao])
    settle()
    first, second = login_as("coordinator", "chaoyang"), login_as("coordinator", "chaoyang")
    data = {"enterprise": "北京某企业", "union_name": "北京某企业工会", "industry": "", "street": "",
            "stage": "awaiting_reply", "request_sent_on": "2026-03-02", "instructor_ids": [tree.zhao.id]}
    html = _second_save_is_stale(first, second, f"/instructors/engagements/{engagement.id}/edit", data,
                                 {"notes": "第一位：已电话沟通"}, {"notes": "第二位：等待回复"})
    assert "第一位：已电话沟通" in html and "第二位：等待回复" not in html
    db.session.expire_all()
    assert db.session.get(Engagement, engagement.id).notes == "第一位：已电话沟通"
