"""The division-of-duties page: who covers which street, industry or enterprise, with the gaps and overlaps."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from trainer.auth.permissions import STAFF, allow, check_district, working_district
from trainer.core.extensions import db
from trainer.instructors import access
from trainer.instructors.blueprint import bp
from trainer.instructors.duties import operations
from trainer.instructors.duties.forms import ResponsibilityForm
from trainer.instructors.labels import instructor_label, known_industries
from trainer.web.forms import form_page, save_form


@bp.route("/duties", methods=["GET", "POST"])
@allow(STAFF)
def duties():
    district = working_district()
    check_district(district.id)
    people = operations.serving_instructors(district.id)
    form = ResponsibilityForm()
    form.instructor_id.choices = [(p.id, instructor_label(p)) for p in people]
    response = save_form(
        form, lambda: operations.add_responsibility(access.instructor(form.instructor_id.data, edit=True),
                                                    form.kind.data, form.value.data),
        message=lambda area: _("%(value)s added to %(name)s's duties.", value=area.value, name=area.instructor.name),
        next_url=url_for("instructors.duties"))
    return response or form_page("instructors/duties.html", district=district, people=people,
                                 cover=operations.coverage(district.id), form=form, industries=known_industries())


@bp.route("/duties/<int:area_id>/remove", methods=["POST"])
@allow(STAFF)
def duty_remove(area_id: int):
    area = access.responsibility(area_id)
    name, value = area.instructor.name, area.value
    operations.remove_responsibility(area)
    db.session.commit()
    flash(_("%(value)s removed from %(name)s's duties.", value=value, name=name), "success")
    return redirect(url_for("instructors.duties"))
