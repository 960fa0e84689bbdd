"""The people affected are told: a lawyer whose visits move sees one notice naming each moved visit (page, header,
API) and gets one e-mail at a real SMTP server; the station's contact too; nothing when the change is undone,
or falls beyond the next 30 days; a mail the server refused goes out with the job, once."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from tests.agenda.conftest import TODAY, api_headers, visits_of
from tests.conftest import SOLVER_TIME_S
from trainer.core.extensions import db
from trainer.core.i18n import format_day
from trainer.notices.models import Notice, NoticeMail
from trainer.notices.operations import send_pending
from trainer.org.models import Station
from trainer.rotation.placements.operations import plan_year
from trainer.visits.models import Visit
from trainer.visits.plan import operations as plan_ops
from trainer.visits.plan import planner
from trainer.visits.setup import leave
from trainer.visits.setup import operations as setup_ops


def _notices(user) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(Notice.user_id == user.id).order_by(Notice.id)))


def _slot(app, visit_day: date, visit) -> str:
    start, end = visit.station.hours_of(visit.half)
    with app.test_request_context("/"):
        return f"{visit.station.name}驻站 {format_day(visit_day)} {start}–{end}"


# The lawyer's December at his two stations, set by hand: the time-limited planner may choose other days from run
# to run (all after the 30 days, or the backup's), and what people are told must not depend on its choice.
LAWYERS_DECEMBER = ((0, date(2026, 12, 2)), (2, date(2026, 12, 3)), (0, date(2026, 12, 16)), (2, date(2026, 12, 29)))


@pytest.fixture
def planned(world, smtp):
    """December planned (the lawyer leads two stations, with a backup; his visits on 2, 3, 16 and 29 December);
    every station has a contact e-mail; what planning itself told people is cleared."""
    stations = db.session.scalars(select(Station).order_by(Station.id)).all()
    for number, station in enumerate(stations, start=1):
        station.contact_email = f"station{number}@example.cn"
    colleague = next(lw for lw in world.lawyer.firm.lawyers if lw.id != world.lawyer.id)
    setup_ops.assign_station(stations[2], firm=world.lawyer.firm, lead=world.lawyer, backup=colleague,
                             start=date(2026, 11, 1))
    db.session.commit()
    planner.plan_range(world.district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    mine = {stations[0].id, stations[2].id}
    for visit in db.session.scalars(select(Visit).where(Visit.station_id.in_(mine))):
        db.session.delete(visit)
    db.session.flush()
    for index, day in LAWYERS_DECEMBER:
        db.session.add(Visit(district_id=world.district.id, station_id=stations[index].id, lawyer_id=world.lawyer.id,
                             firm_id=world.lawyer.firm_id, day=day, half="am", status="planned"))
    db.session.commit()
    smtp.messages.clear()
    return world


def test_moved_visits_are_named_in_one_notice_and_one_email(app, planned, smtp, login_as):
    world = planned
    before = {v.id: SimpleNamespace(day=v.day, half=v.half, station=v.station) for v in visits_of(world.lawyer)}
    notices_before = len(_notices(world.user))
    # One saved change: the lawyer's leave over his first visits' days (2 and 3 December), and a re-plan of December.
    first_days = sorted(v.day for v in before.values())[:2]
    leave.add_leave(world.lawyer, first_days[0], first_days[-1], "出差", propose=False)
    planner.plan_range(world.district, "2026-12", "2026-12", mode="replan", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()

    db.session.expire_all()
    now = {v.id: v for v in visits_of(world.lawyer)}
    assert all(v.day not in first_days for v in now.values())
    # What the lawyer must be told, whichever days (or lawyer) the re-plan chose: each of his visits that moved
    # ("调整：before → after") or went to the backup ("取消：…"), when either day is within 30 days of today.
    horizon = date(2026, 12, 24)
    expected, touched = [], set()
    for ident in before.keys() | now.keys():
        old, new = before.get(ident), now.get(ident)
        if old is not None and new is not None and (old.day, old.half) == (new.day, new.half):
            continue
        if min(v.day for v in (old, new) if v is not None) > horizon:
            continue
        touched.add((old or new).station.contact_email)
        if old is not None and new is not None:
            expected.append(f"调整：{_slot(app, old.day, old)} → {_slot(app, new.day, new)}")
        elif old is not None:
            expected.append(f"取消：{_slot(app, old.day, old)}")
        else:
            expected.append(f"新增：{_slot(app, new.day, new)}")
    assert len(expected) >= 2  # the two visits on the days of leave, at least
    notices = _notices(world.user)
    assert len(notices) == notices_before + 1  # one notice for the one change
    notice = notices[-1]
    texts = [item["text"] for item in notice.items]
    assert sorted(texts) == sorted(expected), (texts, expected)

    # One e-mail reached the lawyer, listing the same lines; each touched station's contact got one too.
    to_lawyer = [m for m in smtp.messages if m["to"] == ["same@example.cn"]]
    assert len(to_lawyer) == 1
    body = to_lawyer[0]["message"].get_content()
    assert to_lawyer[0]["message"]["Subject"] == notice.subject and all(text in body for text in texts)
    assert {m["to"][0] for m in smtp.messages if m["to"] != ["same@example.cn"]} >= touched
    assert db.session.scalar(select(func.count()).select_from(NoticeMail).where(NoticeMail.sent_at.is_(None))) == 0

    # What the lawyer sees: the count in the header, the notice on the page, marked read.
    lawyer = login_as(user=world.user)
    page = lawyer.get("/notices/").get_data(as_text=True)
    unread = len(_notices(world.user))
    assert f'<span class="badge unread-count" aria-label="{unread} 条未读">{unread}</span>' in page
    assert all(text in page for text in texts)
    response = lawyer.post("/notices/read-all", follow_redirects=True)
    assert "unread-count" not in response.get_data(as_text=True)

    # And through the API.
    listing = lawyer.get("/api/v1/notices", headers=api_headers(world.user))
    assert listing.status_code == 200 and listing.json[0]["items"][0]["text"] == texts[0]


def test_a_move_by_hand_is_one_notice_and_one_email(app, planned, smtp, login_as):
    world = planned
    visit = visits_of(world.lawyer)[0]
    old = _slot(app, visit.day, visit)
    target = next(d for d in (date(2026, 12, n) for n in range(1, 24)) if d.weekday() < 5 and d != visit.day
                  and not plan_ops.visit_conflicts(visit, lawyer_id=world.lawyer.id, day=d, half=visit.half))
    coordinator = login_as("coordinator", "chaoyang")
    count = len(_notices(world.user))
    response = coordinator.post(f"/visits/v/{visit.id}", data={
        "action": "move", "move-day": target.isoformat(), "move-half": visit.half,
        "move-lawyer_id": world.lawyer.id, "move-version": visit.version})
    assert response.status_code == 302
    notices = _notices(world.user)
    assert len(notices) == count + 1
    assert [i["text"] for i in notices[-1].items] == [f"调整：{old} → {_slot(app, target, visit)}"]
    assert [m["to"] for m in smtp.messages] .count(["same@example.cn"]) == 1
    assert [m["to"] for m in smtp.messages].count([visit.station.contact_email]) == 1


def test_nothing_is_told_for_a_refused_change_or_beyond_30_days(app, planned, smtp, login_as):
    world = planned
    count = db.session.scalar(select(func.count()).select_from(Notice))
    visit = visits_of(world.lawyer)[0]
    coordinator = login_as("coordinator", "chaoyang")
    # Refused (a Sunday): rolled back, nobody told.
    response = coordinator.post(f"/visits/v/{visit.id}", data={
        "action": "move", "move-day": "2026-12-06", "move-half": visit.half, "move-lawyer_id": world.lawyer.id,
        "move-version": visit.version})
    assert response.status_code in (200, 302, 422)
    # Cancelled, but after 24 December: beyond the next 30 days.
    late = next(v for v in visits_of(world.lawyer) if v.day > date(2026, 12, 24))
    plan_ops.cancel_visit(late)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Notice)) == count
    assert smtp.messages == []


def test_mentoring_days_reach_the_mentor_and_a_refused_mail_goes_out_with_the_job(app, world, smtp):
    smtp.refuse = True
    plan_year(world.py, not_before=date(2026, 12, 1), time_limit_s=SOLVER_TIME_S)
    db.session.commit()
    [notice] = _notices(world.user)  # the lawyer, as mentor 王律师, is told of the days he mentors
    assert notice.items and all(i["change"] == "added" and "带教李晓红" in i["text"] for i in notice.items)
    assert smtp.messages == []
    [mail] = db.session.scalars(select(NoticeMail)).all()
    assert mail.sent_at is None and mail.error
    smtp.refuse = False
    assert send_pending() == (1, 0)
    assert send_pending() == (0, 0)  # sent once, never again
    assert len(smtp.messages) == 1 and "带教李晓红" in smtp.messages[0]["message"].get_content()
