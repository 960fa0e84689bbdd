"""A lawyer who mentors at the mediation centre cannot be put on telephone duty, or on a station visit, while
mentoring — whichever is planned first, by the planners and by hand (the refusal names both items)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, select

from tests.agenda.conftest import (
    CENTRE,
    TODAY,
    add_other_mentor,
    api_headers,
    day_shifts_of,
    duty_period,
    mentoring_days,
    visits_of,
)
from tests.conftest import SOLVER_TIME_S
from trainer.agenda import agenda_of, clashes_of, person_of
from trainer.agenda.clashes import busy_of
from trainer.core.extensions import db
from trainer.org.models import Station
from trainer.rotation.mentors.operations import add_unavailable
from trainer.rotation.models import PlacementDay
from trainer.rotation.placements.operations import plan_year, write_placement
from trainer.rotation.trainees.operations import save_trainee
from trainer.visits.duty import operations as duty
from trainer.visits.models import DutyShift, Visit
from trainer.visits.plan import planner


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_same_person_across_programmes(world):
    person = person_of("mentor", world.mentor.id)
    assert person.lawyer_ids == {world.lawyer.id} and person.user_ids == {world.user.id}
    assert person_of("user", world.user.id) == person == person_of("lawyer", world.lawyer.id)


def test_mentoring_first_then_duty_and_visits_keep_off_it(world, login_as):
    plan_year(world.py, not_before=date(2026, 12, 1), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    mentoring = mentoring_days(world.mentor)
    assert len(mentoring) == 10  # the only mentor: every day of the placement
    first = min(mentoring)

    # The duty roster, planned second, puts the lawyer on no shift that overlaps 09:00-17:00 of a mentoring day.
    period = duty_period(world, first, first + timedelta(days=4))
    duty.plan_period(period, time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    assert [s for s in day_shifts_of(world.lawyer) if s.day in mentoring] == []
    assert all(clashes_of(row) == [] for row in db.session.scalars(select(DutyShift).where(
        DutyShift.status == "planned")))

    # The visit planner, run third, keeps the lawyer's visits off the mentoring days.
    planner.plan_range(world.district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    mine = visits_of(world.lawyer)
    assert mine and [v for v in mine if v.day in mentoring] == []

    # By hand: the lawyer on the 08:00-16:00 shift of a mentoring day is refused, both items named.
    coordinator = login_as("coordinator", "chaoyang")
    on_it = db.session.scalar(select(DutyShift).where(DutyShift.period_id == period.id, DutyShift.day == first,
                                                      DutyShift.shift_code == "08-16",
                                                      DutyShift.status == "planned"))
    response = coordinator.post(f"/visits/duty/{period.id}/change?day={first}&shift=08-16", data={
        "remove_lawyer_id": on_it.lawyer_id, "lawyer_id": world.lawyer.id, "version": period.version})
    page = _text(response)
    assert response.status_code == 422
    assert "无法同时出现在两处" in page and "电话值班：特别时期电话值班" in page and "08:00–16:00" in page
    assert f"在{CENTRE}带教李晓红" in page and "09:00–17:00" in page
    assert db.session.get(DutyShift, on_it.id).lawyer_id == on_it.lawyer_id  # nothing changed

    # By hand: moving one of the lawyer's visits onto a mentoring day is refused, both items named.
    visit = mine[0]
    target = sorted(mentoring)[-1]
    response = coordinator.post(f"/visits/v/{visit.id}", data={
        "action": "move", "move-day": target.isoformat(), "move-half": "am", "move-lawyer_id": world.lawyer.id,
        "move-version": visit.version}, follow_redirects=True)
    page = _text(response)
    assert f"{visit.station.name}驻站" in page and f"在{CENTRE}带教李晓红" in page and "时间重叠" in page
    db.session.expire_all()
    assert visits_of(world.lawyer)[0].day == visit.day


def test_duty_and_visits_first_then_mentoring_keeps_off_them(world, login_as, client):
    add_other_mentor(world)
    planner.plan_range(world.district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    period = duty_period(world, date(2026, 12, 1), date(2026, 12, 11))
    duty.plan_period(period, time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    busy = {v.day for v in visits_of(world.lawyer)} | {s.day for s in day_shifts_of(world.lawyer)}
    assert busy  # the lawyer has visits and day shifts in December
    # 周律师 can stand in only on the lawyer's busy days: the planner must use 王律师 on the others.
    for day in (date(2026, 12, 1) + timedelta(days=n) for n in range(31)):
        if day not in busy:
            add_unavailable(world.other_mentor, start=day, end=day, reason="出庭")
    db.session.commit()

    # The rotation planner, run last, gives mentor 王律师 (the same person) none of those days.
    outcome = plan_year(world.py, not_before=date(2026, 12, 1), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    assert outcome.placed == 1
    assert mentoring_days(world.mentor) and not mentoring_days(world.mentor) & busy
    assert mentoring_days(world.other_mentor) <= busy
    for day in db.session.scalars(select(PlacementDay).where(PlacementDay.status == "planned")):
        assert clashes_of(day) == []

    # By hand: making 王律师 the mentor of a day 周律师 has (a day the lawyer is busy) is refused, both named.
    target = db.session.scalars(select(PlacementDay).where(PlacementDay.status == "planned",
                                                           PlacementDay.mentor_id == world.other_mentor.id)
                                .order_by(PlacementDay.day)).first()
    visit = next((v for v in visits_of(world.lawyer) if v.day == target.day), None)
    other = f"{visit.station.name}驻站" if visit is not None else "电话值班：特别时期电话值班"
    coordinator = login_as("coordinator", "chaoyang")
    response = coordinator.post(f"/rotation/days/{target.id}/mentor", data={"mentor_id": world.mentor.id},
                                follow_redirects=True)
    page = _text(response)
    assert "王律师无法同时出现在两处" in page and f"在{CENTRE}带教李晓红" in page and other in page
    db.session.expire_all()
    assert db.session.get(PlacementDay, target.id).mentor_id == world.other_mentor.id

    # The same through the API: 422 with both items named.
    response = client.post(f"/api/v1/rotation/days/{target.id}/mentor", json={"mentor_id": world.mentor.id},
                           headers=api_headers(coordinator.user))
    assert response.status_code == 422
    assert other in response.json["error"]["fields"]["mentor_id"]


def _plan_december_everywhere(world) -> None:
    """December planned in every programme the lawyer is in: visits, a duty roster, mentoring days."""
    add_other_mentor(world)
    planner.plan_range(world.district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    period = duty_period(world, date(2026, 12, 1), date(2026, 12, 4))
    duty.plan_period(period, time_limit_s=SOLVER_TIME_S)
    plan_year(world.py, not_before=date(2026, 12, 1), time_limit_s=SOLVER_TIME_S)
    db.session.commit()


def test_agenda_of_lists_every_programme_in_time_order(world):
    _plan_december_everywhere(world)
    items = agenda_of(person_of("user", world.user.id), date(2026, 12, 1), date(2026, 12, 31))
    kinds = {item.kind for item in items}
    assert {"visit", "duty"} <= kinds
    assert [item.start for item in items] == sorted(item.start for item in items)
    assert all(not a.overlaps(b) for a, b in zip(items, items[1:], strict=False))


def test_a_planner_reads_the_other_programmes_only(world):
    # The visit planner places the visits itself: busy_of skips them without reading them (a city district's
    # year is 12,000 of them), and still sees the same person's duty shifts and mentoring days.
    _plan_december_everywhere(world)
    first, last = date(2026, 12, 1), date(2026, 12, 31)
    everything = busy_of("lawyer", [world.lawyer.id], first, last)[world.lawyer.id]
    assert {"visit", "duty"} <= {c.kind for c in everything}

    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        others = busy_of("lawyer", [world.lawyer.id], first, last, skip=("visit",))[world.lawyer.id]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert others == [c for c in everything if c.kind != "visit"] and others
    assert not [s for s in statements if "FROM visits" in s]
    with pytest.raises(ValueError, match="visits"):
        busy_of("lawyer", [world.lawyer.id], first, last, skip=("visits",))


def test_a_mentor_with_two_trainees_at_the_centre_is_one_commitment(world):
    # The mentor guides two trainees on the same days at the centre (mentor_max_trainees is 2): that is one
    # commitment of one person at one place, not a clash; a visit of the same person then still is one.
    second = save_trainee(None, py=world.py, union_id=world.trainee.union_id, name="赵敏")
    days = [(date(2026, 12, 1), world.mentor.id, "guided"), (date(2026, 12, 2), world.mentor.id, "guided")]
    write_placement(world.py, world.trainee, days, False)
    write_placement(world.py, second, days, False)
    db.session.commit()
    rows = db.session.scalars(select(PlacementDay).where(PlacementDay.mentor_id == world.mentor.id)).all()
    assert len(rows) == 4
    for row in rows:
        assert clashes_of(row) == [], [c.message() for c in clashes_of(row)]

    station = db.session.scalar(select(Station).where(Station.district_id == world.district.id).order_by(Station.id))
    visit = Visit(district_id=station.district_id, station_id=station.id, lawyer_id=world.lawyer.id,
                  firm_id=world.lawyer.firm_id, day=date(2026, 12, 1), half="am")
    with db.session.no_autoflush:
        named = sorted(c.other.what for c in clashes_of(visit))
    assert named == [f"在{CENTRE}带教李晓红", f"在{CENTRE}带教赵敏"]
