"""Bargaining engagements: deadlines (20 days to reply, 10 days to file) on the page and in the feeds."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.instructors.conftest import errors_of, feed, settle, text_of
from trainer.core.extensions import db
from trainer.instructors.models import Engagement


def _data(tree, **overrides):
    data = {"enterprise": "北京望京智联科技有限公司", "union_name": "北京望京智联科技有限公司工会",
            "industry": "建筑业", "street": "", "stage": "awaiting_reply", "request_sent_on": "2026-03-02",
            "instructor_ids": [tree.zhao.id, tree.qian.id]}
    data.update(overrides)
    return data


def test_deadlines_come_out_right_and_appear_in_the_feeds(tree, login_as):
    client = login_as("coordinator", "chaoyang")
    assert client.post("/instructors/engagements/new", data=_data(tree)).status_code == 302
    engagement = db.session.scalar(select(Engagement))
    # 2 March + 20 days is Sunday 22 March: the period ends on Monday 23 March (《民法典》第二百零三条)
    assert engagement.reply_due == date(2026, 3, 23)
    page = text_of(client.get(f"/instructors/engagements/{engagement.id}").get_data(as_text=True))
    assert "2026年3月23日 周一" in page and "逾期" in page  # today (late 2026) is long past
    assert "2026年3月22日 周日是休息日，期间顺延至下一个工作日2026年3月23日 周一（《民法典》第二百零三条）。" in page
    events = feed(tree.qian.user, date(2026, 3, 1), date(2026, 3, 31))
    reply = events[f"instructors-reply-due-{engagement.id}@trainer"]
    assert reply.start == date(2026, 3, 23) and reply.end == date(2026, 3, 23)  # all day, that day only
    assert "北京望京智联科技有限公司" in reply.summary
    # signed on 10 June: 20 June is a Saturday, so filing is due on Monday 22 June
    response = client.post(f"/instructors/engagements/{engagement.id}/edit", data=_data(
        tree, stage="signed", reply_received_on="2026-03-12", agreement_signed_on="2026-06-10",
        version=engagement.version))
    assert response.status_code == 302
    db.session.expire_all()
    engagement = db.session.get(Engagement, engagement.id)
    assert engagement.filing_due == date(2026, 6, 22)
    for user in (tree.zhao_user, tree.part_user):
        events = feed(user, date(2026, 3, 1), date(2026, 6, 30))
        assert events[f"instructors-filing-due-{engagement.id}@trainer"].start == date(2026, 6, 22)
        assert f"instructors-reply-due-{engagement.id}@trainer" not in events  # answered: no longer a deadline
    page = text_of(client.get("/instructors/engagements").get_data(as_text=True))
    assert "2026年6月22日 周一" in page


def test_sessions_go_on_the_assigned_instructors_calendars(tree, login_as):
    client = login_as("coordinator", "chaoyang")
    client.post("/instructors/engagements/new", data=_data(tree, stage="preparation"))
    engagement = db.session.scalar(select(Engagement))
    response = client.post(f"/instructors/engagements/{engagement.id}", data={
        "day": "2026-10-03", "start_time": "14:00", "end_time": "16:00", "location": "企业会议室"})
    assert errors_of(response.get_data(as_text=True)) == ["2026年10月3日 周六 不是工作日（国庆节），请选择工作日。"]
    response = client.post(f"/instructors/engagements/{engagement.id}", data={
        "day": "2026-10-10", "start_time": "14:00", "end_time": "16:00", "location": "企业会议室"})
    assert response.status_code == 302  # Saturday 10 October 2026 is a make-up working day
    db.session.expire_all()
    engagement = db.session.get(Engagement, engagement.id)
    assert engagement.stage == "sessions"
    events = [e for uid, e in feed(tree.zhao_user, date(2026, 10, 1), date(2026, 10, 31)).items()
              if uid.startswith("instructors-session-")]
    assert len(events) == 1 and events[0].start.isoformat() == "2026-10-10T14:00:00+08:00"
    assert events[0].location == "企业会议室"
    coordinator_events = feed(client.user, date(2026, 10, 1), date(2026, 10, 31))
    assert any(uid.startswith("instructors-session-") for uid in coordinator_events)


def test_stage_needs_its_dates(tree, login_as):
    client = login_as("coordinator", "chaoyang")
    response = client.post("/instructors/engagements/new", data=_data(tree, stage="signed"))
    assert errors_of(response.get_data(as_text=True)) == ["请填写协议签订日期。"]
    response = client.post("/instructors/engagements/new", data=_data(
        tree, stage="filed", agreement_signed_on="2026-06-10", filed_on="2026-06-01"))
    assert "报送日期应在签订之后。" in errors_of(response.get_data(as_text=True))
    response = client.post("/instructors/engagements/new", data=_data(tree, instructor_ids=[tree.chen.id]))
    assert response.status_code == 200  # 陈晨 (Xicheng) is not even offered
    assert db.session.scalar(select(db.func.count()).select_from(Engagement)) == 0


def test_engagement_api_with_a_token(tree, app, make_user):
    from trainer.auth.operations import create_api_token

    coordinator = make_user("coordinator", "chaoyang")
    with app.test_request_context("/"):
        _token, secret = create_api_token(coordinator, "test")
        settle()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post("/api/v1/engagements", headers=headers, json={
        "enterprise": "北京某某有限公司", "union_name": "北京某某有限公司工会", "stage": "signed",
        "request_sent_on": "2026-03-02", "agreement_signed_on": "2026-06-10", "instructor_ids": [tree.zhao.id]})
    assert response.status_code == 201, response.json
    assert response.json["reply_due"] == "2026-03-23" and response.json["filing_due"] == "2026-06-22"
    assert "休息日" in response.json["reply_due_reason"]
    assert response.json["district"] == "chaoyang"
    engagement_id = response.json["id"]
    response = client.post(f"/api/v1/engagements/{engagement_id}/sessions", headers=headers, json={
        "day": "2026-10-01", "start_time": "09:00", "end_time": "10:00"})
    assert response.status_code == 422 and "国庆节" in response.json["error"]["fields"]["day"]
    response = client.get("/api/v1/instructors/coverage", headers=headers)
    assert response.status_code == 200 and "制造业" in response.json["gaps"]["industry"]
    assert client.get("/api/v1/engagements", headers={"Authorization": "Bearer nope"}).status_code == 401
