"""Pages of the hierarchy: the instructor list, an instructor's page and form, the guide link, the org chart,
and the instructor's own page."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, district_scope
from trainer.core.i18n import district_name
from trainer.instructors import access
from trainer.instructors.blueprint import bp
from trainer.instructors.hierarchy import chart as charts
from trainer.instructors.hierarchy import operations, queries
from trainer.instructors.hierarchy.forms import GuideForm, InstructorForm
from trainer.instructors.labels import known_industries
from trainer.instructors.models import Instructor
from trainer.instructors.training.queries import assessments_of, records_of
from trainer.org.models import District
from trainer.web.forms import form_page, save_form


@bp.route("/")
@allow(STAFF)
def index():
    tier = request.args.get("tier", "")
    status = request.args.get("status", "")
    district_code = request.args.get("district", "")
    page = queries.index_page(tier=tier, status=status, district_code=district_code)
    return render_template("instructors/index.html", page=page, tier=tier, status=status,
                           district_code=district_code, districts=access.district_choices(),
                           spans=charts.spans(), limit=charts.span_limit())


def _instructor_form(instructor: Instructor | None) -> InstructorForm:
    form = InstructorForm(obj=instructor)
    form.district_id.choices = [(0, "—")] + [(d.id, district_name(d)) for d in access.district_choices()]
    form.tier.choices = [c for c in form.tier.choices if access.may_offer_tier(c[0])]
    form.guide_id.choices = queries.guide_choices()
    form.user_id.choices = queries.account_choices(instructor)
    industries = known_industries()
    extra = [s for s in (instructor.specialities if instructor else []) if s not in industries]
    form.specialities.choices = [(i, i) for i in industries + extra]
    if request.method == "GET":
        if instructor is not None:
            form.district_id.data = instructor.district_id or 0
            form.guide_id.data = instructor.guide_id or 0
            form.user_id.data = instructor.user_id or 0
        elif current_user.role == Role.COORDINATOR:
            form.district_id.data = current_user.district_id
    return form


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:instructor_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def edit(instructor_id: int | None = None):
    instructor = access.instructor(instructor_id, edit=True) if instructor_id else None
    form = _instructor_form(instructor)

    def save() -> Instructor:
        return operations.save_with_account(
            instructor, tier=form.tier.data,
            district_id=access.writing_district(form.tier.data, form.district_id.data or None),
            name=form.name.data, background=form.background.data, phone=form.phone.data,
            specialities=form.specialities.data, term_from=form.term_from.data, term_to=form.term_to.data,
            status=form.status.data, guide=access.guide(form.guide_id.data), user_id=form.user_id.data or None,
            new_username=form.new_username.data, new_password=form.new_password.data, notes=form.notes.data,
            version=form.version.data)

    response = save_form(form, save, record=instructor,
                         message=lambda saved: _("Instructor %(name)s saved.", name=saved.name),
                         next_url=lambda saved: url_for("instructors.detail", instructor_id=saved.id))
    return response or form_page("instructors/form.html", form=form, instructor=instructor)


def _detail_page(instructor: Instructor, guide_form: GuideForm | None = None, status: int = 200):
    if guide_form is None:
        guide_form = GuideForm(formdata=None, obj=instructor)
        guide_form.guide_id.data = instructor.guide_id or 0
    guide_form.guide_id.choices = queries.guide_choices()
    return render_template("instructors/detail.html", instructor=instructor,
                           guided=[g for g in instructor.guided if access.may_see(g)],
                           training=records_of(instructor), assessments=assessments_of(instructor),
                           editable=access.may_edit(instructor), guide_form=guide_form,
                           upcoming=queries.upcoming_for(instructor), limit=charts.span_limit()), status


@bp.route("/<int:instructor_id>")
@allow(STAFF)
def detail(instructor_id: int):
    return _detail_page(access.instructor(instructor_id))


@bp.route("/<int:instructor_id>/guide", methods=["POST"])
@allow(STAFF)
def relink(instructor_id: int):
    """Change only the hierarchy link; a broken rule comes back beside the field on the instructor's page."""
    instructor = access.instructor(instructor_id, edit=True)
    form = GuideForm()
    form.guide_id.choices = queries.guide_choices()
    response = save_form(
        form, lambda: operations.set_guide(instructor, access.guide(form.guide_id.data), version=form.version.data),
        record=instructor,
        message=lambda saved: _("%(name)s is now guided by %(guide)s.", name=saved.name,
                                guide=saved.guide.name if saved.guide else "—"),
        next_url=url_for("instructors.detail", instructor_id=instructor.id))
    return response or _detail_page(access.instructor(instructor_id, edit=True), form, 422)


@bp.route("/chart")
@allow(STAFF)
def chart():
    if district_scope() is not None:
        district = current_user.district
    else:
        district = District.by_code(request.args.get("district", ""))
    tree = charts.org_chart(district.id if district else None)
    return render_template("instructors/chart.html", tree=tree, district=district,
                           districts=access.district_choices())


@bp.route("/mine")
@allow({Role.INSTRUCTOR})
def mine():
    me = access.me()
    if me is None:
        return render_template("instructors/mine.html", me=None), 200
    return render_template("instructors/mine.html", me=me, upcoming=queries.upcoming_for(me),
                           limit=charts.span_limit())
