"""The planning solvers are pure: these tests need no app and no database.

The suite-wide autouse fixture that empties the database for every test is replaced here by one that
does nothing, so the solver tests neither build the app nor depend on it.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clean_db():
    yield
