"""Words for the codes stored in the part-2 tables (consultation categories, channels, referrals, missed reasons).

English source strings, Chinese in the catalogue; ``label(kind, code)`` is what pages, exports and the API show.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

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
STATUS_LABELS = {"planned": _l("planned"), "cancelled": _l("cancelled"), "delivered": _l("delivered"),
                 "missed": _l("missed")}

KINDS = {"category": CATEGORY_LABELS, "asker": ASKER_LABELS, "channel": CHANNEL_LABELS,
         "referral": REFERRAL_LABELS, "missed": MISSED_LABELS, "status": STATUS_LABELS}


def label(kind: str, code: str | None) -> str:
    if not code:
        return ""
    found = KINDS[kind].get(code)
    return str(found) if found is not None else code


def choices(kind: str) -> list[tuple[str, object]]:
    return list(KINDS[kind].items())


def cell_choices(kind: str) -> dict[str, str]:
    """Excel cells: the Chinese label (and the code) accepted for each code."""
    from flask_babel import force_locale

    with force_locale("zh"):
        return {str(text): code for code, text in KINDS[kind].items()}
