"""``flask --app trainer visits ...``: plan, re-plan, list and check a district's lawyer visits."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext

from trainer.core.extensions import db
from trainer.core.months import month_bounds, parse_month
from trainer.core.validation import InvalidInput
from trainer.launch.options import district_of, refused
from trainer.visits.plan import operations, planner, queries
from trainer.visits.plan.messages import describe_all, problem_dict
from trainer.workdays import YearNotAnnounced

cli = click.Group("visits", help="Lawyer visits (一站一家一律师): plan, re-plan, list, check and measure.")


def _run_plan(district_code, first, last, provisional, mode, time_limit, allow_past):
    district = district_of(district_code)
    try:
        outcome = planner.plan_range(district, first, last, allow_provisional=provisional, mode=mode,
                                     time_limit_s=time_limit, allow_past=allow_past)
    except YearNotAnnounced as error:
        raise click.ClickException(f"{error}  (use --provisional to plan on a provisional calendar)") from None
    except InvalidInput as error:
        raise refused(error) from None
    db.session.commit()
    run = outcome.run
    click.echo(f"{district.code} {run.first_month}..{run.last_month} ({mode}): {run.status}; "
               f"{run.created} new, {run.moved} moved, {run.kept} kept, {run.cancelled} cancelled"
               + (" [provisional calendar]" if run.provisional else ""))
    for message in describe_all(outcome.problems):
        click.echo(f"  ! {message}")
    if outcome.problems:
        click.echo(f"{len(outcome.problems)} problems; everything else was planned.")


_plan_options = [
    click.option("--district", "district_code", required=True, help="district code, e.g. chaoyang"),
    click.option("--from", "first", required=True, help="first month, e.g. 2027-01"),
    click.option("--to", "last", required=True, help="last month, e.g. 2027-03"),
    click.option("--provisional", is_flag=True, help="plan on a provisional calendar when a year is not announced"),
    click.option("--time-limit", type=float, default=20.0, show_default=True, help="solver time limit, seconds"),
    click.option("--allow-past", is_flag=True, help="also plan days before today (loading history)"),
]


def _with_plan_options(func):
    for option in reversed(_plan_options):
        func = option(func)
    return func


def _range(first, last):
    """The days from the first month's first to the last month's last (the first month when no last)."""
    try:
        return month_bounds(parse_month(first))[0], month_bounds(parse_month(last or first))[1]
    except InvalidInput as error:
        raise refused(error) from None


@cli.command("plan")
@_with_plan_options
@with_appcontext
def plan(district_code, first, last, provisional, time_limit, allow_past):
    """Plan the months afresh: pinned visits stay, the rest is planned anew (ids are kept where possible)."""
    _run_plan(district_code, first, last, provisional, "full", time_limit, allow_past)


@cli.command("replan")
@_with_plan_options
@with_appcontext
def replan(district_code, first, last, provisional, time_limit, allow_past):
    """Re-plan: keep pinned and still-valid visits, move as few others as possible."""
    _run_plan(district_code, first, last, provisional, "replan", time_limit, allow_past)


@cli.command("list")
@click.option("--district", "district_code", required=True)
@click.option("--from", "first", required=True, help="first month, e.g. 2027-01")
@click.option("--to", "last", help="last month (default: the first)")
@click.option("--lawyer", help="only this lawyer (name)")
@click.option("--station", help="only this station (name)")
@click.option("--all", "show_all", is_flag=True, help="include cancelled visits")
@with_appcontext
def list_visits(district_code, first, last, lawyer, station, show_all):
    """List visits, one a line: day, half, station, lawyer, flags."""
    district = district_of(district_code)
    start, end = _range(first, last)
    count = 0
    for visit in queries.listed_visits(district.id, start, end, lawyer=lawyer, station=station, show_all=show_all):
        flags = " ".join(f for f, on in (("pinned", visit.pinned), ("backup", visit.by_backup),
                                          ("provisional", visit.provisional), (visit.status, visit.status != "planned"))
                         if on)
        click.echo(f"{visit.day.isoformat()} {visit.half} {visit.station.name}  {visit.lawyer.name}  {flags}".rstrip())
        count += 1
    click.echo(f"{count} visits")


@cli.command("quality")
@click.option("--district", "district_code", required=True)
@click.option("--from", "first", required=True, help="first month, e.g. 2027-01")
@click.option("--to", "last", help="last month (default: the first)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object instead of lines")
@with_appcontext
def quality(district_code, first, last, as_json):
    """How good the stored plan is, in the figures `make bench` prints for the planner and its peers."""
    district = district_of(district_code)
    start, end = _range(first, last)
    try:
        figures = operations.plan_figures(district, start, end)
    except InvalidInput as error:
        raise refused(error) from None
    finally:
        db.session.rollback()
    if as_json:
        click.echo(json.dumps(figures))
        return
    low, high = figures["visits_per_lead_min"], figures["visits_per_lead_max"]
    click.echo(f"{district.code} {start:%Y-%m}..{end:%Y-%m}: {figures['visits']} visits")
    click.echo(f"  Σ|gap − 14| over each station's consecutive visits: {figures['gap_sum']}")
    click.echo(f"  station-months keeping the station's rhythm: {figures['rhythm_month_share']:.1%}")
    click.echo(f"  visits by the backup lawyer: {figures['backup_visits']}")
    click.echo(f"  hard-rule violations: {figures['violations']}")
    click.echo(f"  visits per lead lawyer: {low}–{high}"
               + (f"; {figures['unassigned_stations']} stations unassigned" if figures["unassigned_stations"] else ""))


@cli.command("check")
@click.option("--district", "district_code", required=True)
@click.option("--from", "first", required=True, help="first month, e.g. 2027-01")
@click.option("--to", "last", help="last month (default: the first)")
@with_appcontext
def check(district_code, first, last):
    """Check the stored visits against the hard rules; exit status 1 when any is broken."""
    district = district_of(district_code)
    start, end = _range(first, last)
    try:
        problems, loaded = operations.check_visits(district, start, end)
    except InvalidInput as error:
        raise refused(error) from None
    dicts = [problem_dict(p) for p in problems]
    for station in loaded.unassigned:
        dicts.append(problem_dict({"rule": "unassigned", "station_ids": [station.id], "days": [], "month": None,
                                   "lawyer_ids": [], "details": {}}))
    for message in describe_all(dicts):
        click.echo(f"  ! {message}")
    hard = [p for p in dicts if p["rule"] != "unassigned"]
    click.echo(f"{len(hard)} hard-rule violations" + (f", {len(loaded.unassigned)} unassigned stations"
                                                     if loaded.unassigned else ""))
    db.session.rollback()
    if hard:
        raise SystemExit(1)
