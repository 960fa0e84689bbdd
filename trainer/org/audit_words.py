"""The organisation's words in the audit log (see trainer/audit/words.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trainer.org.forms import KIND_LABELS
from trainer.org.labels import half_days, rhythm_words

KINDS = {"Union": _l("Union"), "Station": _l("Service station")}
FIELDS = {
    "Union": {"street": _l("Street or town covered")},
    "Station": {"union_id": _l("Union"), "receiving": _l("Receiving half-days"), "am_hours": _l("Morning hours"),
                "pm_hours": _l("Afternoon hours"), "rhythm": _l("Preferred rhythm")},
}
VALUES = {"Union.kind": KIND_LABELS}


FORMATS = {"Station.receiving": half_days, "Station.rhythm": rhythm_words}
