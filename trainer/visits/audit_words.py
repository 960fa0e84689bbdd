"""The lawyer visits' words in the audit log (see trainer/audit/words.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trainer.visits.labels import (
    ASKER_LABELS,
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    HALF_CHOICES,
    MISSED_LABELS,
    REFERRAL_LABELS,
    STATUS_LABELS,
)

KINDS = {"Firm": _l("Law firm"), "Contract": _l("Service contract"), "Lawyer": _l("Lawyer"),
         "LawyerLeave": _l("Leave of a lawyer"), "Assignment": _l("Station assignment"), "Visit": _l("Visit"),
         "Consultation": _l("Consultation"), "DutyPeriod": _l("Telephone duty period"),
         "DutyShift": _l("Duty shift")}
FIELDS = {
    "Firm": {"name": _l("Firm name")},
    "Contract": {"firm_id": _l("Firm"), "stations_covered": _l("Stations covered"),
                 "visits_per_station_month": _l("Visits per station and month"),
                 "hours_per_visit": _l("Hours per visit"), "reference": _l("Contract number"),
                 "fee_per_visit": _l("Fee per visit (yuan)"), "fee_per_month": _l("Fee per month (yuan)")},
    "Lawyer": {"name": _l("Full name"), "firm_id": _l("Firm"), "office_area": _l("Office near (street or area)")},
    "LawyerLeave": {"lawyer_id": _l("Lawyer"), "half": _l("Only")},
    "Assignment": {"station_id": _l("Station"), "firm_id": _l("Firm"), "lead_lawyer_id": _l("Lead lawyer"),
                   "backup_lawyer_id": _l("Backup lawyer")},
    "Visit": {"station_id": _l("Station"), "lawyer_id": _l("Lawyer"), "firm_id": _l("Firm"),
              "by_backup": _l("By the backup lawyer"), "checked_in_at": _l("Checked in at"),
              "checked_out_at": _l("Checked out at"), "missed_reason": _l("Why the visit did not take place"),
              "missed_note": _l("What happened"), "recorded_by_id": _l("Recorded by"),
              "recorded_at": _l("Recorded at"), "late_reason": _l("Why it is recorded late")},
    "Consultation": {"visit_id": _l("Visit"), "asker_type": _l("Who asked"), "people_count": _l("How many people"),
                     "channel": _l("Channel"), "category": _l("Category"), "question": _l("Question (summary)"),
                     "advice": _l("Advice given"), "referral": _l("Referral"), "follow_up": _l("Follow-up needed"),
                     "follow_up_note": _l("Follow-up note"), "enterprise_name": _l("Enterprise"),
                     "recorded_by_id": _l("Recorded by")},
    "DutyPeriod": {"first_day": _l("First day"), "last_day": _l("Last day"), "shifts": _l("Shifts"),
                   "per_shift": _l("Lawyers per shift"), "phone": _l("Hotline number"),
                   "problems": _l("What could not be planned"), "planned_at": _l("Planned at")},
    "DutyShift": {"period_id": _l("Duty period"), "shift_code": _l("Shift"), "lawyer_id": _l("Lawyer")},
}
VALUES = {"half": dict(HALF_CHOICES), "Visit.status": STATUS_LABELS, "Visit.missed_reason": MISSED_LABELS,
          "Consultation.asker_type": ASKER_LABELS, "Consultation.channel": CHANNEL_LABELS,
          "Consultation.category": CATEGORY_LABELS, "Consultation.referral": REFERRAL_LABELS,
          "DutyShift.status": STATUS_LABELS}
