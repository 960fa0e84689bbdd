"""Helpers for the working-day tests: a fake area that has planned things, registered for the test only."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from trainer.workdays import conflicts as conflicts_module
from trainer.workdays.conflicts import Person, PlannedItem

# A notice shaped like the State Council's (the real 2027 notice is not out yet): the dates are the test's own.
NOTICE_2027 = {
    "year": 2027,
    "source": "国务院办公厅关于2027年部分节假日安排的通知（测试用）",
    "holidays": [
        {"name": "元旦", "name_en": "New Year's Day", "start": "2027-01-01", "end": "2027-01-03"},
        {"name": "春节", "start": "2027-02-06", "end": "2027-02-14"},
        {"name": "清明节", "start": "2027-04-03", "end": "2027-04-05"},
        {"name": "劳动节", "start": "2027-05-01", "end": "2027-05-05"},
        {"name": "端午节", "start": "2027-06-09", "end": "2027-06-11"},
        {"name": "中秋节", "start": "2027-09-15", "end": "2027-09-17"},
        {"name": "国庆节", "start": "2027-10-01", "end": "2027-10-07"},
    ],
    "makeup_workdays": ["2027-02-20", "2027-04-25", "2027-09-26", "2027-10-09"],
}


class FakeArea:
    """Stands in for a programme area: a few planned items, filtered like a real ``planned_items``; applying a
    proposal moves the item."""

    def __init__(self):
        self.items: list[PlannedItem] = []

    def add(self, item_id: int, day: date, district_id: int | None, label: str = "", provisional: bool = True):
        self.items.append(PlannedItem(kind="visit", id=item_id, day=day, label=label or f"走访 #{item_id}",
                                      district_id=district_id, url=f"/visits/{item_id}", provisional=provisional,
                                      start="09:00", end="12:00",
                                      people=(Person("lawyer", item_id, label.split(" · ")[-1]),)))

    def planned_items(self, district_id, first, last):
        return [dataclasses.replace(i) for i in self.items
                if first <= i.day <= last and (district_id is None or i.district_id == district_id)]

    def apply(self, moves):
        for old, new in moves:
            item = next(i for i in self.items if i.key == old.key)
            item.day = new.day
        return []

    def day_of(self, item_id: int) -> date:
        return next(i.day for i in self.items if i.id == item_id)


@pytest.fixture
def fake_area(monkeypatch):
    area = FakeArea()
    monkeypatch.setattr(conflicts_module, "_plugins", lambda: [area])
    return area
