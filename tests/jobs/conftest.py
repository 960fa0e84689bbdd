from __future__ import annotations

import pytest

from tests.calendars import fake_area
from tests.jobs.smtp_sink import SmtpSink
from trainer.calendars import serving
from trainer.jobs import registry


@pytest.fixture
def fake_area_installed(app):
    serving.memory.clear()
    undo = fake_area.install()
    yield fake_area
    undo()


@pytest.fixture
def smtp(app):
    """A local SMTP server; the app sends its e-mail there during the test."""
    with SmtpSink() as sink:
        saved = {key: app.config.get(key) for key in ("MAIL_ENABLED", "MAIL_SERVER", "MAIL_PORT")}
        app.config.update(MAIL_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=sink.port)
        yield sink
        app.config.update(saved)


@pytest.fixture
def only_jobs():
    """Replace the discovered jobs with the given JobSpecs for one test."""
    previous = registry._override

    def use(*specs):
        registry._override = list(specs)

    yield use
    registry._override = previous
