"""``flask --app trainer rotation ...``: plan a programme year, list years and placements, print coverage."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.launch.options import YEAR, district_of, refused
from trainer.rotation.coverage.operations import all_districts, coverage
from trainer.rotation.placements.operations import plan_year
from trainer.rotation.years.queries import year_counts, year_of, years_for

cli = click.Group("rotation", help="Rotation training (以干代训): plan placements, list them, coverage.")


def _year(district, year: int):
    py = year_of(district.id, year)
    if py is None:
        raise click.ClickException(f"{district.code} has no programme year {year}")
    return py


@cli.command("plan")
@click.option("--district", "district_code", default="chaoyang", show_default=True, help="District code")
@click.option("--year", type=YEAR, required=True, help="Programme year, e.g. 2027")
@click.option("--provisional", is_flag=True, help="Plan on a provisional calendar if the year is not announced")
@click.option("--fresh", is_flag=True, help="Plan afresh instead of re-planning with least change")
@click.option("--time-limit", type=float, default=10.0, show_default=True, help="Solver seconds")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@with_appcontext
def plan(district_code, year, provisional, fresh, time_limit, lang):
    """Plan (or re-plan) every trainee's placement of a programme year."""
    district = district_of(district_code)
    py = _year(district, year)
    with force_locale(lang):
        try:
            outcome = plan_year(py, allow_provisional=provisional, mode="full" if fresh else "replan",
                                time_limit_s=time_limit)
        except InvalidInput as error:
            db.session.rollback()
            raise refused(error) from None
        db.session.commit()
        click.echo(f"{district.code} {year}: {outcome.placed} placed, {outcome.unplaced} not placed, "
                   f"{outcome.moved} changed{' (provisional calendar)' if outcome.provisional else ''}")
        for sentence in outcome.problems:
            click.echo(f"  ! {sentence}")
    if outcome.unplaced:
        raise SystemExit(2)


@cli.command("list")
@click.option("--district", "district_code", default="chaoyang", show_default=True)
@click.option("--year", type=YEAR, help="Show this year's placements")
@with_appcontext
def list_years(district_code, year):
    """List programme years, or one year's placements."""
    district = district_of(district_code)
    if year is None:
        years = sorted(years_for(district.id), key=lambda py: py.year)
        counts = year_counts([py.id for py in years])
        for py in years:
            click.echo(f"{py.year}  {py.status:7} trainees {counts[py.id]['trainees']}/{py.trainee_target}  "
                       f"placed {counts[py.id]['placed']}  capacity {py.capacity}  {py.centre_name}")
        return
    py = _year(district, year)
    for trainee in py.trainees:
        days = trainee.placement.active_days if trainee.placement else []
        span = f"{days[0].day} .. {days[-1].day}" if days else "not planned"
        mentors = "、".join(dict.fromkeys(d.mentor.name for d in days if d.mentor))
        flags = " pinned" if trainee.placement and trainee.placement.pinned else ""
        click.echo(f"{trainee.name:8} {trainee.union.name:20} {span:26} {mentors}{flags}")


@cli.command("coverage")
@click.option("--district", "district_code", help="District code; all districts when left out")
@with_appcontext
def coverage_report(district_code):
    """Streets with a certified independent mediator, per district."""
    districts = [district_of(district_code)] if district_code else all_districts()
    for cov in coverage(districts):
        if not cov.streets_total and not cov.years:
            continue
        click.echo(f"{cov.district.code:12} streets covered {cov.streets_covered}/{cov.streets_total} "
                   f"({round(cov.share * 100)}%)")
        for stats in cov.years:
            rate = f"{round(stats.success_rate * 100)}%" if stats.success_rate is not None else "-"
            click.echo(f"  {stats.year}: trainees {stats.trainees}, certified {stats.certified}, "
                       f"week-two mediations {stats.independent_cases} (success {rate})")
