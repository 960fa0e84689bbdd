"""Login, logout, home, language, password, accounts and API tokens."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from trainer.auth import operations
from trainer.auth.forms import LoginForm, PasswordForm, TokenForm, UserForm
from trainer.auth.models import ApiToken, Role, User
from trainer.auth.permissions import ANY_USER, STAFF, allow, district_scope, public
from trainer.core.extensions import db, limiter
from trainer.core.validation import InvalidInput, form_errors_from
from trainer.org.models import District
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
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, form.current.data, form.new.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            # The session version changed: keep this session, end the others.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.home"))
    return render_template("auth/password.html", form=form)


# --- accounts -------------------------------------------------------------------------------------------

def _districts_for_choice():
    stmt = select(District).order_by(District.sort_order)
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(District.id == scope)
    return db.session.scalars(stmt).all()


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    districts = _districts_for_choice()
    form.district_id.choices = [(0, "—")] + [(d.id, d.name) for d in districts]
    if current_user.role != Role.ADMIN:
        form.role.choices = [c for c in form.role.choices if c[0] != Role.ADMIN]
    return form


def _editable_user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    scope = district_scope()
    if scope is not None and (user.district_id != scope or user.role == Role.ADMIN):
        abort(403)
    return user


@bp.route("/accounts")
@allow(STAFF)
def users():
    stmt = select(User).order_by(User.role, User.username)
    scope = district_scope()
    if scope is not None:
        stmt = stmt.where(User.district_id == scope)
    page = db.paginate(stmt, per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("auth/users.html", page=page)


@bp.route("/accounts/new", methods=["GET", "POST"])
@allow(STAFF)
def user_new():
    form = _user_form()
    if form.validate_on_submit():
        district_id = form.district_id.data or None
        if current_user.role != Role.ADMIN:
            district_id = current_user.district_id
        try:
            if not form.password.data:
                raise InvalidInput({"password": _("Set a first password for the new account.")})
            user = operations.create_user(
                username=form.username.data, display_name=form.display_name.data, role=form.role.data,
                password=form.password.data, district_id=district_id, email=form.email.data,
                phone=form.phone.data, active=form.active.data)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@allow(STAFF)
def user_edit(user_id: int):
    user = _editable_user(user_id)
    form = _user_form(user)
    if request.method == "GET":
        form.district_id.data = user.district_id or 0
    if form.validate_on_submit():
        district_id = form.district_id.data or None
        if current_user.role != Role.ADMIN:
            district_id = current_user.district_id
        try:
            operations.update_user(
                user, username=form.username.data, display_name=form.display_name.data, role=form.role.data,
                district_id=district_id, email=form.email.data, phone=form.phone.data,
                active=form.active.data, password=form.password.data or None)
        except InvalidInput as error:
            form_errors_from(form, error)
        else:
            db.session.commit()
            flash(_("Account %(name)s saved.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


# --- API tokens -------------------------------------------------------------------------------------------

@bp.route("/account/tokens", methods=["GET", "POST"])
@allow(ANY_USER)
def tokens():
    form = TokenForm()
    secret = None
    if form.validate_on_submit():
        _token, secret = operations.create_api_token(current_user, form.name.data)
        db.session.commit()
        form = TokenForm(formdata=None)
    rows = db.session.scalars(select(ApiToken).where(ApiToken.user_id == current_user.id)
                              .order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/tokens.html", form=form, tokens=rows, secret=secret)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@allow(ANY_USER)
def token_revoke(token_id: int):
    token = db.get_or_404(ApiToken, token_id)
    if token.user_id != current_user.id:
        abort(404)
    operations.revoke_api_token(token)
    db.session.commit()
    flash(_("Token revoked; it no longer works."), "success")
    return redirect(url_for("auth.tokens"))

