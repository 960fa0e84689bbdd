"""The organisation's words in the audit log (see trainer/audit/words.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.core.i18n import format_weekday
from trainer.org.forms import KIND_LABELS

KINDS = {"Union": _l("Union"), "Station": _l("Service station")}
FIELDS = {
    "Union": {"street": _l("Street or town covered")},
    "Station": {"union_id": _l("Union"), "receiving": _l("Receiving half-days"), "am_hours": _l("Morning hours"),
                "pm_hours": _l("Afternoon hours"), "rhythm": _l("Preferred rhythm")},
}
VALUES = {"Union.kind": KIND_LABELS}


def half_days(value) -> str:
    """["0:am", "2:pm"] -> 周一上午、周三下午."""
    halves = {"am": _("morning"), "pm": _("afternoon")}
    out = []
    for item in value or []:
        weekday, _sep, half = str(item).partition(":")
        try:
            out.append(f"{format_weekday(int(weekday))}{halves.get(half, half)}")
        except ValueError:
            out.append(str(item))
    return "、".join(out)


def rhythm_words(pairs) -> str:
    """[[2, 1], [4, 1]] (week of the month, weekday 0=Monday) -> 每月第2个周二、第4个周二."""
    parts = []
    for pair in pairs or []:
        try:
            week, weekday = int(pair[0]), int(pair[1])
        except (TypeError, ValueError, IndexError):
            continue
        parts.append(_("week %(n)s of the month, %(weekday)s", n=week, weekday=format_weekday(weekday)))
    return "、".join(parts)


FORMATS = {"Station.receiving": half_days, "Station.rhythm": rhythm_words}
