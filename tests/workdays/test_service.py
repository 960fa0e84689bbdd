"""The facts a coordinator checks against the State Council notice for 2026, and the 2027 refusal."""

from datetime import date

import holidays
import pytest

from trainer import workdays
from trainer.workdays import YearNotAnnounced


def test_2026_facts_from_the_library():
    assert workdays.year_status(2026) == "official"
    assert workdays.is_working_day(date(2026, 10, 10))  # a Saturday, 调休上班
    for saturday_or_sunday in (date(2026, 2, 14), date(2026, 2, 28), date(2026, 1, 4), date(2026, 9, 20)):
        assert workdays.is_working_day(saturday_or_sunday)
    assert not workdays.is_working_day(date(2026, 10, 1))
    assert workdays.holiday_name(date(2026, 10, 1)) == "国庆节"
    assert workdays.holiday_name(date(2026, 10, 1), language="en") == "National Day"
    assert workdays.holiday_name(date(2026, 10, 10)) is None
    assert len(workdays.working_days_between(date(2026, 1, 1), date(2026, 12, 31))) == 248
    assert workdays.nth_working_day_after(date(2026, 9, 28), 15) == date(2026, 10, 23)
    assert workdays.nth_working_day_after(date(2026, 10, 23), -15) == date(2026, 9, 28)


def test_2027_is_not_announced_and_says_so():
    assert workdays.year_status(2027) == "not_announced"
    with pytest.raises(YearNotAnnounced) as caught:
        workdays.is_working_day(date(2027, 3, 1))
    assert caught.value.year == 2027
    assert "2027年的法定节假日安排尚未公布" in str(caught.value)
    assert "The official holiday calendar for 2027 has not been announced" in str(caught.value)
    # A range that reaches into 2027 refuses too, rather than stopping at the end of 2026.
    with pytest.raises(YearNotAnnounced):
        workdays.working_days_between(date(2026, 12, 1), date(2027, 1, 31))
    with pytest.raises(YearNotAnnounced):
        workdays.nth_working_day_after(date(2026, 12, 30), 5)


def test_provisional_calendar_only_when_asked():
    assert workdays.is_provisional_year(2027)
    assert not workdays.is_provisional_year(2026)
    assert workdays.is_working_day(date(2027, 3, 1), allow_provisional=True)  # a Monday
    assert not workdays.is_working_day(date(2027, 10, 4), allow_provisional=True)  # Monday in the 1-7 Oct week
    assert not workdays.is_working_day(date(2027, 1, 1), allow_provisional=True)
    assert workdays.holiday_name(date(2027, 10, 1), allow_provisional=True) == "国庆节"
    days = workdays.working_days_between(date(2026, 12, 30), date(2027, 1, 5), allow_provisional=True)
    assert days == [date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 4), date(2027, 1, 5)]
    assert workdays.is_provisional_range(date(2026, 12, 30), date(2027, 1, 5))


def test_library_year_is_stored_once_as_official():
    from sqlalchemy import func, select

    from trainer.core.extensions import db
    from trainer.workdays.models import CalendarEntry, CalendarYear

    workdays.is_working_day(date(2025, 5, 6))
    row = db.session.scalar(select(CalendarYear).where(CalendarYear.year == 2025))
    assert row.status == "official" and row.source == "library"
    count = db.session.scalar(select(func.count()).select_from(CalendarEntry).where(CalendarEntry.year_id == row.id))
    assert count > 20
    assert workdays.day_info(date(2025, 10, 11)).kind == "makeup_workday"  # Saturday, 调休上班


def test_the_provisional_calendar_knows_the_lunar_festivals(login_as):
    """2027 is not announced: its Spring Festival, Qingming, Dragon Boat and Mid-Autumn days are the computed
    ones (the holidays package), shown as estimated; the make-up days stay unknown."""
    computed = dict(holidays.China(years=2027, language="en_US").items())
    spring = sorted(d for d, n in computed.items() if "Chinese New Year" in n)
    assert spring[0] == date(2027, 2, 5) and date(2027, 2, 10) in spring  # 除夕 … the days the break covers
    for day in spring + [date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15)]:
        assert not workdays.is_working_day(day, allow_provisional=True), day
    assert workdays.holiday_name(date(2027, 2, 9), allow_provisional=True) == "春节"
    assert workdays.holiday_name(date(2027, 6, 9), allow_provisional=True) == "端午节"
    assert workdays.holiday_name(date(2027, 9, 15), allow_provisional=True) == "中秋节"
    info = workdays.day_info(date(2027, 4, 5), allow_provisional=True)
    assert info.estimated and info.name == "清明节" and info.status == "not_announced"
    assert workdays.is_working_day(date(2027, 2, 11), allow_provisional=True)  # the break's length is unknown
    assert not workdays.is_working_day(date(2027, 2, 20), allow_provisional=True)  # make-up days: unknown
    assert not workdays.day_info(date(2026, 10, 1)).estimated  # an announced year is never estimated

    page = login_as("coordinator", "chaoyang").get("/workdays/2027").get_data(as_text=True)
    assert "春节" in page and "中秋节" in page and "（估计）" in page and "推算的节日日期" in page
    answer = login_as("coordinator", "chaoyang").get("/api/v1/workdays/years/2027")
    assert answer.status_code == 401  # the API takes a token, not a page session
