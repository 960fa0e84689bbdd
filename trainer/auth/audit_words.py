"""The accounts' words in the audit log (see trainer/audit/words.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trainer.auth.forms import ROLE_LABELS

KINDS = {"User": _l("Login account")}
FIELDS = {"User": {"username": _l("User name"), "display_name": _l("Full name"), "role": _l("Role"),
                   "locale": _l("Language")}}
VALUES = {"User.role": {str(k): v for k, v in ROLE_LABELS.items()}, "User.locale": {"zh": "中文", "en": "English"}}
