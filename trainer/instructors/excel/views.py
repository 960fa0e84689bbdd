"""Excel templates, exports and imports of the instructors and the engagements (/instructors/excel/<kind>/...)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.permissions import STAFF, allow, district_scope
from trainer.core.clock import today_local
from trainer.core.validation import InvalidInput
from trainer.exchange.excel import template_response, workbook_response
from trainer.exchange.rows import SheetErrors, run_import
from trainer.instructors.blueprint import bp
from trainer.instructors.engagements.sheets import SHEET as ENGAGEMENTS
from trainer.instructors.excel.forms import ImportForm
from trainer.instructors.excel.kinds import SheetKind, district_names
from trainer.instructors.hierarchy.sheets import SHEET as INSTRUCTORS
from trainer.web.forms import form_page

KINDS = {kind.name: kind for kind in (INSTRUCTORS, ENGAGEMENTS)}


def _kind(name: str) -> SheetKind:
    if name not in KINDS:
        abort(404)
    return KINDS[name]


@bp.route("/excel/<kind>/template.xlsx")
@allow(STAFF)
def excel_template(kind: str):
    sheet = _kind(kind)
    return template_response(sheet.columns, f"{sheet.title}-导入模板.xlsx", title=sheet.title,
                             lists={"district": district_names(district_scope())})


@bp.route("/excel/<kind>/export.xlsx")
@allow(STAFF)
def excel_export(kind: str):
    sheet = _kind(kind)
    scope = district_scope()
    suffix = current_user.district.name if scope is not None else "全市"
    return workbook_response([sheet.export(scope)], f"{sheet.title}-{suffix}-{today_local().isoformat()}.xlsx")


@bp.route("/excel/<kind>/import", methods=["GET", "POST"])
@allow(STAFF)
def excel_import(kind: str):
    """Every row checked first; any bad row: nothing imported, every problem listed beside its row."""
    sheet = _kind(kind)
    form = ImportForm()
    problems: list = []
    if form.validate_on_submit():
        try:
            created, updated = run_import(lambda: sheet.importer(form.file.data.stream, district_scope()))
        except InvalidInput as error:
            problems = error.errors if isinstance(error, SheetErrors) else []
            form.file.errors = list(form.file.errors or []) + [error.message]
        else:
            flash(_("Imported: %(created)s new, %(updated)s updated.", created=created, updated=updated), "success")
            return redirect(url_for(sheet.done_endpoint))
    return form_page("instructors/import.html", form=form, kind=kind, title=sheet.title, problems=problems)
