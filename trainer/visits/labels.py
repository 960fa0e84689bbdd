"""Words for the codes the visits store (half-days, consultation categories, channels, referrals, missed
reasons) and the short way a visit's day is written.

English source strings, Chinese in the catalogue; ``label(kind, code)`` is what pages, exports and the API show.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.core.i18n import lang

CATEGORY_LABELS = {
    "pay": _l("Labour pay"),  # 劳动报酬
    "overtime": _l("Overtime pay"),  # 加班费
    "termination": _l("Ending a labour contract"),  # 解除/终止劳动合同
    "social_insurance": _l("Social insurance"),  # 社会保险
    "injury": _l("Work injury"),  # 工伤
    "employment_relation": _l("Confirming an employment relationship"),  # 确认劳动关系
    "rest_leave": _l("Rest and leave"),  # 休息休假
    "other": _l("Other matters"),  # 其他
}
ASKER_LABELS = {"enterprise": _l("Enterprise"), "worker": _l("Worker")}
CHANNEL_LABELS = {"on_site": _l("On site"), "phone": _l("By phone"), "online": _l("Online")}
REFERRAL_LABELS = {"none": _l("No referral"), "mediation": _l("Referred to mediation"),
                   "arbitration": _l("Referred to arbitration"), "legal_aid": _l("Referred to legal aid")}
MISSED_LABELS = {"lawyer_ill": _l("Lawyer ill"), "lawyer_absent": _l("Lawyer did not come"),
                 "station_closed": _l("Station closed"), "emergency": _l("Emergency or bad weather"),
                 "other": _l("Other reason")}
HALF_CHOICES = [("am", _l("morning")), ("pm", _l("afternoon"))]
STATUS_LABELS = {"planned": _l("planned"), "cancelled": _l("cancelled"), "delivered": _l("delivered"),
                 "missed": _l("missed")}

# What a visit is now (trainer.visits.records.rules.state) and what the account flags about it.
STATE_LABELS = {"planned": _l("planned"), "unrecorded": _l("not recorded"), "in_progress": _l("in progress"),
                "delivered": _l("delivered"), "no_checkout": _l("no check-out"), "untimed": _l("no times recorded"),
                "missed": _l("missed"), "cancelled": _l("cancelled")}
FLAG_LABELS = {"no_checkout": _l("no check-out: no hours credited"), "untimed": _l("no times: no hours credited"),
               "short": _l("short visit"), "late": _l("recorded late"), "unrecorded": _l("not recorded")}

# How a planning run ended (visit plan runs; the solvers' words "optimal", "feasible" … are never shown).
RUN_LABELS = {"optimal": _l("all planned (the best plan found)"), "feasible": _l("all planned"),
              "partial": _l("partly planned"), "empty": _l("nothing to plan"), "none": _l("no plan found")}

KINDS = {"category": CATEGORY_LABELS, "asker": ASKER_LABELS, "channel": CHANNEL_LABELS,
         "referral": REFERRAL_LABELS, "missed": MISSED_LABELS, "status": STATUS_LABELS, "state": STATE_LABELS,
         "flag": FLAG_LABELS, "run": RUN_LABELS}


def label(kind: str, code: str | None) -> str:
    if not code:
        return ""
    found = KINDS[kind].get(code)
    return str(found) if found is not None else code


def choices(kind: str) -> list[tuple[str, object]]:
    return list(KINDS[kind].items())


def cell_choices(kind: str) -> dict[str, str]:
    """Excel cells: the Chinese label (and the code) accepted for each code."""
    with force_locale("zh"):
        return {str(text): code for code, text in KINDS[kind].items()}


def half_label(half: str | None) -> str:
    if half == "am":
        return _("morning")
    return _("afternoon") if half == "pm" else ""


def short_day(day: date) -> str:
    """1月5日 周二 / Tue 5 Jan."""
    if lang() == "zh":
        return format_date(day, "M月d日 EEE", locale="zh_Hans_CN")
    return format_date(day, "EEE d MMM", locale="en_GB")


def yuan(value) -> str:
    """A sum of money: 1,234.50 元 (CNY 1,234.50 in English); empty for none."""
    if value is None:
        return ""
    amount = f"{Decimal(value).quantize(Decimal('0.01')):,}"
    return f"{amount} 元" if lang() == "zh" else f"CNY {amount}"
