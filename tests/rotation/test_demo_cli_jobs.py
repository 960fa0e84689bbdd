"""The demo year, the CLI commands, the scheduled job and the programme file section."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from trainer.core.extensions import db
from trainer.rotation.models import Certification, Placement, ProgrammeYear, Trainee


@pytest.mark.slow
def test_demo_year_is_planned_with_certified_mediators(app):
    from trainer.org.demo import load_demo

    ctx = load_demo()
    db.session.commit()
    years = {py.year: py for py in db.session.scalars(select(ProgrammeYear))}
    assert years[2027].status == "draft" and years[2026].capacity == 2
    placements = db.session.scalars(select(Placement)).all()
    assert len(placements) == 8 and all(len(p.active_days) == 10 for p in placements)
    assert db.session.scalar(select(func.count()).select_from(Certification)) == 3
    li = db.session.scalar(select(Trainee).where(Trainee.user_id == ctx.users["trainee.li"].id))
    assert li is not None and li.placement is not None
    # No placement day in the National Day blackout.
    assert not any(date(2026, 10, 1) <= d.day <= date(2026, 10, 8) for p in placements for d in p.active_days)


def test_cli_plan_list_and_coverage(app, programme):
    py, mentors, trainees = programme
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rotation", "plan", "--district", "chaoyang", "--year", "2026", "--time-limit", "3"])
    # The window opens on 2 March but "today" is later: the CLI plans from today on.
    assert result.exit_code in (0, 2), result.output
    assert "chaoyang 2026:" in result.output
    listed = runner.invoke(args=["rotation", "list"])
    assert "2026" in listed.output and "朝阳区劳动人事争议仲裁院工会劳动争议调解中心" in listed.output
    missing = runner.invoke(args=["rotation", "plan", "--year", "2031"])
    assert missing.exit_code != 0 and "2031" in missing.output
    coverage = runner.invoke(args=["rotation", "coverage", "--district", "chaoyang"])
    assert "streets covered 0/10" in coverage.output


def test_job_plans_open_years_once(programme):
    from trainer.rotation.jobs import JOBS, plan_open_years

    assert JOBS[0]["name"] == "rotation.plan_open_years"
    first = plan_open_years(date(2026, 3, 2))
    assert "已安排8名学员" in first
    second = plan_open_years(date(2026, 3, 2))
    assert second == "没有等待安排的进行中年度"


def test_programme_file_round_trip(planned, districts):
    from trainer.rotation import exchange

    py, mentors, trainees, _ = planned
    data = exchange.export_section(districts["chaoyang"])
    assert data["years"][0]["year"] == 2026 and len(data["years"][0]["trainees"]) == 8
    first = data["years"][0]["trainees"][0]
    assert len(first["placement"]["days"]) == 10 and first["placement"]["days"][0]["phase"] == "guided"
    # Importing the same section again changes nothing.
    from trainer.org.models import Union

    ids = {("union", u.name): u for u in db.session.scalars(select(Union))}
    exchange.import_section(districts["chaoyang"], data, ids)
    db.session.flush()
    assert exchange.export_section(districts["chaoyang"]) == data
    # A bad item is named.
    broken = {"years": [{**data["years"][0], "trainees": [{**first, "union": "不存在的工会"}]}]}
    import pytest

    from trainer.core.validation import InvalidInput

    with pytest.raises(InvalidInput) as error:
        exchange.import_section(districts["chaoyang"], broken, ids)
    assert "years[0].trainees[0].union" in error.value.fields


def test_calendar_checks_and_feeds(planned, make_user):
    from trainer.rotation.calendar_checks import planned_items
    from trainer.rotation.feeds import programme_year_events, user_events

    py, mentors, trainees, _ = planned
    first = trainees[0].placement.active_days[0]
    items = planned_items(py.district_id, first.day, first.day)
    item = next(i for i in items if i.kind == "placement_day" and trainees[0].name in i.label)
    assert item.person("trainee").id == trainees[0].id and item.person("mentor").id == first.mentor_id
    user = make_user("trainee", "chaoyang")
    trainees[0].user_id = user.id
    db.session.commit()
    events = user_events(user, date(2026, 1, 1), date(2026, 12, 31))
    assert len(events) == 10 and events[0].uid == f"rotation-day-{first.id}@trainer"
    assert len(programme_year_events(py, date(2026, 1, 1), date(2026, 12, 31))) == 80


@pytest.mark.slow
def test_demo_pages_for_every_role(app):
    from tests.conftest import login
    from trainer.org.demo import DEMO_PASSWORD, load_demo

    ctx = load_demo()
    db.session.commit()
    py = db.session.scalar(select(ProgrammeYear).where(ProgrammeYear.year == 2026))
    pages = {
        "chaoyang": ["/rotation/", f"/rotation/years/{py.id}", f"/rotation/years/{py.id}/selection",
                     "/rotation/coverage", f"/rotation/trainees/{py.trainees[0].id}"],
        "admin": ["/rotation/coverage/city", "/rotation/coverage?district=chaoyang"],
        "trainee.li": ["/rotation/mine"],
        "lawyer.wang": ["/rotation/mentoring"],
    }
    for username, urls in pages.items():
        client = app.test_client()
        login(client, ctx.users[username], DEMO_PASSWORD)
        for lang in ("zh", "en"):
            client.post(f"/lang/{lang}")
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, (username, url, lang)
    certification = db.session.scalar(select(Certification))
    client = app.test_client()
    login(client, ctx.users["chaoyang"], DEMO_PASSWORD)
    html = client.get(f"/rotation/certificates/{certification.id}").get_data(as_text=True)
    assert certification.number in html and "CY-2026-00" in certification.number
    client.post("/lang/zh")
    city = client.get("/rotation/coverage").get_data(as_text=True)
    assert "43 条街道中有 3 条" in city
