"""The gunicorn settings that are code (``WEB_SERVER=gunicorn``): trainer.launch.launcher.gunicorn_command passes
``--config`` with this file. It imports nothing of Trainer, so it also serves other checkouts (bench_pages'
code before)."""

from __future__ import annotations

import gc


def post_worker_init(worker) -> None:
    """The app is loaded in this worker: freeze the collector, as granian's workers do (trainer.launch.served)."""
    gc.freeze()
