"""A meeting series that stopped before a year whose holidays were not announced follows the confirmed notice at
once: its status changes and that year's meetings are placed when the admin confirms, not at the night job."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.instructors.conftest import settle, text_of
from trainer.core.extensions import db
from trainer.instructors.meetings.operations import save_and_place
from trainer.instructors.models import Meeting, MeetingSeries
from trainer.workdays import operations as workdays

NOTICE_2027 = {"year": 2027, "holidays": [
    {"name": "元旦", "start": "2027-01-01", "end": "2027-01-03"},
    {"name": "春节", "start": "2027-02-06", "end": "2027-02-14"},
    {"name": "国庆节", "start": "2027-10-01", "end": "2027-10-07"}], "makeup_workdays": ["2027-02-20"]}


def test_series_status_follows_a_confirmed_year_at_once(tree, login_as):
    series, expansion = save_and_place(
        None, place_until=date(2027, 3, 31), organiser=tree.zhao, pair="district_part", district_id=tree.cy,
        title="月度指导例会", rrule="FREQ=MONTHLY;BYDAY=2TU", starts_on=date(2026, 11, 1), until=None,
        start_time="09:30", end_time="11:30", location="区总工会会议室")
    settle()
    assert expansion.stopped_year == 2027
    client = login_as("coordinator", "chaoyang")
    assert "停在2027年之前（尚未公布）" in text_of(client.get("/instructors/series").get_data(as_text=True))

    workdays.import_notice(NOTICE_2027, confirm=True)  # the admin confirms the 2027 notice
    settle()
    page = text_of(client.get("/instructors/series").get_data(as_text=True))
    assert "停在2027年之前" not in page
    db.session.expire_all()
    assert db.session.get(MeetingSeries, series.id).blocked_year is None
    days = db.session.scalars(select(Meeting.day).where(Meeting.series_id == series.id).order_by(Meeting.day)).all()
    assert date(2027, 1, 12) in days and date(2027, 3, 9) in days  # the second Tuesdays of 2027, placed already
