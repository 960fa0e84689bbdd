"""The feed URL (``/feeds/<secret>.ics``) and the page "订阅日历 / Subscribe"."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from trainer.auth.models import Role
from trainer.auth.permissions import ANY_USER, allow, public, working_district
from trainer.calendars import access, fastpath, operations, serving, sources
from trainer.calendars.forms import AlarmForm
from trainer.calendars.models import FeedKind, FeedToken, StoredFeed
from trainer.core.extensions import db
from trainer.web.forms import save_form
from trainer.web.navigation import register_nav

bp = Blueprint("calendars", __name__)


@bp.record_once
def _install_fast_path(state) -> None:
    """Feed requests skip Flask's request machinery (see fastpath.py); the view below gives the same answer."""
    fastpath.install(state.app)


register_nav(_l("Subscribe"), "calendars.subscribe", ANY_USER, order=80)

KIND_LABELS = {
    FeedKind.USER.value: _l("My schedule"),
    FeedKind.STATION.value: _l("Stations"),
    FeedKind.FIRM.value: _l("Law firms"),
    FeedKind.PROGRAMME_YEAR.value: _l("Rotation programme years"),
}


@bp.route("/feeds/<secret>.ics", methods=["GET"])
@public
def feed(secret: str):
    """A calendar feed. The secret in the URL is the only credential: no session, no Accept header needed."""
    found = serving.answer(secret, request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since"))
    response = Response(found.body, status=found.status)
    for name, value in found.headers:
        response.headers[name] = value
    return response


def qr_svg(text: str) -> Markup:
    """The link as an inline SVG QR code (no image library needed)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    label = _("QR code of the subscription link")
    svg = svg.replace("<svg ", f'<svg class="qr" role="img" aria-label="{label}" ', 1)
    return Markup(svg)


def _feed_view(token: FeedToken, subject: sources.Subject, form: AlarmForm | None = None) -> dict:
    urls = operations.feed_urls(token)
    if form is None:
        form = AlarmForm(formdata=None, alarm_minutes=str(token.alarm_minutes or "none"))
    stored = db.session.get(StoredFeed, token.id)
    return {"token": token, "subject": subject, "urls": urls, "qr": qr_svg(urls["webcal"]), "form": form,
            "stored": stored, "kind_label": KIND_LABELS.get(token.kind, token.kind)}


@bp.route("/calendars/subscribe")
@allow(ANY_USER)
def subscribe():
    subject = access.own_subject()
    token = operations.feed_token(current_user, subject)
    db.session.commit()
    own = _feed_view(token, subject)
    others, district = {}, None
    if current_user.role in (Role.ADMIN, Role.COORDINATOR):
        district = working_district()
        if district is not None:
            links = operations.tokens_of(current_user)
            for kind in sources.available_kinds():
                others[kind] = [(s, links.get((kind, s.id))) for s in sources.subjects_of_district(kind, district.id)]
    return render_template("calendars/subscribe.html", own=own, others=others, district=district,
                           kind_labels=KIND_LABELS)


@bp.route("/calendars/subscribe/<kind>/<int:subject_id>", methods=["POST"])
@allow(ANY_USER)
def create_link(kind: str, subject_id: int):
    subject = access.subject(kind, subject_id)
    token = operations.feed_token(current_user, subject)
    db.session.commit()
    return redirect(url_for("calendars.link", token_id=token.id))


@bp.route("/calendars/links/<int:token_id>", methods=["GET", "POST"])
@allow(ANY_USER)
def link(token_id: int):
    """One subscription link: the links, the QR code, the reminder choice."""
    token = access.own_token(token_id)
    subject = access.subject(token.kind, token.subject_id)
    form = AlarmForm()
    if request.method == "GET" and token.kind == FeedKind.USER:
        return redirect(url_for("calendars.subscribe"))
    response = save_form(form, lambda: operations.set_alarm(token, form.alarm_minutes.data),
                         message=_("Reminder setting saved. Calendar apps pick it up at their next refresh."),
                         next_url=_back(token))
    if response is not None:
        return response
    return render_template("calendars/link.html", feed=_feed_view(token, subject, form if form.errors else None))


def _back(token: FeedToken) -> str:
    if token.kind == FeedKind.USER:
        return url_for("calendars.subscribe")
    return url_for("calendars.link", token_id=token.id)


@bp.route("/calendars/links/<int:token_id>/reset", methods=["POST"])
@allow(ANY_USER)
def reset(token_id: int):
    token = access.own_token(token_id)
    operations.reset_token(token)
    db.session.commit()
    flash(_("The link was reset. The old link no longer works; subscribe again with the new one."), "success")
    return redirect(_back(token))


@bp.route("/calendars/links/<int:token_id>/revoke", methods=["POST"])
@allow(ANY_USER)
def revoke(token_id: int):
    token = access.own_token(token_id)
    operations.revoke_token(token)
    db.session.commit()
    flash(_("The link was switched off. Reset it to get a new working link."), "success")
    return redirect(_back(token))

