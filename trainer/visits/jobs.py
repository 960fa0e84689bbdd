"""Scheduled work of the visit programme (contract: docs/architecture.md, docs/jobs.md).

- ``visits.roll_forward`` (on ``JOBS_PLAN_DAY_OF_MONTH``, 02:00): plan next month for every district with
  assignments. A month already planned is left alone except for stations that have no visit in it yet; running
  it twice adds nothing the second time. A year whose holidays are not announced is skipped ("2027 not
  announced") unless ``JOBS_PLAN_PROVISIONAL`` is true, then it plans on the provisional calendar.
- ``visits.monthly_accounts`` (daily, 04:00): close last month's accounts from ``ACCOUNTS_CLOSE_DAY`` (the 5th)
  on — store each firm's account of it (unique firm + month, so a later run stores nothing) — and the month before
  it, should the job not have run then. Until the close day lawyers may still record last month's visits late.
"""

from __future__ import annotations

import logging
from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.core.extensions import db
from trainer.core.months import month_bounds, month_key, next_month, previous_month, shift_month
from trainer.jobs.runner import Skip
from trainer.visits.plan import planner
from trainer.visits.records import accounts, rules
from trainer.workdays import is_provisional_range

log = logging.getLogger(__name__)


def roll_forward(today: date) -> str:
    month = next_month(today)
    first, last = month_bounds(month)
    provisional_ok = bool(current_app.config.get("JOBS_PLAN_PROVISIONAL", False))
    if is_provisional_range(first, last) and not provisional_ok:
        raise Skip(_("The official holidays of %(year)s are not announced yet: %(month)s was not planned (the "
                     "setting for planning on a provisional calendar is off).", year=month[0],
                     month=month_key(month)))
    done = []
    with force_locale("zh"):
        for district in planner.districts_with_assignments():
            run, stations = planner.fill_month(district, month, allow_provisional=provisional_ok)
            db.session.commit()
            if run is None:
                done.append(_("%(district)s: already planned", district=district.name))
            else:
                done.append(_("%(district)s: %(visits)s visits for %(stations)s stations", district=district.name,
                              visits=run.created, stations=stations)
                            + (_(", %(n)s problems", n=len(run.problems)) if run.problems else "")
                            + (_(" (on a provisional calendar)") if run.provisional else ""))
        return f"{month_key(month)}：" + ("；".join(done) if done else _("no district has assignments"))


def monthly_accounts(today: date) -> str:
    last = previous_month(today)
    months = [shift_month(last, -1)] + ([last] if today.day >= rules.close_day() else [])
    done = []
    for month in months:
        stored, kept = accounts.store_month(month)
        done.append(_("%(month)s: %(stored)s accounts stored, %(kept)s already stored", month=month_key(month),
                      stored=stored, kept=kept))
    db.session.commit()
    if today.day < rules.close_day():
        done.append(_("%(month)s stays open for late records until day %(day)s", month=month_key(last),
                      day=rules.close_day()))
    return "；".join(done)


JOBS = [
    {"name": "visits.roll_forward", "func": roll_forward, "trigger": "cron", "trigger_args": {"day": 20, "hour": 2},
     "description": _l("Plan next month's lawyer visits for stations that have none yet")},
    {"name": "visits.monthly_accounts", "func": monthly_accounts, "trigger": "cron",
     "trigger_args": {"hour": 4}, "description": _l("Close each firm's account of last month (from the 5th, "
                                                    "after the days for late records)")},
]
