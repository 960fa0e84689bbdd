"""The real app for scheduler-process tests, with one job that holds while a gate file exists: a run that is
still going when the test kills its process.

    flask --app "tests.jobs.slow_app:create_app()" jobs run      (TRAINER_TEST_GATE=/path/to/gate)
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from trainer import create_app as create_trainer
from trainer.jobs import registry
from trainer.jobs.registry import JobSpec

JOB = "test.hold"


def hold(today) -> str:
    gate = Path(os.environ["TRAINER_TEST_GATE"])
    while gate.exists():
        time.sleep(0.1)
    return "went through the gate"


def create_app():
    app = create_trainer()
    # Once a day: the scheduler catches up the day's firing as soon as it leads, and a test killing it mid-run
    # sees the same firing run again by the next leader (with a firing every minute, the minute could pass
    # while the next scheduler starts on a busy machine, and the next firing would be the one caught up).
    registry._override = [JobSpec(JOB, hold, trigger_args={"hour": "3", "minute": "0"})]
    return app
