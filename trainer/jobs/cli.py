"""``flask --app trainer jobs run | list | run-now NAME``."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer.core.clock import now_local, to_local, today_local
from trainer.jobs.queries import job_rows, last_runs
from trainer.jobs.registry import all_jobs
from trainer.jobs.runner import process_id, run_job, running_run
from trainer.jobs.scheduler import Scheduler
from trainer.launch.options import DAY


@click.group("jobs")
def cli():
    """The scheduler and its jobs."""


@cli.command("run")
def run_scheduler():
    """Run the scheduler process (one per deployment; a second one waits and runs nothing)."""
    logging.getLogger("trainer.jobs").setLevel(logging.INFO)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app = current_app._get_current_object()
    scheduler = Scheduler(app)
    stop = threading.Event()

    def _stop(signum, frame):
        click.echo(f"scheduler {scheduler.holder}: stopping (signal {signum})")
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    click.echo(f"scheduler {scheduler.holder}: started; Ctrl-C stops it")
    scheduler.serve(stop)


@cli.command("list")
@with_appcontext
def list_jobs():
    """List the jobs with their schedule, next run and last run."""
    for row in job_rows(now_local()):
        spec, last = row["spec"], row["last"]
        next_run = row["next_run"].strftime("%Y-%m-%d %H:%M") if row["next_run"] else "-"
        last_text = "-"
        if last is not None:
            last_text = f"{last.outcome} {to_local(last.started_at):%Y-%m-%d %H:%M} ({last.duration_ms or 0} ms)"
        click.echo(f"{spec.name:40} next {next_run:16}  last {last_text}  [{spec.schedule_text()}]")


@cli.command("run-now")
@click.argument("name")
@click.option("--date", "on", type=DAY, help="Run as if today were this date (YYYY-MM-DD).")
@with_appcontext
def run_now(name, on):
    """Run one job now and record the run."""
    spec = all_jobs().get(name)
    if spec is None:
        raise click.ClickException(f"no job {name!r}; `flask --app trainer jobs list` shows them")
    if running_run(name) is not None:
        raise click.ClickException(f"{name} is running now; wait for it to finish")
    today: date = on or today_local()
    run = run_job(spec, today, trigger="cli", holder=process_id("cli:"))
    click.echo(f"{name}: {run.outcome} in {run.duration_ms} ms: {run.summary}")
    if run.outcome == "error":
        raise SystemExit(1)


@cli.command("runs")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def list_runs(limit):
    """The last runs, newest first."""
    for run in last_runs(limit):
        click.echo(f"{to_local(run.started_at):%Y-%m-%d %H:%M:%S} {run.name:40} {run.trigger:9} {run.outcome:11} "
                   f"{run.duration_ms or 0:>7} ms  {run.summary}")
