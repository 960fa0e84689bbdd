"""Confirming a year's notice clears the provisional mark of what was planned on its working days in a few
statements (trainer.audit.bulk), and keeps what a change of each row would have kept: the version, the audit
log, the feeds (a subscribed calendar sees the event confirmed), and the mark on what now falls on a holiday."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from tests.calendars import parsers
from trainer import workdays
from trainer.audit.bulk import BulkRow, update_rows
from trainer.audit.models import AuditEntry
from trainer.calendars import operations, sources
from trainer.core.extensions import db
from trainer.org.demo import load_demo
from trainer.visits.calendar_checks import year_became_official
from trainer.visits.models import Lawyer, Visit
from trainer.visits.plan.planner import plan_range
from trainer.workdays.operations import import_notice

from .conftest import NOTICE_2027

pytestmark = pytest.mark.slow


def _feed_path(user) -> str:
    token = operations.feed_token(user, sources.Subject("user", user.id, user.display_name, user.district_id, user))
    db.session.commit()
    return operations.feed_urls(token)["web"].removeprefix("http://trainer.test")


def _visits_2027(district_id: int) -> list[Visit]:
    return list(db.session.scalars(select(Visit).where(Visit.district_id == district_id, Visit.status == "planned",
                                                       Visit.day >= date(2027, 1, 1)).order_by(Visit.id)))


def test_confirming_the_notice_clears_the_mark_on_working_days_with_version_audit_and_feed(app, client):
    ctx = load_demo()
    db.session.commit()
    chaoyang = ctx.districts["chaoyang"]
    plan_range(chaoyang, "2027-01", "2027-03", allow_provisional=True)
    db.session.commit()
    before = {v.id: v.version for v in _visits_2027(chaoyang.id)}
    assert len(before) > 250 and all(v.provisional for v in _visits_2027(chaoyang.id))

    wang = ctx.users["lawyer.wang"]
    lawyer = db.session.scalar(select(Lawyer).where(Lawyer.user_id == wang.id))
    path = _feed_path(wang)
    first = client.get(path)
    etag = first.headers["ETag"]
    mine = [v for v in _visits_2027(chaoyang.id) if v.lawyer_id == lawyer.id]
    assert mine
    shown = {e["uid"]: e for e in parsers.read_icalendar(first.data)}
    assert all(shown[f"visit-{v.id}@trainer"]["status"] == "TENTATIVE" for v in mine if v.day.month == 1)

    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        import_notice(NOTICE_2027, confirm=True)
        counted = len(statements)
        year_became_official(2027)  # again: nothing left to clear on working days, nothing written
        again = statements[counted:]
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    db.session.commit()
    # A few statements for hundreds of visits, not one (or three) a visit; a second pass only reads.
    assert 1 <= len([s for s in statements if s.lstrip().upper().startswith("UPDATE VISITS")]) <= 2
    assert [s for s in again if not s.lstrip().upper().startswith("SELECT")] == []

    db.session.expire_all()
    visits = _visits_2027(chaoyang.id)
    on_holidays = [v for v in visits if not workdays.is_working_day(v.day)]
    assert on_holidays and all(v.day in (date(2027, 2, 11), date(2027, 2, 12)) for v in on_holidays)
    assert all(v.provisional for v in on_holidays)  # still marked, and listed as conflicts
    cleared = [v for v in visits if workdays.is_working_day(v.day)]
    assert cleared and not [v for v in cleared if v.provisional]
    assert all(v.version == before[v.id] + 1 for v in cleared)  # an edit form opened before is now stale
    assert all(v.version == before[v.id] for v in on_holidays)

    entries = {e.entity_id: e for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity_type == "Visit", AuditEntry.action == "update"))}
    for visit in cleared:
        entry = entries[str(visit.id)]
        assert (entry.before, entry.after) == ({"provisional": True}, {"provisional": False})
        assert entry.entity_label == visit.audit_label and entry.district_id == chaoyang.id
        assert entry.actor == "system"
    assert not {str(v.id) for v in on_holidays} & set(entries)

    # The calendar subscribed before sees the change: a new answer, the January visits confirmed.
    fresh = client.get(path, headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    parsers.strict_check(fresh.data)
    shown = {e["uid"]: e for e in parsers.read_icalendar(fresh.data)}
    in_feed = [v for v in mine if f"visit-{v.id}@trainer" in shown]
    assert in_feed and {v.day.month for v in in_feed} >= {1}
    for visit in in_feed:
        expected = "TENTATIVE" if visit in on_holidays else "CONFIRMED"
        assert shown[f"visit-{visit.id}@trainer"]["status"] == expected, visit.day


def test_a_bulk_update_refuses_what_people_must_be_told_of(app):
    with pytest.raises(ValueError, match="day"):
        update_rows(Visit, [BulkRow(1, None, "x")], before={"day": date(2027, 1, 4)}, after={"day": date(2027, 1, 5)})
