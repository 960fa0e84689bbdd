from __future__ import annotations

import pytest

from tests.calendars import fake_area
from trainer.calendars import serving


@pytest.fixture
def fake_area_installed(app):
    """The calendars read events from the fake area only (real areas may or may not be installed)."""
    serving.memory.clear()
    undo = fake_area.install()
    yield fake_area
    undo()
    serving.memory.clear()
