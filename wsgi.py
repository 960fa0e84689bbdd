"""Entry point for a WSGI server: ``gunicorn wsgi:app`` or ``granian --interface wsgi wsgi:app``
(`make run` starts granian on ``trainer.launch.served:create_app``, which also freezes the collector)."""

from trainer import create_app

app = create_app()
