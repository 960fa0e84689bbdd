"""How the rotation's stored codes read on the pages (statuses, phases, parts, outcomes, the rubric)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS_LABELS = {"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed")}
PHASE_LABELS = {"guided": _l("Guided (week one)"), "independent": _l("Independent mediation (week two)")}
# One letter (a character in Chinese) for a day of each phase in the week grid, explained in its legend.
PHASE_LETTERS = {"guided": _l("G"), "independent": _l("I")}
ROLE_LABELS = {"observed": _l("Observed"), "assisted": _l("Assisted"), "independent": _l("Mediated independently")}
OUTCOME_LABELS = {"agreement": _l("Agreement reached"), "no_agreement": _l("No agreement"),
                  "withdrawn": _l("Withdrawn"), "referred": _l("Referred to arbitration")}
# The dispute categories are stored in Chinese (the court's own words, trainer.rotation.models.CATEGORIES).
CATEGORY_LABELS = {"劳动报酬": _l("Labour pay"), "加班费": _l("Overtime pay"),
                   "解除/终止劳动合同": _l("Dismissal or end of the contract"), "社会保险": _l("Social insurance"),
                   "工伤": _l("Work injury"), "确认劳动关系": _l("Confirming an employment relationship"),
                   "休息休假": _l("Rest and leave"), "其他": _l("Other matters")}
RUBRIC_LABELS = {"law_policy": _l("Law and policy"), "procedure": _l("Mediation procedure"),
                 "communication": _l("Communication"), "drafting": _l("Drafting the agreement"),
                 "independent_handling": _l("Independent handling")}
