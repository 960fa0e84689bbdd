"""What the instructor system calls its stored values (tiers, backgrounds, stages …), shown translated on every
page, and the industries a district's duties should cover."""

from __future__ import annotations

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from trainer.core.i18n import district_name, lang
from trainer.instructors.models import Instructor

TIER_LABELS = {"city_full": _l("City full-time"), "district_full": _l("District full-time"),
               "district_part": _l("District part-time")}
BACKGROUND_LABELS = {"expert": _l("Expert"), "lawyer": _l("Lawyer"), "teacher": _l("Teacher"),
                     "social_worker": _l("Social worker"), "manager": _l("Enterprise manager")}
STATUS_LABELS = {"active": _l("Active"), "suspended": _l("Suspended"), "ended": _l("Term ended")}
AREA_LABELS = {"street": _l("Street"), "industry": _l("Industry"), "enterprise": _l("Enterprise")}
PAIR_LABELS = {"city_district": _l("City → district full-time"),
               "district_part": _l("District full-time → part-time")}
STAGE_LABELS = {
    "request_sent": _l("Request sent"),
    "awaiting_reply": _l("Awaiting reply (20 days)"),
    "preparation": _l("Preparation"),
    "sessions": _l("Bargaining sessions"),
    "signed": _l("Agreement signed"),
    "filed": _l("Filed with the labour bureau (10 days)"),
    "in_force": _l("In force"),
}
RESULT_LABELS = {"excellent": _l("Excellent"), "competent": _l("Competent"), "basic": _l("Basically competent"),
                 "not_competent": _l("Not competent")}
MEETING_STATUS_LABELS = {"scheduled": _l("Scheduled"), "cancelled": _l("Cancelled")}

# The industries a district's duties should cover, unless INSTRUCTOR_INDUSTRIES is configured.
DEFAULT_INDUSTRIES = ["制造业", "建筑业", "批发和零售业", "住宿和餐饮业", "交通运输业", "信息技术服务业", "金融业",
                      "教育", "卫生健康", "商业服务业"]


def known_industries() -> list[str]:
    configured = current_app.config.get("INSTRUCTOR_INDUSTRIES") if has_app_context() else None
    return list(configured or DEFAULT_INDUSTRIES)


def tier_label(tier: str | None) -> str:
    return str(TIER_LABELS.get(tier or "", tier or ""))


def instructor_label(person: Instructor) -> str:
    """赵建国（区级专职·朝阳区）: how an instructor is offered in a choice list."""
    where = district_name(person.district) if person.district else _("city")
    if lang() == "zh":
        return f"{person.name}（{TIER_LABELS[person.tier]}·{where}）"
    return f"{person.name} ({TIER_LABELS[person.tier]}, {where})"
