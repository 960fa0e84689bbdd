"""Calendar feeds: valid in three independent readers, right times, caching, tokens, window, cancellations."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from tests.calendars import parsers
from tests.calendars.fake_area import FakeFirm, add_visit, cancel_visit, move_visit
from trainer.calendars import operations, serving, sources
from trainer.calendars.models import FeedToken
from trainer.core.clock import LOCAL_TZ, now_utc, today_local
from trainer.core.extensions import db

pytestmark = pytest.mark.usefixtures("fake_area_installed")

TRICKY = "朝外街道工会服务站：劳动争议咨询，调解；第二行\n第三行 \\ 反斜杠"


def feed_path(user, kind="user", subject=None) -> str:
    subject = subject or sources.Subject(kind, user.id, user.display_name, user.district_id, user)
    token = operations.feed_token(user, subject)
    db.session.commit()
    return operations.feed_urls(token)["web"].removeprefix("http://trainer.test")


def beijing(days: int, hhmm: str = "09:00") -> datetime:
    day = today_local() + timedelta(days=days)
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


@pytest.fixture
def lawyer(make_user):
    return make_user("lawyer", "chaoyang")


def test_feed_reads_the_same_in_icalendar_vobject_and_icaljs(client, lawyer):
    district = lawyer.district_id
    visit = add_visit(district_id=district, lawyer_id=lawyer.id, title=TRICKY, start=beijing(2, "09:00"),
                      location="北京市朝阳区朝外大街1号，2层；东侧",
                      description="律师：王律师\n服务站联系人：刘芳 13901100001\n" + "很长的说明，" * 40)
    add_visit(district_id=district, lawyer_id=lawyer.id, title="值班（全天）", start=beijing(5, "00:00"),
              hours=24 * 2, all_day=True)
    db.session.commit()

    response = client.get(feed_path(lawyer))
    assert response.status_code == 200
    body = response.data
    parsers.strict_check(body)
    events = parsers.same_events(parsers.read_icalendar(body), parsers.read_vobject(body),
                                 parsers.read_icaljs(body))
    assert len(events) == 2
    timed = next(e for e in events if e["uid"] == f"fake-visit-{visit.id}@trainer")
    # 09:00 Beijing time is 01:00 UTC: the same moment the app shows.
    assert timed["start"] == beijing(2, "09:00").astimezone(UTC)
    assert timed["end"] == beijing(2, "12:00").astimezone(UTC)
    assert timed["summary"] == TRICKY
    assert timed["location"] == "北京市朝阳区朝外大街1号，2层；东侧"
    assert "服务站联系人：刘芳 13901100001" in timed["description"]
    assert timed["description"].endswith(f"http://trainer.test/visits/{visit.id}")  # links back to its page
    all_day = next(e for e in events if e["summary"] == "值班（全天）")
    assert all_day["start"] == today_local() + timedelta(days=5)
    assert all_day["end"] == today_local() + timedelta(days=8)  # DTEND is exclusive: the 5th to the 7th day


def test_calendar_properties_follow_what_clients_need(client, lawyer):
    visit = add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, start=beijing(1))
    db.session.commit()
    changed = visit.updated_at
    text = client.get(feed_path(lawyer)).get_data(as_text=True)
    lines = parsers.strict_check(text.encode())
    assert "X-PUBLISHED-TTL:PT1H" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines
    assert "X-WR-TIMEZONE:Asia/Shanghai" in lines
    assert f"NAME:{lawyer.display_name}的日程 · " in text
    assert f"X-WR-CALNAME:{lawyer.display_name}的日程 · " in text
    assert "DTSTART;TZID=Asia/Shanghai:" in text
    # DTSTAMP and LAST-MODIFIED are the last real change, not the time of the request.
    stamp = changed.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTAMP:{stamp}" in lines and f"LAST-MODIFIED:{stamp}" in lines
    assert "METHOD:PUBLISH" in lines


def test_http_caching_head_and_no_accept_header(app, lawyer):
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, start=beijing(3))
    db.session.commit()
    path = feed_path(lawyer)
    client = app.test_client()
    # The test client sends no Accept header, like many calendar clients.
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    etag = response.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)  # strong, quoted
    assert response.headers["Cache-Control"].startswith("private")
    assert response.headers["Content-Disposition"].startswith("inline")
    assert int(response.headers["Content-Length"]) == len(response.data)
    last_modified = response.headers["Last-Modified"]
    assert last_modified.endswith("GMT")

    head = client.head(path)
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == etag and head.headers["Content-Length"] == str(len(response.data))

    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(path, headers={"If-None-Match": 'W/' + etag}).status_code == 304
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get(path, headers={"If-Modified-Since": last_modified}).status_code == 304
    earlier = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
    assert client.get(path, headers={"If-Modified-Since": earlier}).status_code == 200
    assert client.get(path, headers={"Accept": "text/html"}).status_code == 200


def test_moving_a_visit_raises_sequence_and_changes_etag(client, lawyer):
    visit = add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, start=beijing(4, "09:00"))
    db.session.commit()
    path = feed_path(lawyer)
    first = client.get(path)
    [before] = parsers.read_icalendar(first.data)
    assert before["sequence"] == 0

    move_visit(visit, beijing(6, "14:00"))
    db.session.commit()
    second = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    assert second.headers["ETag"] != first.headers["ETag"]
    [after] = parsers.read_icalendar(second.data)
    assert after["uid"] == before["uid"]  # the same event, moved
    assert after["sequence"] == 1
    assert after["start"] == beijing(6, "14:00").astimezone(UTC)
    assert client.get(path, headers={"If-None-Match": second.headers["ETag"]}).status_code == 304


def test_304_and_repeated_requests_do_not_build_the_feed(client, lawyer, monkeypatch):
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id)
    db.session.commit()
    path = feed_path(lawyer)
    builds = []
    real_build = serving.build_feed
    monkeypatch.setattr(serving, "build_feed", lambda *a: builds.append(1) or real_build(*a))
    first = client.get(path)
    assert builds == [1]
    for _ in range(3):
        assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
        assert client.get(path).data == first.data
    assert builds == [1]
    # Another worker (empty memory) serves the stored bytes without building either.
    serving.memory.clear()
    assert client.get(path).data == first.data
    assert builds == [1]


def test_reset_link_stops_the_old_one_at_once(login_as):
    client = login_as("trainee", "chaoyang")
    page = client.get("/calendars/subscribe").get_data(as_text=True)
    old = re.search(r'value="http://trainer\.test(/feeds/[^"]+\.ics)"', page).group(1)
    assert client.get(old).status_code == 200
    token = db.session.scalar(db.select(FeedToken).where(FeedToken.user_id == client.user.id))
    response = client.post(f"/calendars/links/{token.id}/reset", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "链接已重置。旧链接立即失效" in text
    new = re.search(r'value="http://trainer\.test(/feeds/[^"]+\.ics)"', text).group(1)
    assert new != old
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_unknown_revoked_and_disabled_links_answer_404(client, make_user, lawyer):
    path = feed_path(lawyer)
    assert client.get(path).status_code == 200
    assert client.get("/feeds/not-a-real-token.ics").status_code == 404
    assert client.get(path.replace(".ics", "x.ics")).status_code == 404
    lawyer.active = False
    db.session.commit()
    assert client.get(path).status_code == 404
    lawyer.active = True
    db.session.commit()
    token = db.session.scalar(db.select(FeedToken).where(FeedToken.user_id == lawyer.id))
    operations.revoke_token(token)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_database_holds_no_working_link(app, lawyer):
    path = feed_path(lawyer)
    secret = path.removeprefix("/feeds/").removesuffix(".ics")
    token = db.session.scalar(db.select(FeedToken).where(FeedToken.user_id == lawyer.id))
    assert len(secret) >= 43  # 256 bits
    stored = " ".join(str(v) for v in (token.nonce, token.token_hash))
    assert secret not in stored
    # With the database but without the instance's secret key, the stored values give no working link.
    assert operations.token_secret(token.nonce, key="some-other-key") != secret
    assert app.test_client().get(f"/feeds/{token.nonce}.ics").status_code == 404
    assert app.test_client().get(f"/feeds/{token.token_hash}.ics").status_code == 404


def test_the_token_opens_only_the_feed_and_a_session_never_opens_a_feed(app, login_as):
    client = login_as("lawyer", "chaoyang")
    path = feed_path(client.user)
    secret = path.removeprefix("/feeds/").removesuffix(".ics")
    anonymous = app.test_client()
    # The feed secret is no login: web pages still send the visitor to the login page.
    for page in (f"/calendars/subscribe?token={secret}", f"/?token={secret}", f"/calendars/subscribe/{secret}"):
        response = anonymous.get(page, headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code in (302, 404), page
        assert response.status_code != 200
    # A logged-in browser gets nothing from a feed URL without its secret.
    assert client.get("/feeds/.ics").status_code == 404
    assert client.get("/feeds/wrong.ics").status_code == 404


def test_window_keeps_30_days_back_and_180_ahead(client, lawyer):
    district = lawyer.district_id
    for days, title in ((-45, "太早"), (-20, "近期回顾"), (90, "计划中"), (200, "太远")):
        add_visit(district_id=district, lawyer_id=lawyer.id, title=title, start=beijing(days))
    db.session.commit()
    titles = {e["summary"] for e in parsers.read_icalendar(client.get(feed_path(lawyer)).data)}
    assert titles == {"近期回顾", "计划中"}


def test_cancelled_events_are_shown_during_the_grace_period_then_dropped(app, client, lawyer):
    recent = add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, title="最近取消", start=beijing(5))
    old = add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, title="早已取消", start=beijing(6))
    cancel_visit(recent)
    grace = app.config["FEED_CANCELLED_GRACE_DAYS"]
    cancel_visit(old, when=now_utc() - timedelta(days=grace + 1))
    db.session.commit()
    events = {e["summary"]: e for e in parsers.read_icalendar(client.get(feed_path(lawyer)).data)}
    assert set(events) == {"最近取消"}
    assert events["最近取消"]["status"] == "CANCELLED"
    assert events["最近取消"]["sequence"] == 1


def test_reminder_choice_adds_valarm_and_changes_etag(login_as):
    client = login_as("lawyer", "chaoyang")
    visit = add_visit(district_id=client.user.district_id, lawyer_id=client.user.id, start=beijing(3))
    cancelled = add_visit(district_id=client.user.district_id, lawyer_id=client.user.id, title="已取消",
                          start=beijing(4))
    cancel_visit(cancelled)
    db.session.commit()
    path = feed_path(client.user)
    first = client.get(path)
    assert "BEGIN:VALARM" not in first.get_data(as_text=True)
    token = db.session.scalar(db.select(FeedToken).where(FeedToken.user_id == client.user.id))

    bad = client.post(f"/calendars/links/{token.id}", data={"alarm_minutes": "7"})
    assert bad.status_code == 200
    saved = client.post(f"/calendars/links/{token.id}", data={"alarm_minutes": "60"}, follow_redirects=True)
    assert "提醒设置已保存" in saved.get_data(as_text=True)
    second = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200
    events = {e["uid"]: e for e in parsers.read_icalendar(second.data)}
    assert events[f"fake-visit-{visit.id}@trainer"]["alarms"] == ["-PT1H"]
    assert events[f"fake-visit-{cancelled.id}@trainer"]["alarms"] == []  # no reminder for a cancelled event
    parsers.same_events(parsers.read_icalendar(second.data), parsers.read_icaljs(second.data))


def test_subscribe_page_shows_links_qr_and_instructions(login_as):
    client = login_as("lawyer", "chaoyang")
    text = client.get("/calendars/subscribe").get_data(as_text=True)
    assert "订阅日历" in text
    assert re.search(r'href="webcal://trainer\.test/feeds/[A-Za-z0-9_-]{43}\.ics"', text)
    assert re.search(r'value="http://trainer\.test/feeds/[A-Za-z0-9_-]{43}\.ics"', text)
    assert '<svg class="qr" role="img" aria-label="订阅链接二维码"' in text
    for words in ("如何订阅", "iPhone 和 iPad", "安卓手机和谷歌日历", "Outlook", "Thunderbird", "微信扫一扫", "重置链接",
                  "提前15分钟", "不提醒"):
        assert words in text, words
    # A lawyer has only their own feed.
    assert "朝阳区的日历" not in text and "获取链接" not in text
    client.post("/lang/en")
    english = client.get("/calendars/subscribe").get_data(as_text=True)
    assert "How to subscribe" in english and "Reset link" in english


def test_coordinator_gets_station_and_firm_feeds_of_the_district_only(app, login_as, make_user, districts):
    from trainer.org.models import Station, Union

    chaoyang, xicheng = districts["chaoyang"], districts["xicheng"]
    union = Union(district_id=chaoyang.id, name="朝外街道总工会", kind="street", street="朝外街道")
    station = Station(district_id=chaoyang.id, union=union, name="朝外街道工会服务站", address="朝外大街1号")
    other_union = Union(district_id=xicheng.id, name="月坛街道总工会", kind="street")
    other = Station(district_id=xicheng.id, union=other_union, name="月坛街道工会服务站", address="月坛1号")
    db.session.add_all([union, station, other_union, other])
    db.session.flush()
    firm = FakeFirm(district_id=chaoyang.id, name="北京市京朝律师事务所")
    db.session.add(firm)
    db.session.flush()
    lawyer = make_user("lawyer", "chaoyang")
    add_visit(district_id=chaoyang.id, lawyer_id=lawyer.id, station_id=station.id, firm_id=firm.id, title="驻站咨询",
              start=beijing(2))
    add_visit(district_id=chaoyang.id, lawyer_id=lawyer.id, station_id=None, title="别处的日程", start=beijing(3))
    db.session.commit()

    client = login_as("coordinator", "chaoyang")
    page = client.get("/calendars/subscribe").get_data(as_text=True)
    assert "朝阳区的日历" in page and "朝外街道工会服务站" in page and "北京市京朝律师事务所" in page
    assert "月坛街道工会服务站" not in page
    response = client.post(f"/calendars/subscribe/station/{station.id}", follow_redirects=True)
    text = response.get_data(as_text=True)
    path = re.search(r'value="http://trainer\.test(/feeds/[^"]+\.ics)"', text).group(1)
    feed = app.test_client().get(path)
    body = feed.get_data(as_text=True)
    assert "X-WR-CALNAME:服务站：朝外街道工会服务站" in body
    assert {e["summary"] for e in parsers.read_icalendar(feed.data)} == {"驻站咨询"}
    firm_link = client.post(f"/calendars/subscribe/firm/{firm.id}", follow_redirects=True)
    assert firm_link.status_code == 200 and "律所" in firm_link.get_data(as_text=True)

    # Another district's station, or a lawyer asking for a station feed: refused.
    assert client.post(f"/calendars/subscribe/station/{other.id}").status_code == 403
    assert login_as("lawyer", "chaoyang").post(f"/calendars/subscribe/station/{station.id}").status_code == 403
    assert client.post("/calendars/subscribe/nonsense/1").status_code == 404
    # Someone else's link page is not found.
    token = db.session.scalar(db.select(FeedToken).where(FeedToken.kind == "station"))
    assert login_as("coordinator", "chaoyang").get(f"/calendars/links/{token.id}").status_code == 404

    # The coordinator moves to another district: the station link stops.
    client.user.district_id = xicheng.id
    db.session.commit()
    assert app.test_client().get(path).status_code == 404


def test_drop_expired_cancellations_job_is_idempotent(app, client, lawyer):
    from trainer.calendars.jobs import drop_expired_cancellations
    from trainer.calendars.models import StoredFeed

    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id)
    db.session.commit()
    client.get(feed_path(lawyer))
    stored = db.session.scalar(db.select(StoredFeed))
    stored.built_at = now_utc() - timedelta(days=2)
    db.session.commit()
    first = drop_expired_cancellations(today_local())
    assert "删除此前的日历缓存1份" in first
    second = drop_expired_cancellations(today_local())
    assert "删除此前的日历缓存0份" in second
    assert client.get(feed_path(lawyer)).status_code == 200


def test_flask_view_and_fast_path_give_the_same_answers(app, lawyer):
    add_visit(district_id=lawyer.district_id, lawyer_id=lawyer.id, title=TRICKY, start=beijing(2))
    db.session.commit()
    path = feed_path(lawyer)
    client = app.test_client()
    fast = client.get(path)
    app.config["FEED_FAST_PATH"] = False
    try:
        slow = client.get(path)
        assert slow.status_code == 200 and slow.data == fast.data
        assert slow.headers["ETag"] == fast.headers["ETag"]
        assert slow.headers["Content-Type"] == fast.headers["Content-Type"]
        assert slow.headers["Last-Modified"] == fast.headers["Last-Modified"]
        assert client.get(path, headers={"If-None-Match": fast.headers["ETag"]}).status_code == 304
        assert client.head(path).headers["Content-Length"] == str(len(fast.data))
        assert client.get("/feeds/nope.ics").status_code == 404
    finally:
        app.config["FEED_FAST_PATH"] = True
    assert client.post(path).status_code == 405  # only GET and HEAD


def test_fast_path_sends_the_security_headers_of_every_answer(app, lawyer):
    path = feed_path(lawyer)
    client = app.test_client()
    names = ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy",
             "Strict-Transport-Security")
    fast = client.get(path, base_url="https://trainer.test")
    app.config["FEED_FAST_PATH"] = False
    try:
        slow = client.get(path, base_url="https://trainer.test")
    finally:
        app.config["FEED_FAST_PATH"] = True
    assert fast.headers["Referrer-Policy"] == "no-referrer"  # the feed's own: its URL holds the secret
    assert {n: fast.headers.get(n) for n in names} == {n: slow.headers.get(n) for n in names}
    assert all(fast.headers.get(n) for n in names)


def test_a_feed_too_big_for_google_keeps_the_events_nearest_today():
    from trainer.calendars import ical
    from trainer.calendars.events import FeedEvent

    today = today_local()
    events = [FeedEvent(uid=f"e{i}@trainer", summary="驻站" * 50, description="说明" * 300,
                        start=today + timedelta(days=i - 100), end=today + timedelta(days=i - 100),
                        last_modified=now_utc()) for i in range(200)]
    body, count = ical.render_calendar(ical.CalendarHead(name="测试"), events, max_bytes=200_000, today=today)
    assert len(body) <= 200_000 and 0 < count < 200
    kept = {e["uid"] for e in parsers.read_icalendar(body)}
    assert "e100@trainer" in kept and "e0@trainer" not in kept and "e199@trainer" not in kept
    parsers.strict_check(body)
