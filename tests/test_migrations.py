"""The committed migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from trainer import create_app
from trainer.core.extensions import db


@pytest.fixture
def empty_database_url():
    url = os.environ.get("TRAINER_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{Path(tempfile.mkdtemp()) / 'migrations.db'}"
        return
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS trainer_migrations"))
        conn.execute(text("CREATE DATABASE trainer_migrations"))
    yield make_url(url).set(database="trainer_migrations").render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS trainer_migrations WITH (FORCE)"))
    admin.dispose()


def test_migrations_match_the_models(empty_database_url):
    from flask_migrate import downgrade, upgrade

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "compare_type": True,
                "include_object": lambda obj, name, type_, reflected, compare_to:
                    not (type_ == "table" and name.startswith("apscheduler")),
            })
            diff = compare_metadata(context, db.metadata)
            districts = conn.execute(text("SELECT count(*) FROM districts")).scalar()
        assert diff == [], diff
        assert districts == 16  # the first migration brings Beijing's districts
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert [t for t in inspect(conn).get_table_names() if t != "alembic_version"] == []
        db.engine.dispose()
