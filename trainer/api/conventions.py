"""Helpers for the API conventions: ETag/If-Match on records, error responses documented once."""

from __future__ import annotations

from flask import abort, request
from flask_babel import gettext as _


def etag_of(obj) -> str:
    """The strong ETag of a versioned record."""
    return f'"{type(obj).__name__.lower()}-{obj.id}-v{obj.version}"'


def require_if_match(obj) -> None:
    """Refuse an update that does not name the version it was made on (428) or names an old one (412)."""
    header = request.headers.get("If-Match")
    if not header:
        abort(428, _("Send the record's ETag in an If-Match header."))
    wanted = etag_of(obj)
    tags = [tag.strip() for tag in header.split(",")]
    if wanted not in tags and "*" not in tags:
        abort(412, _("The record was changed by someone else; fetch it again and retry."))


def with_etag(response, obj):
    response.headers["ETag"] = etag_of(obj)
    return response
