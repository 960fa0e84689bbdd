"""The fast feed writer gives exactly the bytes of the plain, line-by-line rules (the writer before it was made
fast, kept here as the reference), for ordinary and awkward events; and what it writes reads right."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tests.calendars import parsers
from trainer.calendars import ical
from trainer.calendars.events import FeedEvent
from trainer.core.clock import LOCAL_TZ


# --- the reference: RFC 5545 written one content line at a time, with the module's plain helpers -------------
def reference_event(event: FeedEvent, alarm_minutes: int | None = None, alarm_text: str = "") -> str:
    strip, esc = ical._strip_controls, ical.escape_text
    changed = ical.utc_stamp(event.last_modified)
    lines = ["BEGIN:VEVENT", f"UID:{esc(event.uid)}", f"DTSTAMP:{changed}"]
    if ical.is_all_day(event):
        lines.append(f"DTSTART;VALUE=DATE:{ical.date_stamp(event.start)}")
        lines.append(f"DTEND;VALUE=DATE:{ical.date_stamp(ical.all_day_end(event))}")
    else:
        end = event.end if isinstance(event.end, datetime) and event.end > event.start else event.start
        lines.append(f"DTSTART;TZID={ical.TZID}:{ical.local_stamp(event.start)}")
        lines.append(f"DTEND;TZID={ical.TZID}:{ical.local_stamp(end)}")
    lines.append(f"LAST-MODIFIED:{changed}")
    lines.append(f"SEQUENCE:{max(int(event.sequence), 0)}")
    status = event.status.upper() if event.status else "CONFIRMED"
    if status not in ("CONFIRMED", "TENTATIVE", "CANCELLED"):
        status = "CONFIRMED"
    lines.append(f"STATUS:{status}")
    lines.append(f"SUMMARY:{esc(strip(event.summary))}")
    if event.location:
        lines.append(f"LOCATION:{esc(strip(event.location))}")
    description = strip(event.description or "")
    if event.url:
        description = f"{description}\n\n{event.url}" if description else event.url
        lines.append(f"URL;VALUE=URI:{strip(event.url).replace(' ', '%20')}")
    if description:
        lines.append(f"DESCRIPTION:{esc(description)}")
    if event.categories:
        lines.append("CATEGORIES:" + ",".join(esc(strip(c)) for c in event.categories))
    if status == "CANCELLED":
        lines.append("TRANSP:TRANSPARENT")
    elif alarm_minutes and (not ical.is_all_day(event) or alarm_minutes >= 1440):
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{esc(alarm_text or event.summary)}",
                  f"TRIGGER:-{ical.duration(alarm_minutes)}", "END:VALARM"]
    lines.append("END:VEVENT")
    return ical.fold_lines(lines)


def reference_calendar(head, events, alarm_minutes=None, max_bytes=1_000_000, today=None, alarm_text=None):
    head_bytes = ical.render_calendar_head(head).encode("utf-8")
    foot_bytes = ical.FOOT.encode("utf-8")
    chunks = [(e, reference_event(e, alarm_minutes, alarm_text(e) if alarm_text else "").encode("utf-8"))
              for e in events]
    total = len(head_bytes) + len(foot_bytes) + sum(len(c) for _, c in chunks)
    if total > max_bytes:
        anchor = today or date.today()

        def distance(item):
            start = item[0].start
            day = start.date() if isinstance(start, datetime) else start
            return abs((day - anchor).days)

        kept, size = [], len(head_bytes) + len(foot_bytes)
        for item in sorted(chunks, key=distance):
            if size + len(item[1]) > max_bytes:
                break
            kept.append(item)
            size += len(item[1])
        keep = {id(item) for item in kept}
        chunks = [item for item in chunks if id(item) in keep]
    return b"".join([head_bytes, *(c for _, c in chunks), foot_bytes]), len(chunks)


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


HEAD = ical.CalendarHead(name="王律师的日程 · 法律服务", description="北京市总工会，每小时更新；时间为北京时间")


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("alarm", [None, 15, 60, 1440])
def test_fast_writer_gives_the_reference_bytes(seed, alarm):
    events = random_events(seed)
    alarm_text = (lambda e: f"提醒：{e.summary}") if seed % 2 else None
    expected = reference_calendar(HEAD, events, alarm, alarm_text=alarm_text)
    assert ical.render_calendar(HEAD, events, alarm, alarm_text=alarm_text) == expected
    for event in events[:50]:
        assert ical.render_event(event, alarm, "提醒") == reference_event(event, alarm, "提醒")


@pytest.mark.parametrize("max_bytes", [3_000, 20_000, 60_000])
def test_trimming_a_feed_too_big_is_unchanged(max_bytes):
    events = random_events(99, 120)
    today = date(2026, 4, 1)
    got = ical.render_calendar(HEAD, iter(events), 60, max_bytes=max_bytes, today=today)
    assert got == reference_calendar(HEAD, events, 60, max_bytes=max_bytes, today=today)
    assert len(got[0]) <= max_bytes and 0 < got[1] < len(events)


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
        assert read["summary"] == ical._strip_controls(event.summary).replace("\r\n", "\n").replace("\r", "\n")
        assert read["start"] == event.start.astimezone(UTC)
