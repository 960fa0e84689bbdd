from tests.agenda.conftest import world  # noqa: F401
