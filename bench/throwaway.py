"""The real app on a throwaway SQLite database, for the benchmarks that go through its pages."""

from __future__ import annotations

import tempfile


def throwaway_app(prefix: str):
    """The app (test settings: no CSRF, no rate limit) on a new SQLite file under /tmp, its tables created."""
    from trainer import create_app
    from trainer.core.extensions import db

    folder = tempfile.mkdtemp(prefix=prefix)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.db",
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        db.create_all()
    return app
