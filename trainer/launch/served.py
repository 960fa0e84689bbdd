"""The app as a web worker loads it (``trainer.launch.launcher.APP_FACTORY``, what granian calls in each worker)."""

from __future__ import annotations

import gc

from trainer import create_app as create_trainer_app


def frozen(app):
    """The app is loaded in this worker and lives as long as it: freeze what exists now (gc.freeze) so that the
    collector's full passes no longer walk the app's hundreds of thousands of objects — a page that makes a
    thousand small objects (a city-size month) then pays for its own objects only."""
    gc.freeze()
    return app


def create_app():
    return frozen(create_trainer_app())
