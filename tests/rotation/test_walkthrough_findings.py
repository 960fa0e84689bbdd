"""What a walk through the demo as a coordinator and as a trainee found, checked as they would: a placement moves
only ahead and only before it begins, cases are logged on their day, the evaluation comes at the end, a trainee
added by mistake can be removed, and a form says what is wrong with a number or a date."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import errors_of, text_of
from tests.rotation.conftest import trainee_client
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.rotation.logs.operations import save_evaluation
from trainer.rotation.models import CaseLog, Trainee

SPRING = date(2026, 3, 2)  # the tests' programme is planned from here on
SCORES = dict.fromkeys(["law_policy", "procedure", "communication", "drafting", "independent_handling"], 4)


def _move(client, placement, start: str):
    response = client.post(f"/rotation/placements/{placement.id}/move", data={"start": start})
    return response.status_code, response.get_data(as_text=True)


def test_a_placement_moves_only_ahead_and_only_before_it_begins(planned, login_as, clock):
    py, _mentors, trainees, _ = planned
    placement = trainees[0].placement
    first = placement.active_days[0].day
    clock.set("09:00", date(2026, 2, 27))  # a Friday before the programme begins
    coordinator = login_as("coordinator", "chaoyang")
    page = text_of(coordinator.get(f"/rotation/trainees/{trainees[0].id}").get_data(as_text=True))
    assert "尚未开始" in page and "第0天" not in page

    status, html = _move(coordinator, placement, "2026-02-26")
    assert status == 422 and errors_of(html) == ["2026年2月26日 周四 已经过去，请选择今天或以后的日期。"]
    assert 'value="2026-02-26"' in html  # what was typed stays, beside its message
    status, html = _move(coordinator, placement, "2030-03-04")
    assert status == 422 and errors_of(html) == ["2030年3月4日 周一 太远了，最远可以安排到2028年2月28日 周一。"]
    db.session.expire_all()
    assert trainees[0].placement.active_days[0].day == first

    # On its second day the placement has begun: its first day (and what was logged there) stays
    clock.set("09:00", placement.active_days[1].day)
    coordinator = login_as("coordinator", "chaoyang")  # a new day, a new login
    status, html = _move(coordinator, placement, "2026-12-01")
    assert status == 422 and errors_of(html) == [
        f"跟班已于{first.year}年{first.month}月{first.day}日 {'一二三四五六日'[first.weekday()].join(['周', ''])}"
        f"开始，不能再整体调整。"]


def test_cases_are_logged_on_their_day_or_later(app, planned, make_user, clock):
    _py, _mentors, trainees, _ = planned
    me = trainees[0]
    today, later = me.placement.active_days[0], me.placement.active_days[2]
    clock.set("10:00", today.day)
    client = trainee_client(app, make_user, me, "trainee.early")
    data = {"case_ref": "朝调字〔2026〕77号", "category": "劳动报酬", "role": "observed",
            "accepted_on": today.day.isoformat()}
    response = client.post(f"/rotation/days/{later.id}", data=data)
    html = response.get_data(as_text=True)
    day = later.day
    assert response.status_code == 422 and errors_of(html) == [
        f"{day.year}年{day.month}月{day.day}日 周{'一二三四五六日'[day.weekday()]}的案件请在当天或之后记录。"]
    assert db.session.scalar(select(CaseLog)) is None
    assert client.post(f"/rotation/days/{today.id}", data=data).status_code == 302
    assert db.session.scalar(select(CaseLog)).placement_day_id == today.id


def test_the_mentor_evaluates_on_the_last_day_or_later(planned, clock):
    _py, _mentors, trainees, _ = planned
    me = trainees[0]
    days = me.placement.active_days
    clock.set("10:00", days[-2].day)
    with pytest.raises(InvalidInput) as refused:
        save_evaluation(me, scores=SCORES, passed=True)
    last = days[-1].day
    assert refused.value.fields == {"trainee": f"跟班于{last.year}年{last.month}月{last.day}日 "
                                               f"周{'一二三四五六日'[last.weekday()]}结束；导师在最后一天或之后评价。"}
    clock.set("16:00", last)
    assert save_evaluation(me, scores=SCORES, passed=True).passed


def test_a_trainee_added_by_mistake_is_removed_from_their_page(programme, login_as):
    _py, _mentors, trainees = programme
    mistaken = trainees[7]
    coordinator = login_as("coordinator", "chaoyang")
    html = coordinator.get(f"/rotation/trainees/{mistaken.id}").get_data(as_text=True)
    assert f"/rotation/trainees/{mistaken.id}/delete" in html and f"data-confirm=\"从本年度移除{mistaken.name}" in html
    response = coordinator.post(f"/rotation/trainees/{mistaken.id}/delete", follow_redirects=True)
    assert "学员已删除。" in text_of(response.get_data(as_text=True))
    assert db.session.get(Trainee, mistaken.id) is None


def test_a_form_says_what_is_wrong_with_a_number_or_a_date(app, planned, login_as, make_user, clock):
    py, _mentors, trainees, _ = planned
    coordinator = login_as("coordinator", "chaoyang")
    form = {"year": "2026", "trainee_target": "0", "centre_name": py.centre_name, "capacity": "2",
            "placement_length": "0", "mentor_max_trainees": "2", "version": py.version}
    html = coordinator.post(f"/rotation/years/{py.id}/edit", data=form).get_data(as_text=True)
    # 0 trainees is a value within its range (no "required"); a 0-day placement is out of range, and says so
    assert errors_of(html) == ["数值大小必须介于 2 到 30 之间。"]
    me = trainees[0]
    day = me.placement.active_days[0]
    clock.set("10:00", day.day)
    client = trainee_client(app, make_user, me, "trainee.date")
    html = client.post(f"/rotation/days/{day.id}", data={
        "case_ref": "朝调字〔2026〕78号", "category": "劳动报酬", "role": "observed", "accepted_on": "2026-02-30"}
    ).get_data(as_text=True)
    assert errors_of(html) == ["不是有效的日期值。"] and 'value="2026-02-30"' in html
