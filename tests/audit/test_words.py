"""The audit log in the coordinator's words (issue 15B): kinds of record and fields by their names, values in words
(a lawyer's name, 上午, 是/否, a date), before → after, never a model name, a raw code or "id: None"; paged."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from sqlalchemy import event, inspect

from trainer.audit.models import Audited, AuditEntry
from trainer.audit.words import HIDDEN, field_label, kind_label
from trainer.core.extensions import db
from trainer.instructors.meetings.recurrence import rule_words
from trainer.visits.models import Visit
from trainer.visits.setup import operations as setup_ops


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_every_audited_field_has_words(app):
    with app.test_request_context("/"):
        missing = []
        for mapper in db.Model.registry.mappers:
            model = mapper.class_
            if not issubclass(model, Audited):
                continue
            if kind_label(model.__name__) == model.__name__:
                missing.append(model.__name__)
            for attr in mapper.column_attrs:
                key = attr.key
                if key in HIDDEN or key in model.__audit_exclude__ or not attr.columns[0].info.get("audit", True):
                    continue
                label = field_label(model.__name__, key)
                if label is None or re.search(r"[A-Za-z]", label):
                    missing.append(f"{model.__name__}.{key}: {label}")
        assert missing == []


def test_the_log_says_what_changed_in_words(login_as, districts):
    chaoyang = districts["chaoyang"]
    client = login_as("coordinator", "chaoyang")
    firm = setup_ops.save_firm(None, district_id=chaoyang.id, name="北京汇诚律师事务所", contact_name="罗建军",
                               contact_phone="18601562233")
    lawyer = setup_ops.save_lawyer(None, firm=firm, name="王建华", phone="13911110001")
    db.session.commit()
    setup_ops.save_lawyer(lawyer, firm=firm, name="王建华", phone="13911110002", active=False)
    db.session.commit()
    from trainer.org.models import Station, Union

    union = Union(district_id=chaoyang.id, name="大屯街道总工会", kind="street")
    station = Station(district_id=chaoyang.id, union=union, name="大屯街道工会服务站", address="北京市朝阳区")
    db.session.add_all([union, station])
    db.session.flush()
    db.session.add(Visit(district_id=chaoyang.id, station_id=station.id, lawyer_id=lawyer.id, firm_id=firm.id,
                         day=date(2026, 12, 2), half="am", status="planned"))
    db.session.commit()

    html = client.get("/audit/").get_data(as_text=True)
    text = _text(html)
    flat = text.replace(" ", "")
    assert "律师王建华" in flat and "电话：13911110001→13911110002" in flat and "在用：是→否" in flat
    # A new visit: its lawyer, station and firm by name, the half-day and status in words, the day as a date.
    assert "律师：王建华" in flat and "服务站：大屯街道工会服务站" in flat and "律所：北京汇诚律师事务所" in flat
    assert "半天：上午" in flat and "状态：已排定" in flat and "2026年12月2日" in flat
    assert "走访大屯街道工会服务站2026-12-02上午" in flat
    assert "姓名：王建华" in flat and "律所名称：北京汇诚律师事务所" in flat
    for raw in ("id:", "None", "lawyer_id", "Visit ", "planned", "am\n", "station_id"):
        assert raw not in text, raw
    # One kind of record at a time, by its name.
    visits_only = _text(client.get("/audit/?entity=Visit").get_data(as_text=True))
    assert "操作日志 · 走访" in visits_only and "律所名称" not in visits_only


def test_the_log_is_paged(login_as, districts):
    client = login_as("coordinator", "chaoyang")
    firm = setup_ops.save_firm(None, district_id=districts["chaoyang"].id, name="测试律所", contact_name="张",
                               contact_phone="13800000000")
    for n in range(30):
        setup_ops.save_lawyer(None, firm=firm, name=f"律师{n:02d}", phone="13800000000")
    db.session.commit()
    assert db.session.query(AuditEntry).count() == 32  # and the coordinator's account
    first = client.get("/audit/").get_data(as_text=True)
    assert first.count('<tr class="audit-') == 25 and "第 1 页，共 2 页" in _text(first)
    second = client.get("/audit/?page=2").get_data(as_text=True)
    assert second.count('<tr class="audit-') == 7


def test_a_new_rows_entry_holds_what_the_flush_filled_in(login_as, districts):
    firm = setup_ops.save_firm(None, district_id=districts["chaoyang"].id, name="测试律所", contact_name="张",
                               contact_phone="13800000000")
    db.session.commit()
    entry = db.session.query(AuditEntry).one()
    assert entry.after["id"] == firm.id and entry.entity_label == "测试律所"
    assert "name_pinyin" not in entry.after  # what the system keeps for itself is not logged
    assert inspect(firm).identity == (firm.id,)


def test_new_rows_are_logged_once_each_without_rewriting_an_entry(login_as, districts):
    # Each new row's entry is written after the flush that gave it its id, in one batch with the others:
    # no entry inserted half-filled and then updated (a city year plans 12,000 visits at once).
    statements: list[str] = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        firms = [setup_ops.save_firm(None, district_id=districts["chaoyang"].id, name=f"测试律所{n}",
                                     contact_name="张", contact_phone="13800000000") for n in range(3)]
        db.session.commit()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    entries = db.session.query(AuditEntry).order_by(AuditEntry.id).all()
    assert [(e.action, e.entity_id, e.entity_label, e.after["id"]) for e in entries] == [
        ("create", str(f.id), f.name, f.id) for f in firms]
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE AUDIT_ENTRIES")]


def test_recurrence_in_words(app):
    with app.test_request_context("/"):
        assert rule_words("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE") == "每两周周三"
        assert rule_words("FREQ=MONTHLY;BYDAY=2TU") == "每月第二个周二"
        assert rule_words("FREQ=MONTHLY;BYDAY=-1FR") == "每月最后一个周五"
        assert rule_words("FREQ=MONTHLY;BYMONTHDAY=1") == "每月1日"
        assert rule_words("FREQ=WEEKLY;BYDAY=MO,TH") == "每周周一、周四"
        assert rule_words("FREQ=MONTHLY;INTERVAL=3;BYDAY=1MO") == "每三个月第一个周一"
        assert rule_words("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=15") == "每年3月15日"
        assert rule_words("FREQ=WEEKLY;BYDAY=FR;COUNT=6") == "每周周五，共6次"
        assert rule_words("FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR").endswith(
            "（FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR）")
    with app.test_request_context("/"):
        from flask_babel import force_locale

        with force_locale("en"):
            assert rule_words("FREQ=WEEKLY;INTERVAL=2;BYDAY=WE") == "every 2 weeks on Wed"
