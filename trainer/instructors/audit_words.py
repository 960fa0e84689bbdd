"""The instructors' words in the audit log (see trainer/audit/words.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from trainer.instructors.labels import (
    AREA_LABELS,
    BACKGROUND_LABELS,
    MEETING_STATUS_LABELS,
    PAIR_LABELS,
    RESULT_LABELS,
    STAGE_LABELS,
    STATUS_LABELS,
    TIER_LABELS,
)
from trainer.instructors.meetings.recurrence import rule_words

KINDS = {"Instructor": _l("Instructor"), "Responsibility": _l("Duty of an instructor"),
         "MeetingSeries": _l("Guidance meeting series"), "Meeting": _l("Guidance meeting"),
         "Engagement": _l("Bargaining engagement"), "BargainingSession": _l("Bargaining session"),
         "TrainingRecord": _l("Training record"), "Assessment": _l("Assessment")}
FIELDS = {
    "Instructor": {"name": _l("Full name"), "tier": _l("Tier"), "background": _l("Background"),
                   "term_from": _l("Term from"), "term_to": _l("Term until"), "guide_id": _l("Guided by")},
    "Responsibility": {"instructor_id": _l("Instructor"), "value": _l("What")},
    "MeetingSeries": {"organiser_id": _l("Organiser"), "pair": _l("Who meets"), "rrule": _l("Repeats"),
                      "starts_on": _l("From"), "until": _l("Until"), "blocked_year": _l("Waiting for the calendar of")},
    "Meeting": {"series_id": _l("Series"), "organiser_id": _l("Organiser"), "original_day": _l("First planned on"),
                "moved_because": _l("Moved because"), "moved_by_hand": _l("Moved by hand"),
                "cancel_reason": _l("Why cancelled"), "minutes": _l("Minutes")},
    "Engagement": {"enterprise": _l("Enterprise"), "union_name": _l("Enterprise union"), "industry": _l("Industry"),
                   "stage": _l("Stage"), "request_sent_on": _l("Request sent on"),
                   "reply_received_on": _l("Reply received on"), "agreement_signed_on": _l("Agreement signed on"),
                   "filed_on": _l("Filed on"), "in_force_on": _l("In force on")},
    "BargainingSession": {"engagement_id": _l("Engagement")},
    "TrainingRecord": {"instructor_id": _l("Instructor"), "course": _l("Course"), "hours": _l("Hours")},
    "Assessment": {"instructor_id": _l("Instructor"), "result": _l("Result"), "score": _l("Score")},
}
VALUES = {"Instructor.tier": TIER_LABELS, "Instructor.background": BACKGROUND_LABELS,
          "Instructor.status": STATUS_LABELS, "Responsibility.kind": AREA_LABELS, "MeetingSeries.pair": PAIR_LABELS,
          "Meeting.status": MEETING_STATUS_LABELS, "Engagement.stage": STAGE_LABELS,
          "Assessment.result": RESULT_LABELS, "BargainingSession.status": MEETING_STATUS_LABELS}
FORMATS = {"MeetingSeries.rrule": rule_words}
