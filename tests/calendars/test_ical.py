"""The feed writer is the ``icalendar`` package: every event, ordinary or awkward, reads back as it was given, in
the byte form RFC 5545 asks (CRLF, folding at 75 octets that never splits a character, one VTIMEZONE without
COMMENT, REFRESH-INTERVAL;VALUE=DURATION); and a feed joined from stored blocks is the feed written anew."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from tests.calendars import parsers
from trainer.calendars import blocks, ical
from trainer.calendars.events import FeedEvent
from trainer.calendars.models import FeedEventBlock
from trainer.core.clock import LOCAL_TZ
from trainer.core.extensions import db

# --- events: ordinary ones and every awkward case we can think of ----------------------------------------------
PIECES = ["朝外街道", "工会服务站", "劳动争议", "，", "；", ",", ";", "\\", "\n", "\r\n", "\r", "\t", " ", "a",
          "Zürich", "😀", "𠀀", "é", "e\u0301", "\x01", "\x7f", "\x0b", "\x1f", "http://x.test/a b", "：", "“引号”"]
OTHER_TZ = timezone(timedelta(hours=-5))


def _text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, longest)))


def _moment(rng: random.Random, base: datetime) -> datetime:
    moment = base + timedelta(minutes=rng.randint(-60 * 24 * 40, 60 * 24 * 200), seconds=rng.randint(0, 59),
                              microseconds=rng.choice([0, 0, 123456]))
    kind = rng.randint(0, 3)
    if kind == 0:
        return moment.replace(tzinfo=None)  # naive = Beijing wall-clock time
    if kind == 1:
        return moment.astimezone(UTC)
    if kind == 2:
        return moment.astimezone(OTHER_TZ)
    return moment


def random_events(seed: int, count: int = 300) -> list[FeedEvent]:
    rng = random.Random(seed)
    base = datetime(2026, 3, 1, 9, 0, tzinfo=LOCAL_TZ)
    events = []
    for number in range(count):
        if rng.random() < 0.2:
            start = (base + timedelta(days=rng.randint(-40, 200))).date()
            end = start + timedelta(days=rng.randint(-1, 3))
        else:
            start = _moment(rng, base)
            end = start + timedelta(hours=rng.randint(-5, 30))  # sometimes before the start
            if rng.random() < 0.2 and start.tzinfo is not None:
                end = _moment(rng, base).replace(tzinfo=start.tzinfo)
            if rng.random() < 0.1:
                end = (start + timedelta(days=1)).date() if isinstance(start, datetime) else start
        uid = rng.choice([f"visit-{number}@trainer", f"任务-{number},;\\@trainer",
                          f"{'x' * rng.randint(60, 90)}-{number}@trainer"])
        summary = rng.choice(["驻站咨询：朝外街道工会服务站", _text(rng, 30)])
        changed = rng.choice([datetime(2026, 2, 1, 8, 30, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 90000)),
                              datetime(2026, 2, 1, 8, 30) + timedelta(seconds=rng.randint(0, 9999999)),
                              datetime(2026, 2, 1, 8, 30, tzinfo=LOCAL_TZ)])
        events.append(FeedEvent(
            uid=uid, summary=summary, start=start, end=end, last_modified=changed,
            sequence=rng.choice([0, 1, 7, -3]),
            status=rng.choice(["CONFIRMED", "TENTATIVE", "CANCELLED", "cancelled", "tentative", "", "weird"]),
            location=rng.choice(["", "北京市朝阳区朝外大街1号，2层；东侧", _text(rng, 40)]),
            description=rng.choice(["", "律师：王律师\n服务站联系人：刘芳 13901100001\n" + "很长的说明，" * 40,
                                    _text(rng, 120), "ends in CR\r", "\x01\x02"]),
            url=rng.choice(["", f"http://trainer.test/visits/{number}", "http://t.test/a b\x01",
                            "http://t.test/" + "long/" * 30, "\nhttp://t.test/lf"]),
            categories=rng.choice([(), ("律师驻站",), ("a,b", "c;d\\", "e\nf\x01"), (_text(rng, 10),)]),
        ))
    return events


HEAD = ical.CalendarHead(name="王律师的日程 · 法律服务", description="北京市总工会，每小时更新；时间为北京时间,;")


def expected(event: FeedEvent, alarm: int | None, alarm_text: str) -> dict:
    """What a calendar must read from an event: text without control characters, line breaks as LF, the URL
    also at the end of the description, times to the second, DTEND never before DTSTART."""
    description = ical.clean_text(event.description)
    url = "".join(c for c in event.url if c >= " " and c != "\x7f")
    if url:
        description = f"{description}\n\n{url}" if description else url
    if isinstance(event.start, datetime):
        start = ical.local_time(event.start)
        end = max(ical.local_time(event.end), start) if isinstance(event.end, datetime) else start
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    else:
        start, end = event.start, ical.all_day_end(event)
    status = ical.status_of(event)
    ringing = alarm and status != "CANCELLED" and (isinstance(event.start, datetime) or alarm >= 1440)
    return {"uid": ical.clean_text(event.uid), "summary": ical.clean_text(event.summary), "start": start, "end": end,
            "sequence": max(event.sequence, 0), "status": status, "location": ical.clean_text(event.location),
            "description": description, "alarms": [f"-{ical.vDuration(timedelta(minutes=alarm)).to_ical().decode()}"]
            if ringing else []}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("alarm", [None, 15, 1440])
def test_every_awkward_event_reads_back_as_it_was_given(seed, alarm):
    events = random_events(seed, 150)
    alarm_text = (lambda e: f"提醒：{e.summary}") if seed % 2 else None
    body, count = ical.render_calendar(HEAD, events, alarm, alarm_text=alarm_text)
    assert count == len(events)
    for line in body.split(b"\r\n"):
        line.decode("utf-8")  # every physical line on its own: folding never split a character
    logical = parsers.strict_check(body)
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in logical and "X-PUBLISHED-TTL:PT1H" in logical
    assert "NAME:王律师的日程 · 法律服务" in logical
    assert "DESCRIPTION:北京市总工会，每小时更新；时间为北京时间\\,\\;" in logical
    read = {e["uid"]: e for e in parsers.read_icalendar(body)}
    assert len(read) == len({ical.clean_text(e.uid) for e in events})
    for event in events:
        want = expected(event, alarm, alarm_text(event) if alarm_text else "")
        got = read[want["uid"]]
        assert {key: got[key] for key in want} == want, event


def test_a_feed_joined_from_stored_blocks_is_the_feed_written_anew(app):
    events = random_events(7, 120)
    text = "提醒：{}".format
    written = ical.render_calendar(HEAD, events, 60, alarm_text=lambda e: text(e.summary))
    blocks.memory.clear()
    first = blocks.blocks_for(events, 60, lambda e: text(e.summary))
    assert (first.written, first.from_table, first.from_memory) == (len(events), 0, 0)
    blocks.save(first.new_rows)
    db.session.commit()
    assert ical.assemble(ical.write_head(HEAD), events, first.blocks)[0] == written[0]
    again = blocks.blocks_for(events, 60, lambda e: text(e.summary))  # this process
    assert (again.written, again.from_memory) == (0, len(events)) and again.blocks == first.blocks
    blocks.memory.clear()  # another worker, or after a restart: the table
    stored = blocks.blocks_for(events, 60, lambda e: text(e.summary))
    uids_kept = db.session.scalar(select(func.count()).select_from(FeedEventBlock))
    assert stored.from_table == uids_kept and stored.written == len(events) - uids_kept
    assert stored.blocks == first.blocks
    # Another reminder choice is another block.
    assert blocks.blocks_for(events[:5], None).written == 5


def test_a_stored_block_is_never_used_for_a_changed_event(app):
    event = FeedEvent(uid="visit-1@trainer", summary="驻站咨询", start=datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ),
                      end=datetime(2026, 3, 2, 12, tzinfo=LOCAL_TZ), location="朝外大街1号",
                      last_modified=datetime(2026, 2, 1, tzinfo=UTC), sequence=1)
    blocks.memory.clear()
    blocks.save(blocks.blocks_for([event]).new_rows)
    db.session.commit()
    moved = FeedEvent(**{**event.__dict__, "start": datetime(2026, 3, 3, 14, tzinfo=LOCAL_TZ),
                         "end": datetime(2026, 3, 3, 17, tzinfo=LOCAL_TZ)})
    readdressed = FeedEvent(**{**event.__dict__, "location": "朝外大街2号", "sequence": 2})
    for changed, line in ((moved, b"DTSTART;TZID=Asia/Shanghai:20260303T140000"), (readdressed, "LOCATION:朝外大街2号".encode())):
        for clear in (False, True):
            if clear:
                blocks.memory.clear()
            found = blocks.blocks_for([changed])
            assert found.written == 1 and line in found.blocks[0]
    # A row whose digest does not match (a block written by another writer version) is written again.
    db.session.execute(update(FeedEventBlock).values(digest="0" * 64))
    blocks.memory.clear()
    assert blocks.blocks_for([event]).written == 1


def test_the_digest_tells_apart_every_start_a_block_could_show():
    """A stored block is found by its digest: two starts that a calendar shows differently never share one, and
    the same start always gives the same digest."""

    def digest_of(start):
        return blocks.digest(FeedEvent(uid="visit-1@trainer", summary="驻站咨询", start=start, end=start,
                                       last_modified=datetime(2026, 2, 1, tzinfo=UTC)), 0, "")

    nine = datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ)
    starts = [nine, nine.replace(second=1), nine.replace(microsecond=1), nine.replace(minute=1), nine.replace(hour=10),
              nine + timedelta(days=1), nine.astimezone(UTC), nine.replace(tzinfo=None), date(2026, 3, 2),
              datetime(2026, 3, 2, tzinfo=LOCAL_TZ)]
    assert len({digest_of(start) for start in starts}) == len(starts)
    assert digest_of(datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ)) == digest_of(nine)


@pytest.mark.parametrize("max_bytes", [3_000, 20_000, 60_000])
def test_a_feed_too_big_keeps_the_events_nearest_today(max_bytes):
    events = random_events(99, 120)
    today = date(2026, 4, 1)
    body, count = ical.render_calendar(HEAD, iter(events), 60, max_bytes=max_bytes, today=today)
    assert len(body) <= max_bytes and 0 < count < len(events)
    parsers.strict_check(body)

    def distance(event):
        start = event.start.date() if isinstance(event.start, datetime) else event.start
        return abs((start - today).days)

    kept = {e["uid"] for e in parsers.read_icalendar(body)}
    nearest = max(distance(e) for e in events if ical.clean_text(e.uid) in kept)
    left_out = [distance(e) for e in events if ical.clean_text(e.uid) not in kept]
    assert len(kept) == count and nearest <= min(left_out)  # the nearest kept, the furthest left out


@pytest.mark.parametrize("max_bytes", [3_000, 20_000, 60_000, 10_000_000])
def test_a_feed_over_its_limit_writes_only_the_blocks_it_can_keep(app, monkeypatch, max_bytes):
    monkeypatch.setattr(blocks, "FIT_CHUNK", 10)
    events = random_events(99, 120)
    today = date(2026, 4, 1)
    text = "提醒：{}".format
    whole = ical.render_calendar(HEAD, events, 60, max_bytes=max_bytes, today=today,
                                 alarm_text=lambda e: text(e.summary))
    blocks.memory.clear()
    head = ical.write_head(HEAD)
    kept, found = blocks.blocks_within(events, max_bytes - len(head) - len(ical.FOOT), today, 60,
                                       lambda e: text(e.summary))
    # The same feed as written whole, from the blocks of the nearest events only (a chunk beyond what fits).
    assert ical.assemble(head, kept, found.blocks, max_bytes=max_bytes, today=today) == whole
    assert found.written == len(found.blocks) == len(kept) == len(found.new_rows)
    assert [e.uid for e in kept] == [e.uid for e in events if e in kept]  # in the events' own order
    if whole[1] < len(events):
        assert whole[1] < len(kept) <= whole[1] + 10
    else:
        assert len(kept) == len(events)


def test_awkward_feed_reads_the_same_in_three_parsers():
    # The events the parsers accept as they are (timed, in Beijing time, text with every kind of trouble).
    rng = random.Random(5)
    base = datetime(2026, 3, 1, 9, 0, tzinfo=LOCAL_TZ)
    events = [FeedEvent(uid=f"e{i}@trainer", summary=_text(rng, 40) or "x", start=base + timedelta(days=i),
                        end=base + timedelta(days=i, hours=2), last_modified=datetime(2026, 2, 1, tzinfo=UTC),
                        status=rng.choice(["CONFIRMED", "CANCELLED"]), location=_text(rng, 40),
                        description=_text(rng, 150), url=f"http://trainer.test/e/{i}", categories=("律师驻站",))
              for i in range(40)]
    body, count = ical.render_calendar(HEAD, events, 60, alarm_text=lambda e: "提醒：" + e.summary)
    assert count == 40
    parsers.strict_check(body)
    readings = [parsers.read_icalendar(body), parsers.read_vobject(body)]
    if parsers.icaljs_path() is not None:
        readings.append(parsers.read_icaljs(body))
    first = parsers.same_events(*readings)
    by_uid = {e.uid: e for e in events}
    for read in first:
        event = by_uid[read["uid"]]
        assert read["summary"] == ical.clean_text(event.summary)
        assert read["start"] == event.start.astimezone(UTC)
