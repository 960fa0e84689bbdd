"""Independent readers of a feed: a strict check of the raw bytes, icalendar, vobject and ical.js.

ical.js is Mozilla's parser, the one Thunderbird uses. It is an npm package; the tests look for it in
``$TRAINER_ICALJS`` or ``.venv/ical/node_modules/ical.js`` (``npm install --prefix .venv/ical ical.js@2``) and
skip that reader when node or the package is missing. vobject is a PyPI package (skipped when missing).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def strict_check(body: bytes) -> list[str]:
    """What RFC 5545 section 3.1 and 3.6 demand of the raw bytes; returns the physical lines (unfolded)."""
    text = body.decode("utf-8")  # must be UTF-8
    assert text.startswith("BEGIN:VCALENDAR\r\n"), text[:40]
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", ""), "bare LF"
    assert "\r" not in text.replace("\r\n", ""), "bare CR"
    physical = text.split("\r\n")[:-1]
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, f"line longer than 75 octets: {line!r}"
    logical: list[str] = []
    for line in physical:
        if line.startswith((" ", "\t")):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    names = [re.split(r"[;:]", line, maxsplit=1)[0] for line in logical]
    assert names.count("VERSION") == 1 and "VERSION:2.0" in logical
    assert names.count("PRODID") == 1
    assert logical.count("BEGIN:VTIMEZONE") == 1
    tz_block = logical[logical.index("BEGIN:VTIMEZONE"):logical.index("END:VTIMEZONE")]
    assert not any(line.startswith("COMMENT") for line in tz_block)
    depth = 0
    event: list[str] = []
    for line in logical:
        if line == "BEGIN:VEVENT":
            depth, event = depth + 1, []
        elif line == "END:VEVENT":
            props = {re.split(r"[;:]", item, maxsplit=1)[0] for item in event}
            assert {"UID", "DTSTAMP", "DTSTART"} <= props, props
            for single in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "STATUS", "SUMMARY"):
                assert sum(1 for item in event if re.split(r"[;:]", item, maxsplit=1)[0] == single) <= 1
            depth -= 1
        elif depth:
            event.append(line)
    return logical


def _utc(value) -> datetime | date:
    if isinstance(value, datetime):
        assert value.tzinfo is not None, "a timed event without a time zone"
        return value.astimezone(UTC)
    return value


def read_icalendar(body: bytes) -> list[dict]:
    import icalendar

    calendar = icalendar.Calendar.from_ical(body)
    assert not getattr(calendar, "errors", None), calendar.errors
    events = []
    for component in calendar.walk("VEVENT"):
        assert not component.errors, component.errors
        events.append({
            "uid": str(component["UID"]), "summary": str(component["SUMMARY"]),
            "start": _utc(component.decoded("DTSTART")), "end": _utc(component.decoded("DTEND")),
            "sequence": int(component.get("SEQUENCE", 0)), "status": str(component.get("STATUS", "")),
            "location": str(component.get("LOCATION", "")), "description": str(component.get("DESCRIPTION", "")),
            "alarms": [str(a.get("TRIGGER").to_ical().decode()) for a in component.walk("VALARM")],
        })
    return events


def read_vobject(body: bytes) -> list[dict]:
    vobject = pytest.importorskip("vobject")
    calendar = vobject.readOne(body.decode("utf-8"), validate=True)
    events = []
    for event in getattr(calendar, "vevent_list", []):
        events.append({
            "uid": event.uid.value, "summary": event.summary.value,
            "start": _utc(event.dtstart.value), "end": _utc(event.dtend.value),
            "sequence": int(event.sequence.value) if hasattr(event, "sequence") else 0,
            "status": event.status.value if hasattr(event, "status") else "",
            "location": event.location.value if hasattr(event, "location") else "",
            "description": event.description.value if hasattr(event, "description") else "",
        })
    return events


ICALJS_SCRIPT = r"""
const ICAL = require(process.argv[1]);
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (c) => { input += c; });
process.stdin.on('end', () => {
  const root = new ICAL.Component(ICAL.parse(input));
  for (const tz of root.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(new ICAL.Timezone(tz));
  }
  const out = {name: root.getFirstPropertyValue('x-wr-calname'), events: []};
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const ev = new ICAL.Event(vevent);
    out.events.push({
      uid: ev.uid, summary: ev.summary, location: ev.location || '', description: ev.description || '',
      sequence: ev.sequence || 0, status: vevent.getFirstPropertyValue('status') || '',
      allDay: ev.startDate.isDate,
      start: ev.startDate.isDate ? ev.startDate.toString() : ev.startDate.toUnixTime(),
      end: ev.endDate.isDate ? ev.endDate.toString() : ev.endDate.toUnixTime(),
      tzid: ev.startDate.isDate ? null : (ev.startDate.zone ? ev.startDate.zone.tzid : ev.startDate.timezone),
    });
  }
  process.stdout.write(JSON.stringify(out));
});
"""


def icaljs_path() -> Path | None:
    candidates = [os.environ.get("TRAINER_ICALJS"), ROOT / ".venv/ical/node_modules/ical.js"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "dist/ical.es5.cjs").exists():
            return Path(candidate) / "dist/ical.es5.cjs"
    return None


def read_icaljs(body: bytes) -> list[dict]:
    node = shutil.which("node")
    library = icaljs_path()
    if node is None or library is None:
        pytest.skip("node or ical.js missing (npm install --prefix .venv/ical ical.js@2)")
    result = subprocess.run([node, "-e", ICALJS_SCRIPT, str(library)], input=body, capture_output=True,
                            timeout=30, check=False)
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    events = []
    for item in data["events"]:
        if item["allDay"]:
            start = date.fromisoformat(item["start"])
            end = date.fromisoformat(item["end"])
        else:
            assert item["tzid"] == "Asia/Shanghai", item
            start = datetime.fromtimestamp(item["start"], UTC)
            end = datetime.fromtimestamp(item["end"], UTC)
        events.append({**item, "start": start, "end": end})
    return events


def same_events(*readings: list[dict], keys=("uid", "summary", "start", "end", "sequence", "status", "location",
                                              "description")) -> list[dict]:
    """All readers saw the same events with the same fields; returns the first reading."""
    first = sorted(readings[0], key=lambda e: e["uid"])
    for other in readings[1:]:
        other = sorted(other, key=lambda e: e["uid"])
        assert [tuple(e[k] for k in keys) for e in other] == [tuple(e[k] for k in keys) for e in first]
    return first
