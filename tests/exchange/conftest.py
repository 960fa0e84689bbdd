from tests.visits.conftest import programme  # noqa: F401
