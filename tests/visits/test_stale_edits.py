"""A stale edit in every slice's form: two coordinators open the same record, the first saves, the second's save
is refused with 303 back to the form, which then shows the first one's values and who saved them when."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from tests.conftest import SOLVER_TIME_S
from tests.visits.conftest import TODAY
from trainer.core.clock import LOCAL_TZ
from trainer.core.extensions import db
from trainer.visits.duty import operations as duty
from trainer.visits.models import Visit
from trainer.visits.plan import operations as plan_ops
from trainer.visits.plan import planner
from trainer.visits.records import operations as records


def _firm(programme):
    firm = programme["firms"][0]
    data = {"name": firm.name, "contact_phone": "13800000000", "address": "北京市朝阳区某路1号", "active": "y"}
    return (f"/visits/firms/{firm.id}", "version", {**data, "contact_name": "李一"},
            {**data, "contact_name": "王二"}, 'value="李一"', "王二")


def _contract(programme):
    contract = programme["firms"][0].contracts[0]
    data = {"start": "2026-01-01", "end": "2027-12-31", "stations_covered": "2", "visits_per_station_month": "2",
            "hours_per_visit": "3"}
    return (f"/visits/contracts/{contract.id}", "version", {**data, "reference": "CY-第一份"},
            {**data, "reference": "CY-第二份"}, 'value="CY-第一份"', "CY-第二份")


def _lawyer(programme):
    lawyer = programme["lawyers"][0]
    data = {"name": lawyer.name, "firm_id": lawyer.firm_id, "specialities": "劳动争议", "active": "y"}
    return (f"/visits/lawyers/{lawyer.id}", "version", {**data, "phone": "13911110001"},
            {**data, "phone": "13911110002"}, 'value="13911110001"', "13911110002")


def _visit_move(programme):
    planner.plan_range(programme["firms"][0].district, "2026-12", "2026-12", time_limit_s=SOLVER_TIME_S, today=TODAY)
    db.session.commit()
    visit = db.session.scalar(select(Visit).where(Visit.status == "planned").order_by(Visit.day))
    first_day, second_day = [d for d in (date(2026, 12, n) for n in range(1, 32)) if d != visit.day
                             and not plan_ops.visit_conflicts(visit, lawyer_id=visit.lawyer_id, day=d,
                                                              half=visit.half)][:2]
    data = {"action": "move", "move-half": visit.half, "move-lawyer_id": visit.lawyer_id}
    return (f"/visits/v/{visit.id}", "move-version", {**data, "move-day": first_day.isoformat()},
            {**data, "move-day": second_day.isoformat()}, f'value="{first_day.isoformat()}"',
            f'value="{second_day.isoformat()}"')


def _consultation(programme):
    station, lawyer = programme["stations"][0], programme["lawyers"][0]
    visit = Visit(district_id=station.district_id, station_id=station.id, lawyer_id=lawyer.id,
                  firm_id=lawyer.firm_id, day=TODAY, half="am", status="planned", pinned=True)
    db.session.add(visit)
    db.session.flush()
    records.check_in(visit, user=None, today=TODAY, at=datetime(2026, 11, 24, 9, 5, tzinfo=LOCAL_TZ))
    consultation = records.save_consultation(None, visit=visit, user=None, asker_type="worker", people_count=1,
                                             channel="on_site", category="pay", question="拖欠工资怎么办？")
    db.session.commit()
    data = {"asker_type": "worker", "people_count": "1", "channel": "on_site", "category": "pay",
            "referral": "none"}
    return (f"/visits/consultations/{consultation.id}", "version", {**data, "question": "第一位的问题摘要"},
            {**data, "question": "第二位的问题摘要"}, "第一位的问题摘要", "第二位的问题摘要")


def _duty_period(programme):
    lawyers = programme["lawyers"]
    period = duty.save_period(None, district_id=lawyers[0].district_id, title="春节值班", first_day=date(2027, 2, 1),
                              last_day=date(2027, 2, 7), shifts="00:00-12:00, 12:00-24:00", per_shift=1,
                              lawyer_ids=[lw.id for lw in lawyers])
    db.session.commit()
    data = {"first_day": "2027-02-01", "last_day": "2027-02-07", "shifts": "00:00-12:00, 12:00-24:00",
            "per_shift": "1", "lawyer_ids": [lw.id for lw in lawyers]}
    return (f"/visits/duty/{period.id}/edit", "version", {**data, "title": "春节值班（第一位）"},
            {**data, "title": "春节值班（第二位）"}, 'value="春节值班（第一位）"', "春节值班（第二位）")


@pytest.mark.parametrize("case", [_firm, _contract, _lawyer, _visit_move, _consultation, _duty_period],
                         ids=["setup-firm", "setup-contract", "setup-lawyer", "plan-visit-move",
                              "records-consultation", "duty-period"])
def test_the_second_save_shows_the_first_ones_values_and_who_saved_them(case, login_as, programme):
    url, version_field, first_data, second_data, first_shown, second_value = case(programme)
    first, second = login_as("coordinator", "chaoyang"), login_as("coordinator", "chaoyang")
    versions = [re.search(rf'name="{version_field}" type="hidden" value="(\d+)"',
                          client.get(url).get_data(as_text=True)).group(1) for client in (first, second)]
    assert versions[0] == versions[1]

    saved = first.post(url, data={**first_data, version_field: versions[0]})
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    refused = second.post(url, data={**second_data, version_field: versions[1]})
    assert refused.status_code == 303 and refused.headers["Location"].endswith(url)

    page = second.get(refused.headers["Location"]).get_data(as_text=True)
    assert re.search(rf"{first.user.display_name} 在 \d{{4}}年\d{{1,2}}月\d{{1,2}}日.*保存了这条记录", page)
    assert first_shown in page and second_value not in page
