"""The gunicorn settings that are code: `make run` (trainer.launch.launcher.gunicorn_command) passes
``--config`` with this file."""

from __future__ import annotations

import gc


def post_worker_init(worker) -> None:
    """The app is loaded in this worker and lives as long as it: freeze what exists now (gc.freeze) so that the
    collector's full passes no longer walk the app's hundreds of thousands of objects — a page that makes a
    thousand small objects (a city-size month) then pays for its own objects only."""
    gc.freeze()
