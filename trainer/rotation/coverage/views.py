"""Coverage pages: the district's streets with a certified independent mediator (chart per year), the city's
districts against the goal, and both in Excel."""

from __future__ import annotations

from flask import render_template, request

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow
from trainer.rotation import access
from trainer.rotation.blueprint import bp
from trainer.rotation.coverage import operations, sheets
from trainer.rotation.coverage.chart import city_chart, year_chart


@bp.route("/coverage")
@allow(STAFF)
def coverage():
    district = access.district_at_work()
    result = operations.coverage([district])[0]
    return render_template("rotation/coverage.html", district=district, cov=result, chart=year_chart(result))


@bp.route("/coverage/city")
@allow(Role.ADMIN)
def city_coverage():
    results = operations.coverage(operations.all_districts())
    return render_template("rotation/city_coverage.html", results=results, chart=city_chart(results))


@bp.route("/coverage.xlsx")
@allow(STAFF)
def export_coverage():
    """The district's coverage; the admin's whole city with ?scope=city."""
    return sheets.coverage_workbook(access.coverage_districts(city=request.args.get("scope") == "city"))
