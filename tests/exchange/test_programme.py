"""The JSON programme file: a district's programme round-trips; a bad file changes nothing and names every bad item."""

from __future__ import annotations

import copy
import json
import threading
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from tests.conftest import SOLVER_TIME_S
from tests.exchange.conftest import small_programme
from tests.visits.conftest import TODAY
from trainer.core.extensions import db
from trainer.exchange.programme import ProgrammeError, export_programme, import_programme
from trainer.exchange.rows import ImportClash, convert
from trainer.org import operations as org_operations
from trainer.org.models import Station, Union
from trainer.visits.models import (
    Assignment,
    Contract,
    Firm,
    Lawyer,
    LawyerLeave,
    LawyerStation,
    PlanRun,
    Visit,
)
from trainer.visits.plan import operations as plan_ops
from trainer.visits.plan import planner
from trainer.visits.setup import leave
from trainer.visits.setup import operations as setup_ops


def _wipe():
    for model in (Visit, PlanRun, Assignment, LawyerStation, LawyerLeave, Lawyer, Contract, Firm, Station, Union):
        db.session.execute(delete(model))
    db.session.commit()


def _planned(districts, programme):
    lawyer = programme["lawyers"][0]
    leave.add_leave(lawyer, date(2026, 12, 21), date(2026, 12, 23), "年假")
    setup_ops.save_lawyer(lawyer, firm=lawyer.firm, name=lawyer.name, phone=lawyer.phone,
                           station_ids=[programme["stations"][0].id, programme["stations"][2].id])
    planner.plan_range(districts["chaoyang"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    visit = db.session.scalar(select(Visit).order_by(Visit.day))
    plan_ops.set_pinned(visit, True)
    db.session.commit()


def test_round_trip_into_an_empty_database(app, districts, programme):
    _planned(districts, programme)
    first = export_programme(districts["chaoyang"], include_timestamp=False)
    assert len(first["stations"]) == 4 and len(first["visits"]["visits"]) == 8
    assert any(v["pinned"] for v in first["visits"]["visits"])
    text = json.dumps(first, ensure_ascii=False)
    _wipe()
    import_programme(json.loads(text))
    db.session.commit()
    again = export_programme(districts["chaoyang"], include_timestamp=False)
    assert again == first
    # Importing the same file twice changes nothing.
    import_programme(json.loads(text))
    db.session.commit()
    assert export_programme(districts["chaoyang"], include_timestamp=False) == first
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 8


def test_cli_export_and_import(app, districts, programme, tmp_path):
    _planned(districts, programme)
    path = tmp_path / "chaoyang.json"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["exchange", "export", str(path), "--district", "chaoyang"])
    assert result.exit_code == 0, result.output
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "trainer-programme" and data["district"] == "chaoyang"
    _wipe()
    result = runner.invoke(args=["exchange", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 8
    checked = runner.invoke(args=["visits", "check", "--district", "chaoyang", "--from", "2026-12"])
    assert checked.exit_code == 0, checked.output


def test_bad_file_changes_nothing_and_lists_every_bad_item(app, districts, programme):
    _planned(districts, programme)
    good = export_programme(districts["chaoyang"], include_timestamp=False)
    before = copy.deepcopy(good)
    bad = copy.deepcopy(good)
    bad["stations"][0]["receiving"] = ["9:am"]
    bad["visits"]["firms"][0]["contact_phone"] = "电话"
    bad["visits"]["lawyers"][1]["phone"] = "123"
    bad["visits"]["lawyers"].append({"id": "X", "firm": "不存在的律所", "name": "无名"})
    bad["visits"]["visits"][0]["lawyer"] = "nobody"
    bad["visits"]["visits"][1]["day"] = "2026-13-01"
    clash = dict(bad["visits"]["visits"][2])
    clash["station"] = bad["visits"]["visits"][3]["station"] if bad["visits"]["visits"][3]["station"] != clash[
        "station"] else bad["visits"]["visits"][4]["station"]
    bad["visits"]["visits"].append(clash)
    bad["visits"]["firms"].append({"name": "北京新律师事务所", "contact_name": "新"})
    runner = app.test_cli_runner()
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(bad, handle, ensure_ascii=False)
    result = runner.invoke(args=["exchange", "import", handle.name])
    assert result.exit_code != 0
    output = result.output
    for where in ("stations[0].receiving", "visits.firms[0].contact_phone", "visits.lawyers[1].phone",
                  "visits.lawyers[4].firm", "visits.visits[0].lawyer", "visits.visits[1].day", "visits.visits[8]"):
        assert where in output, (where, output)
    assert "未导入任何内容" in output
    try:
        import_programme(bad)
    except ProgrammeError as error:
        assert len(error.fields) >= 7
    else:
        raise AssertionError("the bad file was accepted")
    db.session.rollback()
    assert db.session.scalar(select(Firm).where(Firm.name == "北京新律师事务所")) is None
    assert export_programme(districts["chaoyang"], include_timestamp=False) == before


def test_hand_written_file_with_short_ids_imports_and_plans(app, districts):
    data = {
        "format": "trainer-programme", "version": 1, "district": "xicheng",
        "stations": [{"id": "S1", "name": "月坛街道工会服务站", "union": "月坛街道总工会", "address": "北京市西城区月坛北街1号",
                      "receiving": ["1:am", "3:am", "1:pm", "3:pm"]},
                     {"name": "金融街街道工会服务站", "address": "北京市西城区金融大街1号"}],
        "unions": [{"name": "月坛街道总工会", "kind": "street", "street": "月坛街道"}],
        "visits": {
            "firms": [{"name": "北京金衡律师事务所", "contracts": [{"start": "2026-01-01", "end": "2027-12-31",
                                                                "stations_covered": 2}]}],
            "lawyers": [{"id": "L1", "firm": "北京金衡律师事务所", "name": "曹雨", "phone": "13822330004",
                         "leave": [{"start": "2026-12-07", "end": "2026-12-09", "reason": "开庭"}]},
                        {"id": "L2", "firm": "北京金衡律师事务所", "name": "邓超群"}],
            "assignments": [{"station": "S1", "firm": "北京金衡律师事务所", "lead": "曹雨", "backup": "L2"},
                            {"station": "金融街街道工会服务站", "firm": "北京金衡律师事务所", "lead": "L2"}],
        },
    }
    import_programme(data)
    db.session.commit()
    outcome = planner.plan_range(districts["xicheng"], "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    assert outcome.problems == []
    problems, _loaded = plan_ops.check_visits(districts["xicheng"], date(2026, 12, 1), date(2026, 12, 31))
    assert problems == []
    exported = export_programme(districts["xicheng"])
    assert len(exported["visits"]["visits"]) == 4
    cao = [v for v in exported["visits"]["visits"] if v["lawyer"].endswith("/曹雨")]
    assert not any("2026-12-07" <= v["day"] <= "2026-12-09" for v in cao)


def _counts() -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Union)),
            db.session.scalar(select(func.count()).select_from(Station)))


def test_two_bad_items_are_both_listed_in_the_shared_wording_and_nothing_is_imported(app, districts):
    data = small_programme(unions=[{"name": "月坛街道总工会", "kind": "street"}, {"kind": "street"}],
                       stations=[{"name": "月坛街道工会服务站", "union": "月坛街道总工会", "address": "月坛北街1号"},
                                 {"union": "月坛街道总工会", "address": "月坛北街2号"}])
    with pytest.raises(ProgrammeError) as refused:
        import_programme(data)
    required = convert(None)[1]  # the one wording of every import: "is required"
    assert refused.value.fields == {"unions[1].name": required, "stations[1].name": required}
    assert "2" in refused.value.message and "未导入任何内容" in refused.value.message
    assert _counts() == (0, 0)  # the good union and station of the same file were not kept


def _import_in_thread(app, data: dict, outcomes: list, name: str, done: threading.Event | None = None):
    """The programme-file import in its own thread, app context and session; what came of it goes to
    ``outcomes`` ("imported", "refused" with the message, or "escaped" with anything else)."""

    def run() -> None:
        with app.app_context():
            try:
                district = import_programme(copy.deepcopy(data))
                outcomes.append(("imported", district.code))
            except ImportClash as error:
                outcomes.append(("refused", error.message))
            except Exception as error:  # noqa: BLE001 - the test reports anything else that escaped
                outcomes.append(("escaped", repr(error)))
            finally:
                if done is not None:
                    done.set()

    return threading.Thread(target=run, name=name)


def _one_imported_one_refused(outcomes: list) -> None:
    assert sorted(kind for kind, _detail in outcomes) == ["imported", "refused"], outcomes
    assert next(detail for kind, detail in outcomes if kind == "refused") == ImportClash().message
    db.session.expire_all()
    assert _counts() == (1, 1)  # the first import whole, nothing of the second


def test_two_identical_imports_at_the_same_moment_one_is_refused_clearly(app, districts, monkeypatch):
    """Both imports have read the district (no union yet) before either writes, as two operators pressing
    import together; whichever writes second clashes with the first (in the database or in an operation)."""
    together = threading.Barrier(2, timeout=20)
    real_save_union = org_operations.save_union

    def save_union_together(*args, **kwargs):
        together.wait()
        return real_save_union(*args, **kwargs)

    monkeypatch.setattr(org_operations, "save_union", save_union_together)
    outcomes: list[tuple[str, str]] = []
    threads = [_import_in_thread(app, small_programme(), outcomes, f"import {n}") for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    _one_imported_one_refused(outcomes)


def test_an_import_that_read_before_an_identical_one_was_saved_is_refused_clearly(app, districts, monkeypatch):
    """The second import read the district before the first was saved, and writes after: its operations find
    "a union of that name" that was not there when it read; that is a clash, not a problem of the file."""
    both_read = threading.Barrier(2, timeout=20)
    first_saved = threading.Event()
    real_save_union = org_operations.save_union

    def save_union_in_turn(*args, **kwargs):
        both_read.wait()
        if threading.current_thread().name == "second":
            assert first_saved.wait(timeout=20)
        return real_save_union(*args, **kwargs)

    monkeypatch.setattr(org_operations, "save_union", save_union_in_turn)
    outcomes: list[tuple[str, str]] = []
    threads = [_import_in_thread(app, small_programme(), outcomes, "first", done=first_saved),
               _import_in_thread(app, small_programme(), outcomes, "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    _one_imported_one_refused(outcomes)
    assert outcomes[0] == ("imported", "xicheng")
