"""Pages for districts, unions and service stations."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from trainer.auth.permissions import STAFF, allow, check_district, working_district
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput, form_errors_from
from trainer.org import operations
from trainer.org.forms import KIND_LABELS, StationForm, UnionForm
from trainer.org.models import HALVES, District, Station, Union
from trainer.web.navigation import register_nav

bp = Blueprint("org", __name__, url_prefix="/org")

register_nav(_l("Stations"), "org.stations", STAFF, order=20)
register_nav(_l("Districts"), "org.districts", {"admin"}, order=85)


def receiving_choices():
    from trainer.core.i18n import format_weekday

    labels = {"am": _("morning"), "pm": _("afternoon")}
    return [(f"{d}:{h}", f"{format_weekday(d)} {labels[h]}") for d in range(7) for h in HALVES]


@bp.route("/districts")
@allow("admin")
def districts():
    counts = dict(db.session.execute(select(Station.district_id, func.count()).group_by(Station.district_id)).all())
    unions = dict(db.session.execute(select(Union.district_id, func.count()).group_by(Union.district_id)).all())
    rows = db.session.scalars(select(District).order_by(District.sort_order)).all()
    return render_template("org/districts.html", districts=rows, station_counts=counts, union_counts=unions)


@bp.route("/unions")
@allow(STAFF)
def unions():
    district = working_district()
    rows = db.session.scalars(select(Union).where(Union.district_id == district.id)
                              .options(selectinload(Union.stations)).order_by(Union.kind, Union.name)).all()
    return render_template("org/unions.html", district=district, unions=rows, kinds=KIND_LABELS)


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
    if form.validate_on_submit():
        try:
            operations.save_union(union, district_id=district.id, name=form.name.data, kind=form.kind.data,
                                  street=form.street.data, version=form.version.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Union saved."), "success")
            return redirect(url_for("org.unions"))
    return render_template("org/union_form.html", form=form, union=union, district=district)


@bp.route("/stations")
@allow(STAFF)
def stations():
    district = working_district()
    query = request.args.get("q", "").strip()
    stmt = (select(Station).where(Station.district_id == district.id)
            .options(selectinload(Station.union)).order_by(Station.name))
    if query:
        stmt = stmt.where(Station.name.contains(query) | Station.address.contains(query))
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
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
    unions = db.session.scalars(select(Union).where(Union.district_id == district.id).order_by(Union.name)).all()
    form.union_id.choices = [(u.id, u.name) for u in unions]
    if request.method == "GET" and station is not None:
        form.rhythm.data = operations.format_rhythm(station.rhythm)
    elif request.method == "GET":
        form.receiving.data = [f"{d}:{h}" for d in range(5) for h in HALVES]
    if form.validate_on_submit():
        union = db.session.get(Union, form.union_id.data)
        try:
            if union is None or union.district_id != district.id:
                raise InvalidInput({"union_id": _("Choose a union of this district.")})
            station = operations.save_station(
                station, union=union, name=form.name.data, address=form.address.data,
                receiving=form.receiving.data, contact_name=form.contact_name.data,
                contact_phone=form.contact_phone.data, am_hours=form.am_hours.data, pm_hours=form.pm_hours.data,
                rhythm=operations.parse_rhythm(form.rhythm.data), notes=form.notes.data,
                version=form.version.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Station %(name)s saved.", name=station.name), "success")
            return redirect(url_for("org.stations"))
    return render_template("org/station_form.html", form=form, station=station, district=district)
