"""The working-day calendar's words in the audit log (see trainer/audit/words.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trainer.workdays.forms import KIND_LABELS
from trainer.workdays.views import SOURCE_LABELS, STATUS_LABELS

KINDS = {"CalendarYear": _l("Holiday calendar of a year"), "CalendarEntry": _l("Holiday or make-up day"),
         "KeptConflict": _l("Conflict kept as it is")}
FIELDS = {
    "CalendarYear": {"source": _l("Source"), "notice": _l("Notice"), "confirmed_by_id": _l("Confirmed by"),
                     "confirmed_at": _l("Confirmed at")},
    "CalendarEntry": {"year_id": _l("Year"), "name": _l("Name (Chinese)"), "name_en": _l("Name (English)"),
                      "festival": _l("Festival")},
    "KeptConflict": {"kind": _l("Kind of item"), "item_id": _l("Item"), "place": _l("Where it stays"),
                     "rules": _l("Rules it breaks"), "label": _l("Item"), "kept_by_id": _l("Kept by"),
                     "kept_at": _l("Kept at")},
}
VALUES = {"CalendarYear.status": STATUS_LABELS, "CalendarYear.source": SOURCE_LABELS,
          "CalendarEntry.kind": KIND_LABELS}
