"""`flask --app trainer instructors ...`: list, tree, expand-meetings, import, export."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask.cli import with_appcontext
from openpyxl import load_workbook

from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.exchange.excel import workbook_bytes
from trainer.exchange.rows import SheetErrors, run_import
from trainer.instructors.engagements import sheets as engagement_sheets
from trainer.instructors.hierarchy import queries
from trainer.instructors.hierarchy import sheets as instructor_sheets
from trainer.instructors.hierarchy.chart import org_chart
from trainer.instructors.labels import tier_label
from trainer.instructors.meetings.operations import expand_all, horizon
from trainer.launch.options import district_of, in_request, refused


def _district_id(code: str | None) -> int | None:
    district = district_of(code, required=False)
    return district.id if district else None


@click.group("instructors")
def cli():
    """Three-tier collective-bargaining instructors (集体协商指导员)."""


@cli.command("list")
@click.option("--district", help="District code, e.g. chaoyang (city instructors are always listed)")
@click.option("--tier", type=click.Choice(["city_full", "district_full", "district_part"]))
@with_appcontext
@in_request
def list_instructors(district, tier):
    """List instructors: tier, district, name, guide, status."""
    for p in queries.command_listing(_district_id(district), tier):
        click.echo(f"{p.id:5} {p.tier:14} {(p.district.code if p.district else 'city'):12} {p.name:10} "
                   f"guide={p.guide.name if p.guide else '-':10} {p.status}")


@cli.command("tree")
@click.option("--district", help="District code, e.g. chaoyang; without it the whole city")
@with_appcontext
@in_request
def tree(district):
    """Print the hierarchy with each instructor's span (a ! marks one over INSTRUCTOR_SPAN_LIMIT)."""
    chart = org_chart(_district_id(district))

    def show(node, depth):
        span = getattr(node, "city_span", node.span)
        mark = f"  [guides {span}{' ! over ' + str(chart.limit) if span > chart.limit else ''}]" \
            if node.instructor.tier != "district_part" else ""
        where = node.instructor.district.name if node.instructor.district else "市级"
        click.echo(f"{'    ' * depth}- {node.instructor.name} ({tier_label(node.instructor.tier)}, {where}){mark}")
        for child in node.children:
            show(child, depth + 1)

    for root in chart.roots:
        show(root, 0)
    for person in chart.unlinked:
        click.echo(f"! not linked to a guide: {person.name} ({tier_label(person.tier)})")


@cli.command("expand-meetings")
@click.option("--days", type=click.IntRange(0, 3660), default=None, help="How far ahead (default JOBS_MEETING_HORIZON_DAYS)")
@click.option("--provisional", is_flag=True,
              help="Also place meetings in years whose holidays are not announced (marked provisional)")
@with_appcontext
@in_request
def expand_meetings(days, provisional):
    """Place the meetings of every series on working days (idempotent)."""
    until = horizon() if days is None else today_local() + timedelta(days=days)
    result = expand_all(until, provisional=provisional)
    db.session.commit()
    click.echo(result.summary())


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--district", help="Only accept rows of this district (code)")
@with_appcontext
@in_request
def import_file(file, district):
    """Import instructors (sheet 指导员) and engagements (sheet 集体协商) from an .xlsx file; all or nothing."""
    district_id = _district_id(district)
    workbook = load_workbook(file, read_only=True)
    names = workbook.sheetnames
    workbook.close()
    wanted = [kind for kind in (instructor_sheets.SHEET, engagement_sheets.SHEET) if kind.title in names]
    if engagement_sheets.SHEET.title not in names:
        wanted = [instructor_sheets.SHEET]  # a workbook of one unnamed sheet holds instructors

    def import_all() -> list[str]:
        done = []
        for kind in wanted:
            with file.open("rb") as handle:
                created, updated = kind.importer(handle, district_id)
            done.append(f"{kind.name}: {created} new, {updated} updated")
        return done

    try:
        done = run_import(import_all)
    except SheetErrors as error:
        for item in error.errors:
            click.echo(str(item), err=True)
        raise click.ClickException(error.message) from None
    except InvalidInput as error:
        raise refused(error) from None
    click.echo("; ".join(done))


@cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--district", help="Only this district (code); without it the whole city")
@with_appcontext
@in_request
def export_file(file, district):
    """Export instructors and engagements to an .xlsx file (two sheets)."""
    district_id = _district_id(district)
    file.write_bytes(workbook_bytes([instructor_sheets.export_instructors(district_id),
                                     engagement_sheets.export_engagements(district_id)]))
    click.echo(f"written {file}")
