"""Words for people, not for developers (issue 15B), over the demo: the jobs page and planning outcomes in Chinese,
meeting series in words, people's names labelled 姓名, help beside the cryptic fields, a file-level import error
that names the file, not "第 0 行"."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from, login
from trainer.auth.models import User
from trainer.core.extensions import db
from trainer.org.demo import DEMO_PASSWORD, load_demo
from trainer.org.models import Station
from trainer.rotation.models import ProgrammeYear, Trainee
from trainer.visits.models import Lawyer, PlanRun

pytestmark = pytest.mark.slow


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _label_of(html: str, field: str) -> str:
    return unescape(re.search(rf'<label for="{field}">([^<]+)</label>', html).group(1))


@pytest.fixture
def demo_clients(app):
    load_demo()
    db.session.commit()
    clients = {}
    for username in ("admin", "chaoyang"):
        client = app.test_client()
        login(client, db.session.scalar(select(User).where(User.username == username)), DEMO_PASSWORD)
        clients[username] = client
    return clients


def test_the_jobs_page_and_planning_outcomes_speak_chinese(demo_clients):
    jobs = _text(demo_clients["admin"].get("/jobs/").get_data(as_text=True))
    for developer in ("cron", "hour=", "minute=", "MAIL_ENABLED", "every 10 minutes"):
        assert developer not in jobs, developer
    assert "每天 03:10" in jobs and "每10分钟" in jobs and "每月20日 02:00" in jobs
    assert "为下月尚无走访的服务站排定律师走访" in jobs  # what the job does, its name below for the command line

    coordinator = demo_clients["chaoyang"]
    run = db.session.scalars(select(PlanRun).order_by(PlanRun.id.desc())).first()
    run.status = "optimal"
    db.session.commit()
    plan = _text(coordinator.get(f"/visits/plan?run={run.id}").get_data(as_text=True))
    assert "全部排定（已是最佳方案）" in plan and "optimal" not in plan and "feasible" not in plan


def test_series_in_words_and_the_org_chart_without_setting_names(demo_clients):
    coordinator = demo_clients["chaoyang"]
    series = _text(coordinator.get("/instructors/series").get_data(as_text=True))
    assert "每两周周三" in series and "每月1日" in series and "FREQ=" not in series
    chart = _text(coordinator.get("/instructors/chart").get_data(as_text=True))
    assert "INSTRUCTOR_SPAN_LIMIT" not in chart and "全市设定的上限" in chart


def test_names_of_people_are_labelled_full_name(demo_clients):
    coordinator = demo_clients["chaoyang"]
    # Records of the coordinator's own district, the first by id: a select without an order gives PostgreSQL's
    # heap order, in which an updated row moves to the end (another district's lawyer: 403).
    district_id = db.session.scalar(select(User.district_id).where(User.username == "chaoyang"))
    lawyer = db.session.scalars(select(Lawyer).where(Lawyer.district_id == district_id).order_by(Lawyer.id)).first()
    assert _label_of(coordinator.get(f"/visits/lawyers/{lawyer.id}").get_data(as_text=True), "name") == "姓名"
    trainee = db.session.scalars(select(Trainee).where(Trainee.district_id == district_id)
                                 .order_by(Trainee.id)).first()
    assert _label_of(coordinator.get(f"/rotation/trainees/{trainee.id}/edit").get_data(as_text=True),
                     "name") == "姓名"
    year = db.session.scalars(select(ProgrammeYear).where(ProgrammeYear.district_id == district_id)
                              .order_by(ProgrammeYear.year, ProgrammeYear.id)).first()
    assert _label_of(coordinator.get(f"/rotation/years/{year.id}/mentors/new").get_data(as_text=True),
                     "name") == "姓名"
    assert _label_of(coordinator.get("/instructors/new").get_data(as_text=True), "name") == "姓名"
    assert _label_of(demo_clients["admin"].get("/accounts/new").get_data(as_text=True), "display_name") == "姓名"


def test_help_beside_the_cryptic_fields(demo_clients):
    coordinator = demo_clients["chaoyang"]
    # A Chaoyang station with a stored rhythm (the JSON column is compared in Python: PostgreSQL has no = on json).
    station = next(s for s in db.session.scalars(select(Station).where(Station.district.has(code="chaoyang"))
                                                 .order_by(Station.id)) if s.rhythm)
    page = _text(coordinator.get(f"/org/stations/{station.id}/edit").get_data(as_text=True))
    assert "1 = 星期一 … 7 = 星期日" in page and "每月第二个和第四个星期二" in page
    assert "当前保存的是：每月第" in page
    year = db.session.scalars(select(ProgrammeYear).where(ProgrammeYear.district_id == station.district_id)
                              .order_by(ProgrammeYear.year, ProgrammeYear.id)).first()
    grid = coordinator.get(f"/rotation/years/{year.id}").get_data(as_text=True)
    text = _text(grid)
    assert "跟 = 跟班学习日" in text and "独 = 独立调解日" in text
    cells = re.findall(r'<span title="[^"]*">([^<]+)</span>', grid.split('class="table timeline"')[1])
    assert cells and set(cells) <= {"跟", "独"}


def test_a_file_level_import_error_names_the_file(demo_clients):
    coordinator = demo_clients["chaoyang"]
    for page in ("/instructors/excel/instructors/import", "/visits/import/stations"):
        html = coordinator.get(page).get_data(as_text=True)
        answer = coordinator.post(page, data={"csrf_token": csrf_token_from(html),
                                              "file": (BytesIO(b"not a workbook"), "broken.xlsx")},
                                  content_type="multipart/form-data")
        text = _text(answer.get_data(as_text=True))
        assert "第 0 行" not in text and "第0行" not in text and "None" not in text, page
        assert "文件" in text, page
