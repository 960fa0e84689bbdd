"""Friendly HTML error pages; JSON errors ``{"error": {"code", "message", "fields"}}`` under /api/."""

from __future__ import annotations

import logging

from flask import current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from trainer.auth.permissions import is_api_request
from trainer.core.concurrency import StaleEdit
from trainer.core.extensions import db
from trainer.core.validation import InvalidInput
from trainer.web.forms import stale_edit_answer

log = logging.getLogger(__name__)

CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 412: "precondition_failed", 413: "too_large", 415: "unsupported_media_type",
    422: "invalid", 428: "precondition_required", 429: "too_many_requests", 500: "server_error",
}


def api_error(status: int, message: str, fields: dict | None = None, code: str | None = None):
    response = jsonify({"error": {"code": code or CODES.get(status, "error"), "message": message,
                                  "fields": fields or {}}})
    response.status_code = status
    return response


def _friendly_message(status: int) -> str:
    return {
        400: _("The request could not be understood."),
        401: _("Please log in."),
        403: _("You do not have permission to see this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        409: _("Someone else changed this record in the meantime."),
        413: _("The upload is larger than %(n)s MB; nothing was saved.",
               n=f"{current_app.config.get('MAX_UPLOAD_MB', 5):g}"),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
    }.get(status, _("The request could not be completed."))


def _fields_of(error: HTTPException) -> dict:
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if not messages:
        return {}
    # webargs nests by location ({"json": {...}}); clients want the field names.
    flat: dict = {}
    for location, errors in messages.items():
        if isinstance(errors, dict):
            flat.update(errors)
        else:
            flat[location] = errors
    return flat


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    if is_api_request():
        custom = isinstance(error.description, str) and error.description != type(error).description
        message = error.description if custom else _friendly_message(status)
        if status == 422 and _fields_of(error):
            message = _("Some fields are not valid.")
        response = api_error(status, message, _fields_of(error))
        _keep_headers(error, response)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="trainer"'
        return response
    if status == 401:
        return redirect(url_for("auth.login", next=request.full_path))
    description = error.description if status in (400, 409) and isinstance(error.description, str) else None
    response = make_response(render_template("errors/error.html", status=status,
                                             message=_friendly_message(status), detail=description), status)
    _keep_headers(error, response)
    return response


def handle_csrf(error: CSRFError):
    """A form sent without its token, or with an old one (the session ended, the page stood open too long): in the
    user's language, what to do; Flask-WTF's own reason ("The CSRF tokens do not match.") goes to the log."""
    if is_api_request():
        return handle_http_exception(error)
    log.info("CSRF refused on %s %s: %s", request.method, request.path, error.description)
    message = _("This form has expired or did not come from this page. Go back, reload the page and send it again.")
    return render_template("errors/error.html", status=400, message=message, detail=None), 400


def _keep_headers(error: HTTPException, response) -> None:
    """Headers the error carries (Allow on 405, Retry-After on 429) belong on the answer too."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value


def handle_stale(error: Exception):
    """A stale edit that no form caught (a button on a page): the page again, with the saved values and who
    saved them (the same answer as ``trainer.web.forms.save_form``); the API answers 412."""
    if is_api_request():
        db.session.rollback()
        return api_error(412, _("The record was changed by someone else; fetch it again and retry."))
    return stale_edit_answer(getattr(error, "obj", None))


def handle_invalid_input(error: InvalidInput):
    """Operations raise InvalidInput; views catch it for forms, the API answers 422 with the fields."""
    db.session.rollback()
    if is_api_request():
        return api_error(422, error.message, error.fields)
    return render_template("errors/error.html", status=422, message=error.message, detail=None), 422


def handle_data_error(error: DataError):
    """A value the database cannot hold (an id beyond 32 bits, a number out of range): bad input, not a crash."""
    db.session.rollback()
    log.info("value refused by the database on %s %s: %s", request.method, request.path, error.orig)
    message = _("A value is out of range.")
    if is_api_request():
        return api_error(422, message)
    return render_template("errors/error.html", status=400, message=message, detail=None), 400


def handle_unexpected(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    db.session.rollback()
    return handle_http_exception(InternalServerError())


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(StaleEdit, handle_stale)
    app.register_error_handler(InvalidInput, handle_invalid_input)
    app.register_error_handler(DataError, handle_data_error)
    app.register_error_handler(Exception, handle_unexpected)
