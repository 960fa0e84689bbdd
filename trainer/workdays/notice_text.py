"""The State Council's notice as published (国务院办公厅关于2026年部分节假日安排的通知), pasted as text: read into
holiday ranges and make-up working days, which the admin checks before anything is saved. What is read goes on
as the entry form's lines (``notice.format_holiday_lines``) and is saved through the same change path.

The notice numbers its festivals, one paragraph each:

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、
        2月28日（周六）上班。

A sentence with 放假 gives the holiday (one day, or first 至 last; the last day may leave out its month, or name
another year: 2024年12月30日至2025年1月1日); a sentence ending in 上班 gives the make-up days. Weekday and lunar
notes in brackets are left aside; anything around the paragraphs (the addressees, the closing) is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from trainer.core.validation import InvalidInput
from trainer.workdays.notice import HolidayRange, MakeupDay, holiday_names

MAX_NOTICE_TEXT = 20_000
_TITLE_YEAR = re.compile(r"关于\s*(\d{4})\s*年.{0,12}节假日|现将\s*(\d{4})\s*年")
_ITEM = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．]\s*([^：:]{1,12})[：:]\s*(.+)$")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_DAY = re.compile(r"(?:(\d{4})\s*年)?\s*(?:(\d{1,2})\s*月)?\s*(\d{1,2})\s*日")


@dataclass
class ReadNotice:
    year: int
    title: str
    holidays: list[HolidayRange] = field(default_factory=list)
    makeups: list[MakeupDay] = field(default_factory=list)


def _days(sentence: str, year: int, errors: list[str], item: str) -> list[date]:
    """Every date of a sentence; a date without its month takes the month before it, without its year the year
    before it (the notice's own year at first)."""
    found, month = [], None
    for match in _DAY.finditer(sentence):
        if match.group(1):
            year = int(match.group(1))
        if match.group(2):
            month = int(match.group(2))
        if month is None:
            errors.append(_("%(item)s: a date without its month.", item=item))
            return []
        day = int(match.group(3))
        if found and not match.group(2) and day < found[-1].day:  # 12月31日至1日 reads as the next month
            month, year = (1, year + 1) if month == 12 else (month + 1, year)
        try:
            found.append(date(year, month, day))
        except ValueError:
            errors.append(_("%(item)s: %(value)s is not a valid date.", item=item, value=match.group(0).strip()))
            return []
    return found


def read_notice_text(text: str) -> ReadNotice:
    """The holidays and make-up days of a pasted notice, or InvalidInput naming what could not be read."""
    text = (text or "").replace("\u3000", " ")
    if not text.strip():
        raise InvalidInput({"text": _("Paste the text of the notice.")})
    if len(text) > MAX_NOTICE_TEXT:
        raise InvalidInput({"text": _("That is longer than a notice (at most %(n)s characters).", n=MAX_NOTICE_TEXT)})
    year_match = _TITLE_YEAR.search(text)
    if year_match is None:
        raise InvalidInput({"text": _("The year of the notice was not found: paste it with its first sentence "
                                      "(现将2027年元旦、春节…的具体安排通知如下).")})
    year = int(year_match.group(1) or year_match.group(2))
    title = next((line.strip() for line in text.splitlines() if "节假日安排的通知" in line), "")
    title = re.sub(r"^.*?(国务院办公厅关于)", r"\1", title)
    title = title[:title.index("通知") + 2] if "通知" in title else f"国务院办公厅关于{year}年部分节假日安排的通知"
    read = ReadNotice(year=year, title=title)
    errors: list[str] = []
    for line in text.splitlines():
        item = _ITEM.match(line)
        if item is None:
            continue
        name, body = item.group(1).strip(), _BRACKETS.sub("", item.group(2))
        zh, en, key = holiday_names(name)
        holiday = False
        for sentence in re.split(r"[。；;]", body):
            if "放假" in sentence and not holiday:
                days = _days(sentence.split("放假")[0], year, errors, name)
                if days:
                    holiday = True
                    read.holidays.append(HolidayRange(name=zh, name_en=en, festival=key, start=days[0],
                                                      end=days[-1]))
            elif re.search(r"(上班|补班)\s*$", sentence.strip()):
                read.makeups.extend(MakeupDay(day=d, name=zh, name_en=en, festival=key)
                                    for d in _days(sentence, year, errors, name))
        if not holiday and not errors:
            errors.append(_("%(item)s: no holiday dates found (…月…日至…日放假).", item=name))
    if not read.holidays and not errors:
        errors.append(_("No festival paragraphs found (一、元旦：1月1日…放假…). Paste the whole notice."))
    if errors:
        raise InvalidInput({"text": " ".join(errors)})
    return read
