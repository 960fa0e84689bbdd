"""The trainee's daily reflection (每日心得): written by the trainee on the day or later, read by their mentor and
the district's coordinators, never by another trainee."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login
from trainer.audit.models import AuditEntry
from trainer.auth.models import Role
from trainer.core.extensions import db
from trainer.rotation.models import DayReflection, Mentor

TEXT = "今天旁听了一起欠薪纠纷调解，体会到先厘清工资构成再谈分期方案的重要性。明天想请教带教律师如何说明法律后果。"


def _client(app, make_user, role, *, username=None):
    user = make_user(role, "chaoyang", username=username)
    client = app.test_client()
    login(client, user)
    client.user = user
    return client


def test_trainee_writes_the_days_reflection_and_the_mentor_reads_it(app, planned, make_user, login_as,
                                                                     monkeypatch):
    py, mentors, trainees, _ = planned
    me, other = trainees[0], trainees[1]
    days = me.placement.active_days
    today = days[3].day
    monkeypatch.setattr("trainer.rotation.logs.views.today_local", lambda: today)
    monkeypatch.setattr("trainer.rotation.placements.views.today_local", lambda: today)
    trainee = _client(app, make_user, Role.TRAINEE, username="trainee.me")
    me.user_id = trainee.user.id
    db.session.commit()

    # The trainee's page offers the reflection for the days up to today, not for the days to come.
    mine = trainee.get("/rotation/mine").get_data(as_text=True)
    assert "每日心得" in mine and "写心得" in mine
    future = trainee.post(f"/rotation/days/{days[5].id}/reflection", data={"text": TEXT})
    assert future.status_code == 422 and "心得请在当天" in future.get_data(as_text=True)
    empty = trainee.post(f"/rotation/days/{days[3].id}/reflection", data={"text": "  "})
    assert empty.status_code == 422 and "请写下今天的收获。" in empty.get_data(as_text=True)

    saved = trainee.post(f"/rotation/days/{days[3].id}/reflection", data={"text": TEXT}, follow_redirects=True)
    html = saved.get_data(as_text=True)
    assert "每日心得已保存。" in html and TEXT in html
    assert db.session.scalar(select(DayReflection.text)) == TEXT
    assert "已填写" in trainee.get("/rotation/mine").get_data(as_text=True)
    # Rewriting it keeps one reflection per day.
    reflection = db.session.scalar(select(DayReflection))
    trainee.post(f"/rotation/days/{days[3].id}/reflection",
                 data={"text": TEXT + "补充：记录了时限表。", "version": reflection.version})
    assert db.session.scalar(select(DayReflection.text)).endswith("补充：记录了时限表。")
    assert len(db.session.scalars(select(DayReflection)).all()) == 1
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.entity_type == "DayReflection")) is not None

    # The day's mentor reads it (from their mentoring page), and cannot write it.
    mentor_user = make_user(Role.LAWYER, "chaoyang", username="mentor.zhou")
    mentor = db.session.get(Mentor, days[3].mentor_id)
    mentor.user_id = mentor_user.id
    db.session.commit()
    lawyer = app.test_client()
    login(lawyer, mentor_user)
    monkeypatch.setattr("trainer.rotation.mentors.views.today_local", lambda: today)
    mentoring = lawyer.get("/rotation/mentoring").get_data(as_text=True)
    assert "阅读心得" in mentoring
    day_page = lawyer.get(f"/rotation/days/{days[3].id}").get_data(as_text=True)
    assert "补充：记录了时限表。" in day_page and "保存心得" not in day_page
    assert lawyer.post(f"/rotation/days/{days[3].id}/reflection", data={"text": "x"}).status_code == 403

    # The coordinator reads it too; another trainee does not even find the day.
    coordinator = login_as("coordinator", "chaoyang")
    assert "补充：记录了时限表。" in coordinator.get(f"/rotation/days/{days[3].id}").get_data(as_text=True)
    assert "已填写" in coordinator.get(f"/rotation/trainees/{me.id}").get_data(as_text=True)
    stranger = _client(app, make_user, Role.TRAINEE, username="trainee.other")
    other.user_id = stranger.user.id
    db.session.commit()
    assert stranger.get(f"/rotation/days/{days[3].id}").status_code == 404
    assert stranger.post(f"/rotation/days/{days[3].id}/reflection", data={"text": "x"}).status_code == 404
    assert TEXT not in stranger.get("/rotation/mine").get_data(as_text=True)


def test_reflection_through_the_api(app, planned, make_user, monkeypatch):
    from trainer.auth.operations import create_api_token

    py, mentors, trainees, _ = planned
    me, other = trainees[0], trainees[1]
    days = me.placement.active_days
    monkeypatch.setattr("trainer.rotation.logs.api.today_local", lambda: days[3].day)
    trainee = make_user(Role.TRAINEE, "chaoyang", username="trainee.api")
    me.user_id = trainee.id
    stranger = make_user(Role.TRAINEE, "chaoyang", username="trainee.api2")
    other.user_id = stranger.id
    mine = {"Authorization": f"Bearer {create_api_token(trainee, 't')[1]}"}
    theirs = {"Authorization": f"Bearer {create_api_token(stranger, 't')[1]}"}
    db.session.commit()
    client = app.test_client()
    url = f"/api/v1/rotation/days/{days[3].id}/reflection"
    assert client.get(url, headers=mine).status_code == 404  # none written yet
    assert client.put(f"/api/v1/rotation/days/{days[5].id}/reflection", headers=mine,
                      json={"text": TEXT}).status_code == 422  # a day to come
    made = client.put(url, headers=mine, json={"text": TEXT})
    assert made.status_code == 200 and made.json["text"] == TEXT
    assert client.put(url, headers=mine, json={"text": "改写"}).status_code == 428
    changed = client.put(url, headers={**mine, "If-Match": made.headers["ETag"]}, json={"text": "改写"})
    assert changed.status_code == 200 and changed.json["text"] == "改写"
    assert client.get(url, headers=theirs).status_code == 404
    assert client.put(url, headers=theirs, json={"text": "x"}).status_code == 404
