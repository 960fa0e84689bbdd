"""The jobs the scheduler knows: every area's ``trainer/<area>/jobs.py:JOBS`` plus this area's reminders.

A job is ``{"name", "func", "trigger", "trigger_args", "description"}`` (docs/architecture.md); ``func(today)``
returns a one-line summary, is idempotent and commits its own work. Operators may move a job with the config
``JOBS_TRIGGERS = {"visits.roll_forward": {"day": 15, "hour": 2}}`` and limit the scheduled jobs with
``JOBS_ENABLED = ["..."]``; the visit plan's day also follows ``JOBS_PLAN_DAY_OF_MONTH``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import current_app
from flask_babel import lazy_gettext as _l

from trainer.core.areas import AREAS, area_modules
from trainer.core.clock import LOCAL_TZ
from trainer.jobs.reminders import send_reminders

log = logging.getLogger(__name__)

PLAN_FORWARD_JOB = "visits.roll_forward"


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable[[date], str]
    trigger: str = "cron"  # cron | interval
    trigger_args: dict = field(default_factory=dict)
    description: object = ""  # str or lazy_gettext string
    area: str = ""

    def make_trigger(self) -> BaseTrigger:
        args = dict(self.trigger_args)
        if self.trigger == "interval":
            return IntervalTrigger(timezone=LOCAL_TZ, **args)
        return CronTrigger(timezone=LOCAL_TZ, **args)

    def schedule_text(self) -> str:
        args = self.trigger_args
        if self.trigger == "interval":
            return "every " + ", ".join(f"{v} {k}" for k, v in args.items())
        parts = [f"{key}={args[key]}" for key in ("month", "day", "day_of_week", "hour", "minute") if key in args]
        return "cron " + " ".join(parts)


# Tests put their own list here; None = discover.
_override: list[JobSpec] | None = None


def _area_specs() -> list[JobSpec]:
    specs = []
    for module in area_modules("jobs", tuple(a for a in AREAS if a != "jobs")):
        area = module.__name__.split(".")[1]
        for item in getattr(module, "JOBS", []):
            specs.append(JobSpec(name=item["name"], func=item["func"], trigger=item.get("trigger", "cron"),
                                 trigger_args=dict(item.get("trigger_args", {})),
                                 description=item.get("description", ""), area=area))
    return specs


def _builtin_specs() -> list[JobSpec]:
    return [JobSpec(name="jobs.send_reminders", func=send_reminders, trigger="cron",
                    trigger_args={"hour": 18, "minute": 0},
                    description=_l("E-mail tomorrow's visits, duty shifts, placement days and meetings to the "
                                               "people concerned (once each)."), area="jobs")]


def all_jobs() -> dict[str, JobSpec]:
    """Every job by name, with the operator's trigger changes applied."""
    specs = list(_override) if _override is not None else _area_specs() + _builtin_specs()
    config = current_app.config
    moved = dict(config.get("JOBS_TRIGGERS") or {})
    plan_day = config.get("JOBS_PLAN_DAY_OF_MONTH")
    jobs: dict[str, JobSpec] = {}
    for spec in specs:
        args = dict(spec.trigger_args)
        if spec.name == PLAN_FORWARD_JOB and plan_day and spec.trigger == "cron":
            args["day"] = int(plan_day)
        if spec.name in moved:
            args = dict(moved[spec.name])
        if spec.name in jobs:
            log.warning("job %s is defined twice; keeping the first", spec.name)
            continue
        jobs[spec.name] = JobSpec(spec.name, spec.func, spec.trigger, args, spec.description, spec.area)
    return jobs


def scheduled_jobs() -> dict[str, JobSpec]:
    enabled = current_app.config.get("JOBS_ENABLED")
    jobs = all_jobs()
    if enabled is None:
        return jobs
    return {name: spec for name, spec in jobs.items() if name in set(enabled)}


def next_fire_time(spec: JobSpec, now: datetime) -> datetime | None:
    return spec.make_trigger().get_next_fire_time(None, now)


def previous_fire_time(spec: JobSpec, now: datetime, lookback: timedelta = timedelta(days=40)) -> datetime | None:
    """The last time the job was due at or before ``now`` (within ``lookback``), or None."""
    trigger = spec.make_trigger()
    if isinstance(trigger, IntervalTrigger):
        return None  # interval jobs have no fixed firings to catch up
    # Search a short window first, so that frequent jobs do not walk through thousands of firings.
    for window in (timedelta(hours=1), timedelta(days=1), lookback):
        last = None
        moment = trigger.get_next_fire_time(None, now - min(window, lookback))
        while moment is not None and moment <= now:
            last = moment
            moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
        if last is not None:
            return last
    return None


def run_key(name: str, fire_time: datetime) -> str:
    return f"{name}@{fire_time.astimezone(LOCAL_TZ).strftime('%Y-%m-%dT%H:%M%z')}"
