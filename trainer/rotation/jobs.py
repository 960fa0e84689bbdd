"""Scheduled work of the rotation: plan open programme years that have trainees but no plan yet."""

from __future__ import annotations

import logging
from datetime import date

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.rotation.placements.operations import plan_year
from trainer.rotation.years.queries import years_waiting_for_a_plan
from trainer.workdays.notice_period import first_open_day

log = logging.getLogger(__name__)


def plan_open_years(today: date) -> str:
    """Idempotent: a year with any placement is left alone, so a second run changes nothing."""
    done = []
    with force_locale("zh"):
        for py in years_waiting_for_a_plan(today.year):
            try:
                outcome = plan_year(py, not_before=first_open_day(py.district_id, today), time_limit_s=20)
            except InvalidInput as error:
                db.session.rollback()
                log.warning("rotation %s %s not planned: %s", py.district_id, py.year, error.message)
                done.append(f"{py.district.name} {py.year}：{error.message}")
                continue
            db.session.commit()
            done.append(_("%(district)s %(year)s: %(placed)s trainees placed, %(unplaced)s not",
                          district=py.district.name, year=py.year, placed=outcome.placed,
                          unplaced=outcome.unplaced))
        return "；".join(done) if done else _("no open programme year waiting for a plan")


JOBS = [{
    "name": "rotation.plan_open_years", "func": plan_open_years, "trigger": "cron",
    "trigger_args": {"hour": 3, "minute": 10},
    "description": _l("Plan the placements of open rotation years that have trainees but no plan"),
}]
