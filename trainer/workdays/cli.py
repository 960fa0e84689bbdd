"""`flask --app trainer workdays ...`: show a year, check a date, import a notice file, confirm a year."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from trainer.core.extensions import db
from trainer.core.inputs import InputError, load_json
from trainer.core.validation import InvalidInput
from trainer.exchange.rows import run_import
from trainer.launch.options import DAY, YEAR, in_request
from trainer.workdays import operations, service
from trainer.workdays.notice import NoticeInvalid, entries_as_ranges

STATUS_TEXT = {"official": "official 正式", "draft": "draft 草稿（未确认）", "not_announced": "not announced 未公布"}
KIND_TEXT = {"holiday": "holiday 放假", "makeup_workday": "make-up working day 调休上班",
             "weekend": "weekend 周末", "workday": "working day 工作日"}


@click.group("workdays")
def cli():
    """The official working-day calendar (法定节假日与调休)."""


@cli.command("show")
@click.argument("year", type=YEAR)
@with_appcontext
@in_request
def show(year):
    """Show a year: status, holidays, make-up working days, number of working days."""
    status = service.year_status(year)
    click.echo(f"{year}: {STATUS_TEXT[status]}")
    if status == "not_announced":
        click.echo(service.YearNotAnnounced(year).message_zh)
        click.echo(service.YearNotAnnounced(year).message_en)
        cal = service.calendar(year, allow_provisional=True)
        click.echo(f"provisional working days 暂定工作日: {cal.working_day_count} "
                   f"(Monday–Friday without 1 Jan, 1–3 May, 1–7 Oct)")
        return
    row = operations.ensure_year_loaded(year)
    db.session.commit()
    cal = service.calendar(year, allow_provisional=True)
    if row.notice:
        click.echo(f"notice 通知: {row.notice}")
    click.echo(f"source 来源: {row.source}")
    holidays, makeups = entries_as_ranges(row)
    click.echo("holidays 放假:")
    for h in holidays:
        days = (h.end - h.start).days + 1
        click.echo(f"  {h.name} ({h.name_en})  {h.start.isoformat()} – {h.end.isoformat()}  {days}天")
    click.echo("make-up working days 调休上班:")
    for m in makeups:
        click.echo(f"  {m.day.isoformat()} {'周六' if m.day.weekday() == 5 else '周日'}  {m.name}")
    label = "working days 工作日" + (" (draft 草稿)" if status == "draft" else "")
    click.echo(f"{label}: {cal.working_day_count}")


@cli.command("check")
@click.argument("when", metavar="DATE", type=DAY)
@with_appcontext
@in_request
def check(when):
    """Is DATE (YYYY-MM-DD) a working day? Prints its kind, holiday name and the year's status."""
    try:
        info = service.day_info(when)
    except service.YearNotAnnounced as error:
        raise click.ClickException(str(error)) from None
    verdict = "working day 工作日" if info.working else "not a working day 非工作日"
    line = f"{when.isoformat()}: {verdict} · {KIND_TEXT[info.kind]}"
    if info.name:
        line += f" · {info.name} ({info.name_en})"
    click.echo(line)
    click.echo(f"{when.year}: {STATUS_TEXT[info.status]}")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--confirm", is_flag=True, help="Confirm the year as official at once (else it stays a draft).")
@with_appcontext
@in_request
def import_file(file, confirm):
    """Import a State Council notice file (JSON; format in docs/workdays.md). Nothing changes on any error."""
    try:
        data = load_json(file.read_bytes())
    except InputError as error:
        raise click.ClickException(f"{file}: {error}") from None
    try:
        result = run_import(lambda: operations.import_notice(data, confirm=confirm))
    except NoticeInvalid as error:
        lines = [f"{file}: nothing imported 未导入:"] + [f"  - {m}" for ms in error.errors.values() for m in ms]
        raise click.ClickException("\n".join(lines)) from None
    except InvalidInput as error:  # e.g. an identical import saved the same year at the same moment
        raise click.ClickException(f"{file}: nothing imported 未导入: {error.message}") from None
    _report(result)


def _report(result) -> None:
    row = result.calendar_year
    click.echo(f"{row.year}: {STATUS_TEXT[row.status]} · {result.added} added, {result.changed} changed, "
               f"{result.removed} removed")
    if row.status == "draft":
        click.echo(f"confirm with: flask --app trainer workdays confirm {row.year}")
    if result.conflicts:
        click.echo(f"{len(result.conflicts)} planned items broken by this calendar (计划冲突), listed on "
                   f"/workdays/conflicts:")
        _list(result.conflicts)


def _list(conflicts) -> None:
    for c in conflicts:
        proposal = c.proposal.place.split("|")[0] if c.proposal is not None and c.proposal.item else "-"
        click.echo(f"  {c.item.day.isoformat()}  {c.item.token}  {c.item.label}  -> {proposal}  ({c.reason})")


@cli.command("confirm")
@click.argument("year", type=YEAR)
@with_appcontext
@in_request
def confirm(year):
    """Confirm a draft year as official and list the conflicts it causes."""
    try:
        result = operations.confirm_year(year)
    except InvalidInput as error:
        db.session.rollback()
        raise click.ClickException(error.message) from None
    db.session.commit()
    _report(result)


@cli.command("recheck")
@click.argument("year", type=YEAR)
@with_appcontext
@in_request
def recheck(year):
    """List the planned items of a year (from today on) that break a rule now."""
    found = operations.recheck_year(year)
    db.session.rollback()
    click.echo(f"{len(found)} conflicts")
    _list(found)
