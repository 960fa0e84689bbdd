"""Two coordinators open the same form; the first saves. The second's save is refused without a generic error
page: the same form comes back with the first one's values and a message naming who saved them and when."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trainer.core.extensions import db
from trainer.rotation.logs.operations import save_case_log, save_evaluation
from trainer.rotation.models import CaseLog, Evaluation, Mentor, ProgrammeYear, Trainee

SCORES = {"law_policy": "4", "procedure": "4", "communication": "5", "drafting": "3", "independent_handling": "4"}


def _version(client, url: str) -> str:
    """Open the form as a user would: the version it was shown with."""
    response = client.get(url)
    assert response.status_code == 200, url
    return re.search(r'name="version" type="hidden" value="(\d+)"', response.get_data(as_text=True)).group(1)


def _second_save_is_refused(login_as, url: str, data: dict, field: str, first_value: str, second_value: str):
    first = login_as("coordinator", "chaoyang")
    second = login_as("coordinator", "chaoyang")
    version = _version(first, url)
    assert _version(second, url) == version
    saved = first.post(url, data={**data, field: first_value, "version": version})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    refused = second.post(url, data={**data, field: second_value, "version": version})
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith(url)
    page = second.get(refused.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"{first.user.display_name} 在" in html and "保存了这条记录" in html
    assert first_value in html and second_value not in html
    return html


def test_programme_year(planned, login_as):
    py = planned[0]
    data = {"year": "2026", "trainee_target": "8", "centre_name": py.centre_name, "capacity": "2",
            "placement_length": "10", "mentor_max_trainees": "2", "window_start": "2026-03-02",
            "window_end": "2026-12-31", "status": "open"}
    html = _second_save_is_refused(login_as, f"/rotation/years/{py.id}/edit", data, "centre_address",
                                   "北京市朝阳区地址一", "北京市朝阳区地址二")
    assert 'value="北京市朝阳区地址一"' in html
    assert db.session.scalar(select(ProgrammeYear.centre_address)) == "北京市朝阳区地址一"


def test_mentor(planned, login_as):
    py, mentors = planned[0], planned[1]
    mentor = mentors[0]
    data = {"name": mentor.name, "user_id": "0", "duty_weekdays": ["0", "1", "2", "3", "4"], "on_makeup_days": "y"}
    html = _second_save_is_refused(login_as, f"/rotation/years/{py.id}/mentors/{mentor.id}", data, "phone",
                                   "13911112222", "13933334444")
    assert 'value="13911112222"' in html
    assert db.session.scalar(select(Mentor.phone).where(Mentor.id == mentor.id)) == "13911112222"


def test_trainee(planned, login_as):
    trainee = planned[2][0]
    data = {"name": trainee.name, "union_id": str(trainee.union_id), "station_id": "0", "phone": "13800138000",
            "unavailable": ""}
    _second_save_is_refused(login_as, f"/rotation/trainees/{trainee.id}/edit", data, "prior_experience",
                            "街道调解员两年", "社区调解员五年")
    assert db.session.scalar(select(Trainee.prior_experience).where(Trainee.id == trainee.id)) == "街道调解员两年"


@pytest.fixture
def case(planned):
    day = planned[2][0].placement.active_days[0]
    row = save_case_log(None, day=day, case_ref="朝调字〔2026〕7号", category="工伤", role="observed",
                        accepted_on=day.day)
    db.session.commit()
    return row


def test_case_log(case, login_as):
    data = {"case_ref": case.case_ref, "category": case.category, "role": case.role,
            "accepted_on": case.accepted_on.isoformat(), "outcome": ""}
    _second_save_is_refused(login_as, f"/rotation/cases/{case.id}", data, "summary", "双方达成分期支付协议",
                            "申请人撤回申请")
    assert db.session.scalar(select(CaseLog.summary)) == "双方达成分期支付协议"


def test_mentor_remarks(case, login_as):
    _second_save_is_refused(login_as, f"/rotation/cases/{case.id}/remarks", {}, "mentor_remarks",
                            "争议焦点把握准确", "需加强法条引用")
    assert db.session.scalar(select(CaseLog.mentor_remarks)) == "争议焦点把握准确"


def test_evaluation(planned, login_as):
    trainee = planned[2][0]
    save_evaluation(trainee, scores={k: int(v) for k, v in SCORES.items()}, passed=True, summary="初评")
    db.session.commit()
    data = {**SCORES, "mentor_id": "0", "passed": "y"}
    _second_save_is_refused(login_as, f"/rotation/trainees/{trainee.id}/evaluation", data, "summary",
                            "能够独立主持调解", "尚需带教")
    assert db.session.scalar(select(Evaluation.summary)) == "能够独立主持调解"
