"""The long crawl: the same walk as test_demo.py over a district of city size (tests/crawl/city.py, from
bench/gen.py) besides the demo, the district's own coordinator and lawyer taking those roles, with every
generation phase of the fuzzer (examples, boundary values, random) and more examples and call sequences. Marked
slow and crawl: `make crawl` runs it on SQLite and PostgreSQL, as its own step of .ci/run."""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.crawl import api, pages
from tests.crawl.world import ROLES, empty_database, load_world

pytestmark = [pytest.mark.slow, pytest.mark.crawl]
EXAMPLES = int(os.environ.get("TRAINER_CRAWL_CITY_EXAMPLES", "20"))


@pytest.fixture(scope="module")
def world(app):
    with app.app_context():
        empty_database()
        yield load_world(city=True)
        empty_database()


@pytest.fixture(scope="module")
def page_list(app, world):
    with app.app_context():
        return pages.visits(app, world)


@pytest.mark.parametrize("visitor", [None] + [role for role, _ in ROLES])
def test_every_page_of_the_big_district_answers_as_the_access_rules_say(app, world, page_list, visitor):
    problems = pages.crawl(app, world, visitor, page_list)
    assert problems == [], "\n".join(problems)


@pytest.fixture
def api_schema(app, world, role):
    return api.api_schema(app, world.tokens[role], ["examples", "coverage", "fuzzing"])


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_over_the_big_district_holds_its_contract(case, world, role):
    api.call(case)


def test_long_call_sequences_along_the_links_hold_the_contract(app, world, role):
    answers = api.run_stateful(app, world.tokens[role], scenarios=EXAMPLES * 5, steps=15)
    assert sum(answers.values()) >= EXAMPLES * 5
