"""Meeting series placed on working days of the official calendar (trainer.workdays)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.instructors.conftest import errors_of, feed, settle, text_of
from trainer.core.extensions import db
from trainer.instructors.meetings.operations import create_meeting, expand_series, moved_reason, save_series
from trainer.instructors.models import Meeting
from trainer.workdays import is_working_day


def _series(tree, rule="FREQ=MONTHLY;BYMONTHDAY=1", **extra):
    return save_series(None, organiser=tree.city, pair="city_district", district_id=tree.cy, title="月度指导会",
                       rrule=rule, starts_on=date(2026, 1, 1), until=None, start_time="09:30", end_time="11:30",
                       location="市总工会", **extra)


def test_a_monthly_rule_over_2026_lands_every_meeting_on_a_working_day(tree):
    series = _series(tree)
    result = expand_series(series, date(2026, 12, 31))
    settle()
    meetings = db.session.scalars(select(Meeting).where(Meeting.series_id == series.id).order_by(Meeting.day)).all()
    assert result.created == 12 and len(meetings) == 12
    assert all(is_working_day(m.day) for m in meetings)
    assert [m.original_day.month for m in meetings] == list(range(1, 13))
    by_original = {m.original_day: m for m in meetings}
    national_day = by_original[date(2026, 10, 1)]
    # National Day 2026: 1-7 October off (the official calendar); the meeting moves to Thursday 8 October.
    assert national_day.day == date(2026, 10, 8)
    assert national_day.moved_because == "国庆节"
    assert moved_reason(national_day) == "原定 2026年10月1日 周四 为国庆节，顺延至下一个工作日 2026年10月8日 周四。"
    assert by_original[date(2026, 5, 1)].day == date(2026, 5, 6)  # 劳动节 1-5 May
    assert by_original[date(2026, 1, 1)].day == date(2026, 1, 4)  # 元旦; Sunday 4 January is a make-up working day
    weekend = by_original[date(2026, 2, 1)]
    assert weekend.day == date(2026, 2, 2) and moved_reason(weekend).startswith("原定 2026年2月1日 周日 为周末")
    assert by_original[date(2026, 4, 1)].day == date(2026, 4, 1) and by_original[date(2026, 4, 1)].moved_because is None
    # everyone guided by the organiser in the district is expected
    assert {a.instructor.name for a in national_day.attendance} == {"孙立平", "赵建国", "李秀英"}


def test_every_other_wednesday_and_second_tuesday_rules(tree):
    for rule in ("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE", "FREQ=MONTHLY;BYDAY=2TU"):
        series = _series(tree, rule=rule)
        expand_series(series, date(2026, 12, 31))
        assert series.meetings and all(is_working_day(m.day) for m in series.meetings)
        assert all(m.day.year == 2026 for m in series.meetings)


def test_expansion_is_idempotent_and_stops_at_an_unannounced_year(tree):
    series = _series(tree)
    first = expand_series(series, date(2027, 3, 31))
    settle()
    assert first.created == 12 and first.stopped_year == 2027
    assert "2027" in first.summary() and "尚未公布" in first.summary()
    second = expand_series(series, date(2027, 3, 31))
    settle()
    assert second.created == 0
    assert db.session.scalar(select(db.func.count()).select_from(Meeting)) == 12
    # only when asked: 2027 placed provisionally, marked as such
    third = expand_series(series, date(2027, 3, 31), provisional=True)
    settle()
    assert third.created == 3 and third.provisional == 3
    provisional = [m for m in series.meetings if m.day.year == 2027]
    assert all(m.provisional for m in provisional)
    assert min(m.day for m in provisional) != date(2027, 1, 1)  # New Year's Day is fixed, even provisionally


def test_the_job_expands_all_series_idempotently(tree, app):
    from trainer.instructors.jobs import JOBS, expand_meetings

    assert JOBS[0]["name"] == "instructors.expand_meetings"
    _series(tree)
    settle()
    first = expand_meetings(date(2026, 6, 1))
    days = db.session.scalars(select(Meeting.original_day).order_by(Meeting.original_day)).all()
    # The horizon is 120 days after Monday 1 June (29 September). Nothing in the past (January to May) is
    # created by the job, and 1 June is within the minimum notice (today and 2 working days): said, not placed.
    assert days == [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)]
    assert "新安排 3 次会议" in first and "1 次会议在最短通知期内" in first
    expand_meetings(date(2026, 6, 1))
    assert db.session.scalar(select(db.func.count()).select_from(Meeting)) == 3


def test_moving_and_cancelling_a_single_meeting(tree, login_as):
    series = _series(tree)
    expand_series(series, date(2026, 12, 31))
    settle()
    meeting = next(m for m in series.meetings if m.original_day == date(2026, 12, 1))
    client = login_as("coordinator", "chaoyang")
    # onto a day gone by, or years ahead: refused, the reason beside the field
    for day, error in (("2026-11-03", "2026年11月3日 周二 已经过去，请选择今天或以后的日期。"),
                       ("2099-03-02", "2099年3月2日 周一 太远了，最远可以安排到2028年11月24日 周五。")):
        response = client.post(f"/instructors/meetings/{meeting.id}/move", data={
            "day": day, "start_time": "09:30", "end_time": "11:30", "location": "市总工会",
            "version": meeting.version})
        assert response.status_code == 422
        assert errors_of(response.get_data(as_text=True)) == [error]
        assert f'value="{day}"' in response.get_data(as_text=True)  # what was typed stays
    # onto a holiday: refused, the reason beside the field
    response = client.post(f"/instructors/meetings/{meeting.id}/move", data={
        "day": "2026-12-26", "start_time": "09:30", "end_time": "11:30", "location": "市总工会",
        "version": meeting.version})
    assert response.status_code == 422
    assert errors_of(response.get_data(as_text=True)) == [
        "2026年12月26日 周六 不是工作日（周末），请选择工作日。"]
    response = client.post(f"/instructors/meetings/{meeting.id}/move", data={
        "day": "2026-12-03", "start_time": "14:00", "end_time": "16:00", "location": "区总工会",
        "version": meeting.version})
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Meeting, meeting.id)
    assert (moved.day, moved.start_time, moved.sequence, moved.moved_by_hand) == (date(2026, 12, 3), "14:00", 1, True)
    # the next expansion leaves the moved meeting alone
    expand_series(moved.series, date(2026, 12, 31))
    assert db.session.get(Meeting, meeting.id).day == date(2026, 12, 3)
    response = client.post(f"/instructors/meetings/{meeting.id}/cancel", data={"reason": "与区人大会议冲突",
                                                                              "version": moved.version})
    assert response.status_code == 302
    db.session.expire_all()
    cancelled = db.session.get(Meeting, meeting.id)
    assert cancelled.status == "cancelled" and cancelled.sequence == 2
    page = text_of(client.get(f"/instructors/meetings/{meeting.id}").get_data(as_text=True))
    assert "已取消" in page and "与区人大会议冲突" in page

    events = feed(tree.zhao_user, date(2026, 12, 1), date(2026, 12, 31))
    assert events[f"instructors-meeting-{meeting.id}@trainer"].status == "CANCELLED"


def test_organiser_records_attendance_and_minutes_others_cannot(tree, login_as, make_user):

    meeting = create_meeting(organiser=tree.zhao, district_id=tree.cy, title="联系组例会", day=date(2026, 11, 4),
                             start_time="14:00", end_time="15:00", location="区总工会")
    settle()
    assert {a.instructor.name for a in meeting.attendance} == {"赵建国", "钱晓梅", "孙志强"}
    part_time = login_as("instructor", "chaoyang", user=tree.part_user)
    assert part_time.get(f"/instructors/meetings/{meeting.id}").status_code == 200  # an attendee may read
    assert part_time.post(f"/instructors/meetings/{meeting.id}/move", data={
        "day": "2026-11-05", "start_time": "14:00", "end_time": "15:00"}).status_code == 403
    organiser = login_as("instructor", "chaoyang", user=tree.zhao_user)
    response = organiser.post(f"/instructors/meetings/{meeting.id}/record", data={
        "present": [tree.zhao.id, tree.qian.id], "minutes": "布置望京街道要约工作。", "version": meeting.version})
    assert response.status_code == 302
    db.session.expire_all()
    rows = {a.instructor.name: a.present for a in db.session.get(Meeting, meeting.id).attendance}
    assert rows == {"赵建国": True, "钱晓梅": True, "孙志强": False}
    assert db.session.get(Meeting, meeting.id).minutes == "布置望京街道要约工作。"


def test_series_form_refuses_a_bad_rule(tree, login_as):
    client = login_as("admin", None)
    response = client.post("/instructors/series/new", data={
        "title": "例会", "organiser_id": tree.city.id, "pair": "city_district", "district_id": tree.cy,
        "rrule": "FREQ=MONTHLY;BYDAY=XX", "starts_on": "2026-01-01", "start_time": "09:30", "end_time": "11:30",
        "active": "y"})
    assert errors_of(response.get_data(as_text=True)) == [
        "无法识别该重复规则；例如 FREQ=MONTHLY;BYDAY=2TU 或 FREQ=WEEKLY;INTERVAL=2;BYDAY=WE。"]
    response = client.post("/instructors/series/new", data={
        "title": "例会", "organiser_id": tree.zhao.id, "pair": "city_district", "district_id": tree.cy,
        "rrule": "FREQ=MONTHLY;BYDAY=2TU", "starts_on": "2026-01-01", "start_time": "09:30", "end_time": "11:30",
        "active": "y"})
    assert errors_of(response.get_data(as_text=True)) == ["市→区指导会由市级专职指导员组织。"]


def test_api_move_and_cancel_need_if_match(tree, app):
    from trainer.auth.operations import create_api_token

    series = _series(tree)
    expand_series(series, date(2026, 12, 31))
    with app.test_request_context("/"):
        _token, secret = create_api_token(tree.zhao_user, "phone")
    settle()
    meeting = next(m for m in series.meetings if m.original_day == date(2026, 10, 1))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    listing = client.get("/api/v1/meetings?from=2026-10-01&to=2026-10-31", headers=headers)
    assert [m["day"] for m in listing.json] == ["2026-10-08"]
    assert listing.json[0]["moved_reason"].startswith("原定 2026年10月1日 周四 为国庆节")
    # 赵建国 attends but does not organise: he may read, not move
    assert client.post(f"/api/v1/meetings/{meeting.id}/move", headers=headers, json={
        "day": "2026-12-09", "start_time": "09:30", "end_time": "11:30"}).status_code == 403
    with app.test_request_context("/"):
        _token, admin_secret = create_api_token(tree.city.user or _admin(), "admin")
    settle()
    admin = {"Authorization": f"Bearer {admin_secret}"}
    etag = client.get(f"/api/v1/meetings/{meeting.id}", headers=admin).headers["ETag"]
    body = {"day": "2026-12-09", "start_time": "09:30", "end_time": "11:30"}
    assert client.post(f"/api/v1/meetings/{meeting.id}/move", headers=admin, json=body).status_code == 428
    response = client.post(f"/api/v1/meetings/{meeting.id}/move", headers={**admin, "If-Match": etag}, json=body)
    assert response.status_code == 200 and response.json["day"] == "2026-12-09" and response.json["sequence"] == 1
    assert client.post(f"/api/v1/meetings/{meeting.id}/cancel", headers={**admin, "If-Match": etag},
                       json={}).status_code == 412
    response = client.post(f"/api/v1/meetings/{meeting.id}/cancel",
                           headers={**admin, "If-Match": response.headers["ETag"]}, json={"reason": "改期"})
    assert response.status_code == 200 and response.json["status"] == "cancelled"


def _admin():
    from trainer.auth.models import User

    user = User(username="api-admin", display_name="管理员", role="admin")
    user.set_password("correct-horse-battery")
    db.session.add(user)
    db.session.flush()
    return user
