"""Pure planning solvers: plain dataclasses in, plain dataclasses out.

Nothing in this package imports Flask, SQLAlchemy or the rest of Trainer; working days are always handed
in as data. The solvers use OR-Tools CP-SAT.

* :mod:`trainer.planning.visits` - the lawyer visit plan (一站一家一律师);
* :mod:`trainer.planning.rotation` - rotation placements at the mediation centre (以干代训);
* :mod:`trainer.planning.duty` - the 24-hour telephone duty roster (特别时期电话值班); how evenly it spreads
  each lawyer's shifts in :mod:`trainer.planning.duty_spread`.
"""

from trainer.planning.common import PlanProblem
from trainer.planning.duty import (
    DutyAssignment,
    DutyLawyerSpec,
    DutyRequest,
    DutyResult,
    ShiftSpec,
    check_duty,
    plan_duty,
)
from trainer.planning.duty_spread import LawyerSpread, lawyer_spread, roster_spread
from trainer.planning.rotation import (
    MentorSpec,
    Placement,
    PlacementDay,
    RotationRequest,
    RotationResult,
    TraineeSpec,
    check_rotation,
    plan_rotation,
)
from trainer.planning.visits import (
    FixedVisit,
    LawyerSpec,
    PlannedVisit,
    Slot,
    StationSpec,
    VisitPlanRequest,
    VisitPlanResult,
    check_plan,
    plan_quality,
    plan_visits,
)

__all__ = [
    "DutyAssignment", "DutyLawyerSpec", "DutyRequest", "DutyResult", "FixedVisit", "LawyerSpec", "LawyerSpread",
    "MentorSpec",
    "Placement", "PlacementDay", "PlanProblem", "PlannedVisit", "RotationRequest", "RotationResult",
    "ShiftSpec", "Slot", "StationSpec", "TraineeSpec", "VisitPlanRequest", "VisitPlanResult", "check_duty",
    "check_plan", "check_rotation", "lawyer_spread", "plan_duty", "plan_quality", "plan_rotation", "plan_visits",
    "roster_spread",
]
