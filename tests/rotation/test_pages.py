"""The rotation pages as coordinators, trainees and mentors use them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.conftest import login
from tests.rotation.conftest import trainee_client
from trainer.auth.models import Role
from trainer.core.extensions import db
from trainer.rotation.logs.operations import save_evaluation
from trainer.rotation.models import CaseLog, Certification


def test_year_page_shows_plan_and_timeline(planned, login_as):
    py, mentors, trainees, _ = planned
    client = login_as("coordinator", "chaoyang")
    html = client.get(f"/rotation/years/{py.id}").get_data(as_text=True)
    assert "朝阳区劳动人事争议仲裁院工会劳动争议调解中心" in html
    assert "春节" in html and "周律师" in html
    first = trainees[0].placement.active_days[0].day
    assert f"{first.year}年{first.month}月{first.day}日" in html
    assert 'class="table timeline"' in html


def test_coordinator_of_another_district_is_refused(planned, login_as):
    py, _m, trainees, _ = planned
    client = login_as("coordinator", "xicheng")
    assert client.get(f"/rotation/years/{py.id}").status_code == 403
    assert client.get(f"/rotation/trainees/{trainees[0].id}").status_code == 403
    assert client.post(f"/rotation/years/{py.id}/plan").status_code == 403


def test_trainee_lands_on_their_rotation_and_sees_only_their_own(app, planned, make_user):
    py, mentors, trainees, _ = planned
    me, other = trainees[0], trainees[1]
    client = trainee_client(app, make_user, me, "trainee.li")
    response = client.get("/", follow_redirects=False)
    assert response.headers["Location"].endswith("/rotation/mine")
    html = client.get("/rotation/mine").get_data(as_text=True)
    days = me.placement.active_days
    assert me.name in html and py.centre_name in html
    assert f"{days[9].day.month}月{days[9].day.day}日" in html
    assert days[0].mentor.name in html
    assert other.name not in html
    # Another trainee's records and evaluation do not exist for this trainee.
    other_day = other.placement.active_days[0]
    save_evaluation(other, scores=dict.fromkeys(
        ["law_policy", "procedure", "communication", "drafting", "independent_handling"], 4), passed=True)
    db.session.commit()
    assert client.get(f"/rotation/trainees/{other.id}/evaluation").status_code == 404
    assert client.get(f"/rotation/days/{other_day.id}").status_code == 404
    assert client.get(f"/rotation/trainees/{me.id}/evaluation").status_code == 200
    assert client.get(f"/rotation/years/{py.id}").status_code == 403


def test_progress_is_shown(app, planned, make_user, monkeypatch):
    py, mentors, trainees, _ = planned
    me = trainees[0]
    days = me.placement.active_days
    monkeypatch.setattr("trainer.rotation.placements.views.today_local", lambda: days[5].day)
    client = trainee_client(app, make_user, me, "trainee.p")
    html = client.get("/rotation/mine").get_data(as_text=True)
    assert "第6天，共10天" in html


def test_log_form_independent_only_in_week_two(app, planned, make_user):
    py, mentors, trainees, _ = planned
    me = trainees[0]
    client = trainee_client(app, make_user, me, "trainee.log")
    guided, independent = me.placement.active_days[1], me.placement.active_days[6]
    data = {"case_ref": "朝调字〔2026〕12号", "category": "加班费", "role": "independent",
            "accepted_on": guided.day.isoformat(), "outcome": "agreement"}
    response = client.post(f"/rotation/days/{guided.id}", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "第二周" in html and 'value="朝调字〔2026〕12号"' in html
    assert db.session.scalar(select(CaseLog)) is None
    response = client.post(f"/rotation/days/{independent.id}", data={**data, "accepted_on": independent.day.isoformat()})
    assert response.status_code == 302
    case = db.session.scalar(select(CaseLog))
    assert case.role == "independent" and case.deadline == date.fromordinal(independent.day.toordinal() + 15)
    html = client.get(f"/rotation/days/{independent.id}").get_data(as_text=True)
    deadline = case.deadline
    assert f"{deadline.month}月{deadline.day}日" in html


def test_evaluation_certification_and_coverage(app, planned, login_as, make_user, monkeypatch):
    py, mentors, trainees, _ = planned
    me = trainees[0]
    last = me.placement.active_days[-1].day
    monkeypatch.setattr("trainer.rotation.logs.operations.today_local", lambda: last)
    coordinator = login_as("coordinator", "chaoyang")
    before = coordinator.get("/rotation/coverage").get_data(as_text=True)
    # The 2026 row: 8 trainees, none certified yet, no street covered.
    assert "<td>2026</td><td>8</td><td>0</td>" in before and "<td>0 / 10</td>" in before
    assert "10 条街道中有 0 条" in before
    # The mentor evaluates through their own login.
    lawyer = make_user(Role.LAWYER, "chaoyang", username="lawyer.zhou")
    mentor = db.session.get(type(mentors[0]), me.placement.active_days[0].mentor_id)
    mentor.user_id = lawyer.id
    db.session.commit()
    mentor_client = app.test_client()
    login(mentor_client, lawyer)
    form = {"law_policy": "5", "procedure": "4", "communication": "4", "drafting": "3",
            "independent_handling": "4", "passed": "y", "summary": "能够独立调解"}
    missing = mentor_client.post(f"/rotation/trainees/{me.id}/evaluation", data={**form, "drafting": ""})
    assert missing.status_code == 422 and "请给出1到5分" in missing.get_data(as_text=True)
    assert mentor_client.post(f"/rotation/trainees/{me.id}/evaluation", data=form).status_code == 302
    # A mentor who never mentored this trainee cannot evaluate them.
    stranger = login_as(Role.LAWYER, "chaoyang")
    assert stranger.get(f"/rotation/trainees/{me.id}/evaluation").status_code == 404
    response = coordinator.post(f"/rotation/trainees/{me.id}/certify")
    assert response.status_code == 302
    certification = db.session.scalar(select(Certification))
    assert certification.number == "CY-2026-001"
    html = coordinator.get(f"/rotation/certificates/{certification.id}").get_data(as_text=True)
    assert "独立调解员资格证书" in html and me.name in html and "CY-2026-001" in html
    after = coordinator.get("/rotation/coverage").get_data(as_text=True)
    assert "10 条街道中有 1 条" in after
    assert "<td>2026</td><td>8</td><td>1</td>" in after and "<td>1 / 10</td>" in after
    assert "<svg" in after and 'class="target"' in after
