"""An instructor updates their own engagements (reply received, stage — nothing else) and sees who is invited to a
one-off meeting."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.instructors.conftest import errors_of, settle, text_of
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.instructors.engagements.operations import save_engagement, update_progress
from trainer.instructors.meetings.operations import create_meeting
from trainer.instructors.models import Engagement
from trainer.workdays import is_working_day


def _engagement(tree, *, instructors):
    engagement = save_engagement(None, district_id=tree.cy, enterprise="北京望京智联科技有限公司",
                                 union_name="北京望京智联科技有限公司工会", industry="建筑业", street=None,
                                 stage="awaiting_reply", request_sent_on=date(2026, 11, 2), notes="协调员备注",
                                 instructors=instructors)
    settle()
    return engagement


def test_assigned_instructor_records_the_reply_and_the_stage(tree, login_as):
    engagement = _engagement(tree, instructors=[tree.zhao, tree.qian])
    opened = engagement.version
    me = login_as("instructor", "chaoyang", user=tree.part_user)  # 钱晓梅, assigned
    page = me.get(f"/instructors/engagements/{engagement.id}").get_data(as_text=True)
    assert "报告进展" in page and 'name="reply_received_on"' in page
    assert 'name="enterprise"' not in page and 'name="instructor_ids"' not in page

    # The stage's rules are the coordinator form's: signed needs the signing day, shown beside the field.
    refused = me.post(f"/instructors/engagements/{engagement.id}/progress", data={
        "stage": "signed", "reply_received_on": "2026-11-12", "version": engagement.version})
    assert refused.status_code == 422 and errors_of(refused.get_data(as_text=True)) == ["请填写协议签订日期。"]
    response = me.post(f"/instructors/engagements/{engagement.id}/progress", data={
        "stage": "preparation", "reply_received_on": "2026-11-12", "version": engagement.version,
        "enterprise": "别的企业", "notes": "改掉备注"}, follow_redirects=True)
    assert "已保存北京望京智联科技有限公司的协商进展。" in response.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(Engagement, engagement.id)
    assert (saved.stage, saved.reply_received_on) == ("preparation", date(2026, 11, 12))
    # Only the instructor's fields changed.
    assert saved.enterprise == "北京望京智联科技有限公司" and saved.notes == "协调员备注"
    assert {p.name for p in saved.instructors} == {"赵建国", "钱晓梅"}
    # A form opened before that save is refused, nothing kept, with who saved it.
    stale = me.post(f"/instructors/engagements/{engagement.id}/progress", data={
        "stage": "sessions", "reply_received_on": "2026-11-12", "version": opened}, follow_redirects=True)
    assert "保存了这条记录" in stale.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Engagement, engagement.id).stage == "preparation"


def test_only_their_own_engagements_and_only_instructors(tree, login_as):
    engagement = _engagement(tree, instructors=[tree.zhao])
    outsider = login_as("instructor", "chaoyang", user=tree.part_user)  # 钱晓梅, not assigned
    assert outsider.get(f"/instructors/engagements/{engagement.id}").status_code == 403
    assert outsider.post(f"/instructors/engagements/{engagement.id}/progress", data={
        "stage": "preparation", "version": engagement.version}).status_code == 403
    coordinator = login_as("coordinator", "chaoyang")
    assert "报告进展" not in coordinator.get(f"/instructors/engagements/{engagement.id}").get_data(as_text=True)
    assert coordinator.post(f"/instructors/engagements/{engagement.id}/progress", data={
        "stage": "preparation"}).status_code == 403
    assert db.session.get(Engagement, engagement.id).stage == "awaiting_reply"


def test_the_operation_refuses_fields_an_instructor_may_not_change(tree):
    engagement = _engagement(tree, instructors=[tree.zhao])
    with pytest.raises(InvalidInput) as refused:
        update_progress(engagement, stage="preparation", enterprise="别的企业")
    assert set(refused.value.fields) == {"enterprise"}


def test_invited_instructors_see_who_is_invited_to_a_one_off_meeting(tree, login_as):
    day = next(d for d in (today_local() + timedelta(days=n) for n in range(7, 30))
               if is_working_day(d, allow_provisional=True))  # coming, so the list of coming meetings shows it
    meeting = create_meeting(organiser=tree.zhao, district_id=tree.cy, title="望京街道集体协商专题协调会",
                             day=day, start_time="10:00", end_time="11:30", location="望京街道总工会")
    settle()
    invited = login_as("instructor", "chaoyang", user=tree.part_user)  # 钱晓梅, guided by 赵建国
    page = text_of(invited.get(f"/instructors/meetings/{meeting.id}").get_data(as_text=True))
    assert "受邀人员（3）" in page
    for name in ("赵建国", "钱晓梅", "孙志强"):
        assert name in page
    assert "组织人" in page and "单次会议邀请组织人及其指导的在聘指导员" in page
    listing = text_of(invited.get("/instructors/meetings").get_data(as_text=True))
    assert "望京街道集体协商专题协调会" in listing and "3 人" in listing and "单次" in listing


def test_progress_through_the_api(tree, app):
    from trainer.auth.operations import create_api_token

    engagement = _engagement(tree, instructors=[tree.zhao])
    zhao = {"Authorization": f"Bearer {create_api_token(tree.zhao_user, 'z')[1]}"}
    qian = {"Authorization": f"Bearer {create_api_token(tree.part_user, 'q')[1]}"}
    settle()
    client = app.test_client()
    url = f"/api/v1/engagements/{engagement.id}/progress"
    etag = client.get(f"/api/v1/engagements/{engagement.id}", headers=zhao).headers["ETag"]
    body = {"stage": "preparation", "reply_received_on": "2026-11-12"}
    assert client.patch(url, headers=zhao, json=body).status_code == 428
    assert client.patch(url, headers={**qian, "If-Match": etag}, json=body).status_code == 403
    refused = client.patch(url, headers={**zhao, "If-Match": etag}, json={"enterprise": "别的企业"})
    assert refused.status_code == 422
    done = client.patch(url, headers={**zhao, "If-Match": etag}, json=body)
    assert done.status_code == 200 and done.json["stage"] == "preparation"
    assert done.json["reply_received_on"] == "2026-11-12" and done.json["enterprise"] == "北京望京智联科技有限公司"
