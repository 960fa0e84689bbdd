"""Scheduled work of the visit programme (contract: docs/architecture.md, docs/jobs.md).

- ``visits.roll_forward`` (on ``JOBS_PLAN_DAY_OF_MONTH``, 02:00): plan next month for every district with
  assignments. A month already planned is left alone except for stations that have no visit in it yet; running
  it twice adds nothing the second time. A year whose holidays are not announced is skipped ("2027 not
  announced") unless ``JOBS_PLAN_PROVISIONAL`` is true, then it plans on the provisional calendar.
- ``visits.monthly_accounts`` (the 1st, 04:00): store each firm's account of the month just ended
  (unique firm + month, so a second run stores nothing).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from trainer.core.extensions import db

log = logging.getLogger(__name__)


def _next_month(today: date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def fill_month(district, month: tuple[int, int], *, allow_provisional: bool, time_limit_s: float = 20.0):
    """Plan ``month`` for the stations of ``district`` that have an assignment and no visit in it; every visit
    already there stays where it is. Returns (PlanRun or None, number of stations planned)."""
    from trainer.planning.visits import plan_visits
    from trainer.visits.messages import problem_dict
    from trainer.visits.models import Assignment, PlanRun, Visit
    from trainer.visits.planner import load_request, month_bounds, month_key, persist

    first, last = month_bounds(month)
    assigned = set(db.session.scalars(select(Assignment.station_id).where(
        Assignment.district_id == district.id, Assignment.active)))
    planned = set(db.session.scalars(select(Visit.station_id).where(
        Visit.district_id == district.id, Visit.day >= first, Visit.day <= last, Visit.status != "cancelled")))
    missing = assigned - planned
    if not missing:
        return None, 0
    loaded = load_request(district, [month], mode="full", allow_provisional=allow_provisional,
                          time_limit_s=time_limit_s, station_ids=missing)
    # Everything already planned holds still: only the missing stations get visits.
    request = replace(loaded.request, existing=tuple(replace(f, pinned=True) for f in loaded.request.existing))
    result = plan_visits(request)
    outcome = persist(loaded, result, district)
    problems = [problem_dict(p) for p in result.problems]
    run = PlanRun(district_id=district.id, first_month=month_key(month), last_month=month_key(month), mode="full",
                  provisional=loaded.provisional, status=result.status, created=len(outcome.created),
                  moved=len(outcome.moved), cancelled=len(outcome.cancelled), kept=outcome.kept,
                  problems=problems, stats={"job": "visits.roll_forward", "stations": len(missing)})
    db.session.add(run)
    db.session.flush()
    return run, len(missing)


def roll_forward(today: date) -> str:
    from trainer.jobs.runner import Skip
    from trainer.org.models import District
    from trainer.visits.calendar import working_days, year_not_announced
    from trainer.visits.models import Assignment
    from trainer.visits.planner import month_bounds

    month = _next_month(today)
    first, last = month_bounds(month)
    provisional_ok = bool(current_app.config.get("JOBS_PLAN_PROVISIONAL", False))
    try:
        working_days(first, last)
    except year_not_announced():
        if not provisional_ok:
            raise Skip(f"{month[0]} not announced: {month[0]}年的法定节假日安排尚未公布，"
                       f"{month[0]}-{month[1]:02d} was not planned (set JOBS_PLAN_PROVISIONAL to plan on a "
                       f"provisional calendar)") from None
    districts = db.session.scalars(select(District).where(exists().where(
        Assignment.district_id == District.id, Assignment.active)).order_by(District.sort_order)).all()
    done = []
    with force_locale("zh"):
        for district in districts:
            run, stations = fill_month(district, month, allow_provisional=provisional_ok)
            db.session.commit()
            if run is None:
                done.append(f"{district.code}: already planned")
            else:
                done.append(f"{district.code}: {run.created} visits for {stations} stations"
                            + (f", {len(run.problems)} problems" if run.problems else "")
                            + (" (provisional)" if run.provisional else ""))
    label = f"{month[0]}-{month[1]:02d}"
    return f"{label}: " + ("; ".join(done) if done else "no district has assignments")


def monthly_accounts(today: date) -> str:
    from trainer.visits.accounts import district_accounts, previous_month, store_snapshot
    from trainer.visits.models import Firm

    month = previous_month(today)
    district_ids = list(db.session.scalars(select(Firm.district_id).distinct()))
    stored = kept = 0
    for district_id in district_ids:
        for account in district_accounts(district_id, month):
            if store_snapshot(account):
                stored += 1
            else:
                kept += 1
    db.session.commit()
    return f"{month[0]}-{month[1]:02d}: {stored} accounts stored, {kept} already stored"


JOBS = [
    {"name": "visits.roll_forward", "func": roll_forward, "trigger": "cron", "trigger_args": {"day": 20, "hour": 2},
     "description": _l("Plan next month's lawyer visits for stations that have none yet")},
    {"name": "visits.monthly_accounts", "func": monthly_accounts, "trigger": "cron",
     "trigger_args": {"day": 1, "hour": 4}, "description": _l("Store each firm's account of the month just ended")},
]
