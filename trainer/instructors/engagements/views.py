"""Pages of the bargaining engagements: the list, the form (stages and dates, instructors with suggestions), an
engagement's page with its deadlines and sessions."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from trainer.auth.models import Role
from trainer.auth.permissions import STAFF, allow, check_district, working_district
from trainer.core.clock import today_local
from trainer.core.extensions import db
from trainer.instructors import access
from trainer.instructors.blueprint import WITH_INSTRUCTOR, bp
from trainer.instructors.duties.operations import district_streets
from trainer.instructors.engagements import operations, queries
from trainer.instructors.engagements.forms import EngagementForm, ProgressForm, SessionForm
from trainer.instructors.labels import known_industries
from trainer.instructors.models import Engagement
from trainer.org.models import District
from trainer.web.forms import save_form
from trainer.web.paging import OnePage


@bp.route("/engagements")
@allow(WITH_INSTRUCTOR)
def engagements():
    stage = request.args.get("stage", "")
    district = working_district() if access.is_staff() else None
    if district is not None and request.args.get("due") == "overdue":
        # Those past a deadline (the desk's count links here), the longest overdue first; one page.
        items = [o.engagement for o in queries.overdue_engagements(district.id, today_local())]
        return render_template("instructors/engagements.html", page=OnePage(items), district=district, stage="",
                               due="overdue")
    return render_template("instructors/engagements.html", page=queries.engagements_page(district=district, stage=stage),
                           district=district, stage=stage, due="")


def _engagement_form(engagement: Engagement | None, district: District) -> EngagementForm:
    form = EngagementForm(obj=engagement)
    industries = known_industries()
    if engagement and engagement.industry and engagement.industry not in industries:
        industries.append(engagement.industry)
    streets = district_streets(district.id)
    if engagement and engagement.street and engagement.street not in streets:
        streets.append(engagement.street)
    form.industry.choices = [("", "—")] + [(i, i) for i in industries]
    form.street.choices = [("", "—")] + [(s, s) for s in streets]
    form.instructor_ids.choices = queries.instructor_choices(district)
    if request.method == "GET" and engagement is not None:
        form.instructor_ids.data = [p.id for p in engagement.instructors]
    return form


@bp.route("/engagements/new", methods=["GET", "POST"])
@bp.route("/engagements/<int:engagement_id>/edit", methods=["GET", "POST"])
@allow(STAFF)
def engagement_edit(engagement_id: int | None = None):
    engagement = access.engagement(engagement_id, edit=True) if engagement_id else None
    district = engagement.district if engagement else working_district()
    check_district(district.id)
    form = _engagement_form(engagement, district)
    response = save_form(
        form, lambda: operations.save_engagement(
            engagement, district_id=district.id, enterprise=form.enterprise.data, union_name=form.union_name.data,
            industry=form.industry.data, street=form.street.data, stage=form.stage.data,
            request_sent_on=form.request_sent_on.data, reply_received_on=form.reply_received_on.data,
            agreement_signed_on=form.agreement_signed_on.data, filed_on=form.filed_on.data,
            in_force_on=form.in_force_on.data, notes=form.notes.data,
            instructors=operations.assignable(form.instructor_ids.data or []), version=form.version.data),
        record=engagement, message=lambda saved: _("Engagement with %(name)s saved.", name=saved.enterprise),
        next_url=lambda saved: url_for("instructors.engagement", engagement_id=saved.id))
    if response is not None:
        return response
    suggestions = operations.suggest_instructors(
        district_id=district.id, enterprise=form.enterprise.data, street=form.street.data or None,
        industry=form.industry.data or None)
    return render_template("instructors/engagement_form.html", form=form, engagement=engagement,
                           district=district, suggestions=suggestions)


def _progress_form(engagement: Engagement) -> ProgressForm | None:
    """The progress form of an assigned instructor (None for staff, who have the whole form)."""
    if access.is_staff():
        return None
    form = ProgressForm(formdata=None, obj=engagement)
    form.version.data = engagement.version
    return form


def _engagement_page(engagement: Engagement, *, form=None, progress_form=None, status: int = 200):
    return render_template("instructors/engagement.html", engagement=engagement,
                           form=form or SessionForm(formdata=None),
                           progress_form=progress_form or _progress_form(engagement),
                           editable=access.is_staff(), today=today_local()), status


@bp.route("/engagements/<int:engagement_id>", methods=["GET", "POST"])
@allow(WITH_INSTRUCTOR)
def engagement(engagement_id: int):
    """The engagement's stages, deadlines and sessions; staff add sessions here (POST)."""
    engagement = access.engagement(engagement_id)
    if request.method == "GET":
        return _engagement_page(engagement)
    if not access.is_staff():
        abort(403)
    form = SessionForm()
    response = save_form(
        form, lambda: operations.save_session(None, engagement=engagement, day=form.day.data,
                                              start_time=form.start_time.data, end_time=form.end_time.data,
                                              location=form.location.data or "", notes=form.notes.data),
        message=_("Session planned; it is on the assigned instructors' calendars."),
        next_url=url_for("instructors.engagement", engagement_id=engagement.id))
    return response or _engagement_page(access.engagement(engagement_id), form=form, status=422)


@bp.route("/engagements/<int:engagement_id>/progress", methods=["POST"])
@allow(Role.INSTRUCTOR)
def engagement_progress(engagement_id: int):
    """An assigned instructor reports the stage reached and its dates (their own engagements only)."""
    engagement = access.engagement(engagement_id)
    form = ProgressForm()
    response = save_form(
        form, lambda: operations.update_progress(
            engagement, version=form.version.data, stage=form.stage.data,
            reply_received_on=form.reply_received_on.data, agreement_signed_on=form.agreement_signed_on.data,
            filed_on=form.filed_on.data, in_force_on=form.in_force_on.data),
        record=engagement, message=lambda saved: _("Progress of %(name)s saved.", name=saved.enterprise),
        next_url=url_for("instructors.engagement", engagement_id=engagement.id))
    return response or _engagement_page(engagement, progress_form=form, status=422)


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@allow(STAFF)
def session_cancel(session_id: int):
    session = access.session(session_id)
    operations.cancel_session(session, version=request.form.get("version"))
    db.session.commit()
    flash(_("Session cancelled."), "success")
    return redirect(url_for("instructors.engagement", engagement_id=session.engagement_id))
