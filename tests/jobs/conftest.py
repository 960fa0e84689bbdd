from __future__ import annotations

import pytest

from tests.calendars import fake_area
from trainer.calendars import serving
from trainer.jobs import registry


@pytest.fixture
def fake_area_installed(app):
    serving.memory.clear()
    undo = fake_area.install()
    yield fake_area
    undo()


@pytest.fixture
def only_jobs():
    """Replace the discovered jobs with the given JobSpecs for one test."""
    previous = registry._override

    def use(*specs):
        registry._override = list(specs)

    yield use
    registry._override = previous
