"""``flask --app trainer exchange export|import FILE.json`` (also registered as top-level ``export``/``import``)."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import with_appcontext

from trainer.core.inputs import InputError, load_json
from trainer.core.validation import InvalidInput
from trainer.exchange.programme import export_programme, import_programme
from trainer.launch.options import district_of


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--district", "district_code", required=True, help="district code, e.g. chaoyang")
@with_appcontext
def export_command(path, district_code):
    """Write a district's whole programme to a JSON programme file ('-' for standard output)."""
    district = district_of(district_code)
    data = export_programme(district)
    text = json.dumps(data, ensure_ascii=False, indent=1)
    if path == "-":
        click.echo(text)
        return
    Path(path).write_text(text + "\n", encoding="utf-8")
    counts = ", ".join(f"{len(v)} {k}" for k, v in data.items() if isinstance(v, list))
    sections = ", ".join(f"{k}: " + ", ".join(f"{len(x)} {n}" for n, x in v.items() if isinstance(x, list))
                         for k, v in data.items() if isinstance(v, dict))
    click.echo(f"exported {district.code} to {path}: {counts}; {sections}")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--district", "district_code", help="import into this district instead of the file's")
@with_appcontext
def import_command(path, district_code):
    """Read a JSON programme file. Everything is checked first; on any error nothing changes and every bad
    item is listed."""
    try:
        raw = click.get_binary_stream("stdin").read() if path == "-" else Path(path).read_bytes()
        data = load_json(raw)
    except (OSError, InputError) as error:
        raise click.ClickException(f"cannot read {path}: {error}") from None
    try:
        district = import_programme(data, district_code=district_code)
    except InvalidInput as error:  # every bad item (ProgrammeError), or a clash with an identical import
        for where, message in error.fields.items():
            click.echo(f"  ! {where}: {message}", err=True)
        raise click.ClickException(error.message) from None
    click.echo(f"imported {path} into {district.code}")


cli = click.Group("exchange", help="The JSON programme file: export and import a district's whole programme.")
cli.add_command(export_command)
cli.add_command(import_command)
