"""The meeting expansion treats the people's other commitments as busy: a lawyer who also instructs has a station
visit at the time a series' rule gives; the meeting goes to the next working day on which he is free, and says why."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.agenda.conftest import TODAY, visits_of
from tests.conftest import SOLVER_TIME_S
from trainer.agenda import clashes_of
from trainer.core.extensions import db
from trainer.instructors.hierarchy.operations import save_instructor
from trainer.instructors.meetings.operations import expand_series, moved_reason, save_series
from trainer.instructors.models import Meeting
from trainer.visits.plan import planner
from trainer.workdays import next_working_day


def test_a_series_meeting_moves_off_the_organisers_visit(app, world):
    planner.plan_range(world.district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    city = save_instructor(None, tier="city_full", district_id=None, name="市总指导员", background="expert")
    person = save_instructor(None, tier="district_full", district_id=world.district.id, name=world.lawyer.name,
                             background="lawyer", guide=city, user_id=world.user.id)
    db.session.commit()
    visit = visits_of(world.lawyer)[0]
    start, end = visit.station.hours_of(visit.half)
    with app.test_request_context("/"):
        series = save_series(None, organiser=person, pair="district_part", district_id=world.district.id,
                             title="联系组例会", rrule=f"FREQ=MONTHLY;BYMONTHDAY={visit.day.day}",
                             starts_on=date(2026, 12, 1), until=date(2026, 12, 31), start_time=start, end_time=end)
        expand_series(series, date(2026, 12, 31))
        db.session.commit()
        [meeting] = db.session.scalars(select(Meeting).where(Meeting.series_id == series.id)).all()
        assert meeting.original_day == visit.day and meeting.day >= next_working_day(visit.day)
        assert meeting.moved_because == "busy" and clashes_of(meeting) == []
        assert "因参会人员另有安排" in moved_reason(meeting)
