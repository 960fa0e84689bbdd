from tests.visits.conftest import known_calendar, programme  # noqa: F401
