"""A meeting series' recurrence rule (RFC 5545 RRULE) in words: ``FREQ=WEEKLY;INTERVAL=2;BYDAY=WE`` -> 每两周周三,
``FREQ=MONTHLY;BYDAY=2TU`` -> 每月第二个周二. A rule with parts these words do not cover keeps the rule after the
words, so nothing is hidden."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from trainer.core.i18n import format_weekday, lang

WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_ZH_NUMBERS = ["零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
_ZH_ORDINALS = ["", "一", "二", "三", "四", "五"]
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
KNOWN = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "COUNT", "WKST"}


def _every(interval: int, unit: str) -> str:
    """每两周 / every 2 weeks (unit: day, week, month, year)."""
    if lang() == "zh":
        count = "" if interval == 1 else (_ZH_NUMBERS[interval] if interval < len(_ZH_NUMBERS) else str(interval))
        measure = {"day": "天", "week": "周", "month": "个月" if interval > 1 else "月", "year": "年"}[unit]
        return f"每{count}{measure}"
    if interval == 1:
        return {"day": "every day", "week": "every week", "month": "every month", "year": "every year"}[unit]
    return f"every {interval} {unit}s"


def _ordinal(n: int) -> str:
    if lang() == "zh":
        if n == -1:
            return "最后一个"
        if n < 0:
            return f"倒数第{_ZH_ORDINALS[-n] if -n < len(_ZH_ORDINALS) else -n}个"
        return f"第{_ZH_ORDINALS[n] if n < len(_ZH_ORDINALS) else n}个"
    if n == -1:
        return "the last"
    names = {1: "the first", 2: "the second", 3: "the third", 4: "the fourth", 5: "the fifth"}
    return names.get(n, f"the {n}th") if n > 0 else f"the {-n}th from last"


def _days(text: str) -> str | None:
    parts = []
    for item in text.split(","):
        match = _BYDAY.match(item.strip().upper())
        if not match:
            return None
        day = format_weekday(WEEKDAYS[match.group(2)])
        parts.append(f"{_ordinal(int(match.group(1)))}{day}" if match.group(1) and lang() == "zh"
                     else f"{_ordinal(int(match.group(1)))} {day}" if match.group(1) else day)
    return "、".join(parts) if lang() == "zh" else ", ".join(parts)


def rule_words(rule: str | None) -> str:
    """The rule as a person says it (the page's language)."""
    if not rule:
        return ""
    parts = dict(p.split("=", 1) for p in str(rule).upper().split(";") if "=" in p)
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(parts.get("FREQ", ""))
    try:
        interval = int(parts.get("INTERVAL", "1"))
    except ValueError:
        return str(rule)
    if unit is None or interval < 1:
        return str(rule)
    words = [_every(interval, unit)]
    if "BYMONTH" in parts:
        months = [m for m in parts["BYMONTH"].split(",") if m.isdigit()]
        words.append("、".join(f"{int(m)}月" for m in months) if lang() == "zh"
                     else "in month " + ", ".join(months))
    if "BYDAY" in parts:
        days = _days(parts["BYDAY"])
        if days is None:
            return str(rule)
        words.append(days if lang() == "zh" else f"on {days}")
    if "BYMONTHDAY" in parts:
        numbers = [d for d in parts["BYMONTHDAY"].split(",") if d.lstrip("-").isdigit()]
        words.append("、".join(f"{d}日" if not d.startswith("-") else "最后一天" if d == "-1" else f"倒数第{d[1:]}天"
                              for d in numbers) if lang() == "zh" else "on day " + ", ".join(numbers))
    text = "".join(words) if lang() == "zh" else " ".join(words)
    if "COUNT" in parts and parts["COUNT"].isdigit():
        text += _(", %(n)s times in all", n=int(parts["COUNT"]))
    unknown = set(parts) - KNOWN
    if unknown:
        text += f"（{rule}）" if lang() == "zh" else f" ({rule})"
    return text
