"""Pages for districts, unions and service stations."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from trainer.auth.permissions import STAFF, allow, check_district, working_district
from trainer.core.extensions import db
from trainer.core.i18n import format_weekday
from trainer.core.validation import InvalidInput
from trainer.org import operations, queries
from trainer.org.forms import KIND_LABELS, StationForm, UnionForm
from trainer.org.labels import rhythm_words
from trainer.org.models import HALVES, District, Station, Union
from trainer.web.forms import form_page, save_form
from trainer.web.navigation import register_nav
from trainer.workdays.changes import ChangeImpact, Scope, run_change

bp = Blueprint("org", __name__, url_prefix="/org")
# A station's rhythm in words (每月第2个周二、第4个周二) on every page that shows it.
bp.add_app_template_global(rhythm_words, "rhythm_words")

register_nav(_l("Stations"), "org.stations", STAFF, order=20)
register_nav(_l("Districts"), "org.districts", {"admin"}, order=85)


def _station_told(impact: ChangeImpact) -> list[tuple[str, str]]:
    told = [(_("Station %(name)s saved.", name=impact.result.name), "success")]
    if impact.broken:
        told.append((ngettext("This change breaks %(num)s planned item: it is listed below with a suggestion.",
                              "This change breaks %(num)s planned items: they are listed below with a suggestion "
                              "each.", len(impact.broken)), "warning"))
    return told


def receiving_choices():
    labels = {"am": _("morning"), "pm": _("afternoon")}
    return [(f"{d}:{h}", f"{format_weekday(d)} {labels[h]}") for d in range(7) for h in HALVES]


@bp.route("/districts")
@allow("admin")
def districts():
    counts, unions = queries.counts_by_district()
    return render_template("org/districts.html", districts=queries.all_districts(), station_counts=counts,
                           union_counts=unions)


@bp.route("/unions")
@allow(STAFF)
def unions():
    district = working_district()
    return render_template("org/unions.html", district=district,
                           unions=queries.unions_of(district, with_stations=True), kinds=KIND_LABELS)


def _union_form(union: Union | None, district: District) -> UnionForm:
    form = UnionForm(obj=union)
    form.district_id.choices = [(district.id, district.name)]
    return form


@bp.route("/unions/new", methods=["GET", "POST"])
@bp.route("/unions/<int:union_id>", methods=["GET", "POST"])
@allow(STAFF)
def union_edit(union_id: int | None = None):
    union = db.get_or_404(Union, union_id) if union_id else None
    district = union.district if union else working_district()
    check_district(district.id)
    form = _union_form(union, district)
    response = save_form(
        form, lambda: operations.save_union(union, district_id=district.id, name=form.name.data, kind=form.kind.data,
                                            street=form.street.data, version=form.version.data),
        record=union, message=_("Union saved."), next_url=url_for("org.unions"))
    return response or form_page("org/union_form.html", form=form, union=union, district=district)


@bp.route("/stations")
@allow(STAFF)
def stations():
    district = working_district()
    query = request.args.get("q", "").strip()
    page = db.paginate(queries.stations_of(district, query), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("org/stations.html", district=district, page=page, query=query)


@bp.route("/stations/new", methods=["GET", "POST"])
@bp.route("/stations/<int:station_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def station_edit(station_id: int | None = None):
    station = db.get_or_404(Station, station_id) if station_id else None
    district = station.district if station else working_district()
    check_district(district.id)
    form = StationForm(obj=station)
    form.receiving.choices = receiving_choices()
    form.union_id.choices = [(u.id, u.name) for u in queries.unions_of(district)]
    if request.method == "GET" and station is not None:
        form.rhythm.data = operations.format_rhythm(station.rhythm)
    elif request.method == "GET":
        form.receiving.data = [f"{d}:{h}" for d in range(5) for h in HALVES]

    def save() -> ChangeImpact:
        union = db.session.get(Union, form.union_id.data)
        if union is None or union.district_id != district.id:
            raise InvalidInput({"union_id": _("Choose a union of this district.")})
        # The receiving half-days are something plans rest on: the one change path answers what they break.
        return run_change(lambda: operations.save_station(
            station, union=union, name=form.name.data, address=form.address.data,
            receiving=form.receiving.data, contact_name=form.contact_name.data,
            contact_phone=form.contact_phone.data, contact_email=form.contact_email.data,
            am_hours=form.am_hours.data, pm_hours=form.pm_hours.data,
            rhythm=operations.parse_rhythm(form.rhythm.data), notes=form.notes.data, version=form.version.data),
            Scope.of(district.id))

    response = save_form(form, save, record=station, message=lambda impact: _station_told(impact),
                         next_url=lambda impact: url_for("workdays.conflicts") if impact.broken
                         else url_for("org.stations"))
    return response or form_page("org/station_form.html", form=form, station=station, district=district)
