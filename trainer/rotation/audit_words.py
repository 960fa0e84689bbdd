"""The rotation's words in the audit log (see trainer/audit/words.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trainer.core.i18n import format_weekday
from trainer.rotation.labels import OUTCOME_LABELS, PHASE_LABELS, ROLE_LABELS, RUBRIC_LABELS, STATUS_LABELS

KINDS = {"ProgrammeYear": _l("Rotation programme year"), "Blackout": _l("Blackout period"),
         "Mentor": _l("Mentor"), "CentreMentor": _l("Mentor on duty at the centre"),
         "MentorUnavailable": _l("Mentor unavailable"), "SelectedUnion": _l("Union selected"),
         "Trainee": _l("Trainee"), "Placement": _l("Placement"), "PlacementDay": _l("Placement day"),
         "DayReflection": _l("Daily reflection"), "CaseLog": _l("Case log"), "Evaluation": _l("Evaluation"),
         "Certification": _l("Certification")}
_YEAR = {"programme_year_id": _l("Programme year")}
FIELDS = {
    "ProgrammeYear": {"trainee_target": _l("Trainees this year"), "centre_name": _l("Centre"),
                      "centre_address": _l("Centre address"), "capacity": _l("Trainees at the centre at once"),
                      "placement_length": _l("Working days per placement"),
                      "mentor_max_trainees": _l("Trainees per mentor a day"), "window_start": _l("From"),
                      "window_end": _l("Until"), "planned_at": _l("Planned at"),
                      "plan_problems": _l("What could not be planned")},
    "Blackout": {**_YEAR},
    "Mentor": {"name": _l("Full name"), "lawyer_id": _l("Lawyer")},
    "CentreMentor": {**_YEAR, "mentor_id": _l("Mentor"), "duty_weekdays": _l("Duty weekdays"),
                     "on_makeup_days": _l("Also on make-up working days")},
    "MentorUnavailable": {"mentor_id": _l("Mentor")},
    "SelectedUnion": {**_YEAR, "union_id": _l("Union")},
    "Trainee": {**_YEAR, "name": _l("Full name"), "union_id": _l("Union"), "station_id": _l("Station"),
                "prior_experience": _l("Prior experience"), "unavailable": _l("Days the trainee cannot come")},
    "Placement": {**_YEAR, "trainee_id": _l("Trainee"), "completed_on": _l("Completed on")},
    "PlacementDay": {"placement_id": _l("Placement"), "number": _l("Day number"), "phase": _l("Phase"),
                     "mentor_id": _l("Mentor")},
    "DayReflection": {"placement_day_id": _l("Placement day"), "text": _l("Reflection"),
                      "written_at": _l("Written at")},
    "CaseLog": {"placement_day_id": _l("Placement day"), "case_ref": _l("Case reference"),
                "category": _l("Category"), "role": _l("Role"), "outcome": _l("Outcome"),
                "accepted_on": _l("Accepted on"), "mentor_remarks": _l("Mentor's remarks")},
    "Evaluation": {"trainee_id": _l("Trainee"), "mentor_id": _l("Mentor"), **RUBRIC_LABELS,
                   "passed": _l("Passed"), "evaluated_on": _l("Evaluated on"), "evaluated_by_id": _l("Evaluated by")},
    "Certification": {"trainee_id": _l("Trainee"), "union_id": _l("Union"), "certified_on": _l("Certified on"),
                      "number": _l("Certificate number"), "confirmed_by_id": _l("Confirmed by")},
}
VALUES = {"ProgrammeYear.status": STATUS_LABELS, "PlacementDay.phase": PHASE_LABELS, "CaseLog.role": ROLE_LABELS,
          "CaseLog.outcome": OUTCOME_LABELS}


def weekdays(value) -> str:
    return "、".join(format_weekday(int(d)) for d in value or [])


FORMATS = {"CentreMentor.duty_weekdays": weekdays}
