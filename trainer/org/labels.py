"""A station's receiving half-days and preferred rhythm in words (pages, the audit log)."""

from __future__ import annotations

from flask_babel import gettext as _

from trainer.core.i18n import format_weekday


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
