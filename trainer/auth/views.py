"""Login, logout, home, language, password, accounts and API tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from trainer.auth import access, operations, queries
from trainer.auth.forms import LoginForm, PasswordForm, TokenForm, UserForm
from trainer.auth.models import Role, User
from trainer.auth.permissions import ANY_USER, STAFF, allow, public
from trainer.core.extensions import db, limiter
from trainer.core.i18n import district_name
from trainer.core.validation import InvalidInput
from trainer.desk.views import home_context
from trainer.web.forms import form_page, save_form
from trainer.web.navigation import register_nav

bp = Blueprint("auth", __name__)

register_nav(_l("Home"), "auth.home", ANY_USER, order=0)
register_nav(_l("Accounts"), "auth.users", STAFF, order=90)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


# Where each role lands after login (the first thing a trainee sees is their rotation).
LANDING = {Role.TRAINEE: "rotation.my_rotation", Role.LAWYER: "visits.my_visits"}


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["RATELIMIT_LOGIN"], methods=["POST"],
               exempt_when=lambda: not current_app.config.get("RATELIMIT_ENABLED", True))
def login():
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append(_("User name or password is not right, or the account is disabled."))
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            session.permanent = True
            return redirect(_safe_next(request.args.get("next")) or url_for("auth.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@allow(ANY_USER)
def logout():
    # Server-side: a copy of this session's cookie (another tab, device, or a stolen one) ends with it.
    operations.end_sessions(current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
@allow(ANY_USER)
def home():
    landing = LANDING.get(current_user.role)
    if landing and landing in current_app.view_functions and not request.args.get("stay"):
        return redirect(url_for(landing))
    if current_user.role in STAFF:
        return render_template("desk/home.html", **home_context())
    return render_template("auth/home.html")


@bp.route("/lang/<code>", methods=["POST"])
@public
def set_language(code: str):
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    session["lang"] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")) or url_for("auth.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@allow(ANY_USER)
def password():
    form = PasswordForm()

    def save():
        operations.change_password(current_user, form.current.data, form.new.data)
        # The session version changed: keep this session, end the others.
        login_user(current_user._get_current_object())

    response = save_form(form, save, message=_("Your password has been changed."), next_url=url_for("auth.home"))
    return response or form_page("auth/password.html", form=form)


# --- accounts -------------------------------------------------------------------------------------------

def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.district_id.choices = [(0, "—")] + [(d.id, district_name(d)) for d in queries.districts_for_choice()]
    if current_user.role != Role.ADMIN:
        form.role.choices = [c for c in form.role.choices if c[0] != Role.ADMIN]
    return form


@bp.route("/accounts")
@allow(STAFF)
def users():
    page = db.paginate(queries.accounts(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("auth/users.html", page=page)


@bp.route("/accounts/new", methods=["GET", "POST"])
@allow(STAFF)
def user_new():
    form = _user_form()

    def save() -> User:
        if not form.password.data:
            raise InvalidInput({"password": _("Set a first password for the new account.")})
        return operations.create_user(
            username=form.username.data, display_name=form.display_name.data, role=form.role.data,
            password=form.password.data, district_id=access.account_district_id(form.district_id.data),
            email=form.email.data, phone=form.phone.data, active=form.active.data)

    response = save_form(form, save, message=lambda user: _("Account %(name)s created.", name=user.username),
                         next_url=url_for("auth.users"))
    return response or form_page("auth/user_form.html", form=form, user=None)


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@allow(STAFF)
def user_edit(user_id: int):
    user = access.editable_user(user_id)
    form = _user_form(user)
    if request.method == "GET":
        form.district_id.data = user.district_id or 0
    response = save_form(
        form, lambda: operations.update_user(
            user, username=form.username.data, display_name=form.display_name.data, role=form.role.data,
            district_id=access.account_district_id(form.district_id.data), email=form.email.data,
            phone=form.phone.data, active=form.active.data, password=form.password.data or None),
        record=user, message=lambda user: _("Account %(name)s saved.", name=user.username),
        next_url=url_for("auth.users"))
    return response or form_page("auth/user_form.html", form=form, user=user)


# --- API tokens -------------------------------------------------------------------------------------------

@bp.route("/account/tokens", methods=["GET", "POST"])
@allow(ANY_USER)
def tokens():
    """The caller's API tokens; a new token's secret is shown once, on the page that answers its creation."""
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        _token, secret = operations.create_api_token(current_user, form.name.data)
        db.session.commit()
        form = TokenForm(formdata=None)
    return render_template("auth/tokens.html", form=form, tokens=queries.tokens_of(current_user), secret=secret)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@allow(ANY_USER)
def token_revoke(token_id: int):
    operations.revoke_api_token(access.own_token(token_id))
    db.session.commit()
    flash(_("Token revoked; it no longer works."), "success")
    return redirect(url_for("auth.tokens"))
