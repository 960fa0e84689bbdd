"""The long crawl: the same walk as test_demo.py over a district of city size (tests/crawl/city.py, from
bench/gen.py) besides the demo, the district's own coordinator and lawyer taking those roles, with every
generation phase of the fuzzer (examples, boundary values, random) and more examples and call sequences. Marked
slow and crawl: `make crawl` runs it on SQLite and PostgreSQL, as its own step of .ci/run."""

from __future__ import annotations

import os

import pytest

from tests.crawl.walk import walks

pytestmark = [pytest.mark.slow, pytest.mark.crawl]
CITY = True
PHASES = ["examples", "coverage", "fuzzing"]
EXAMPLES = int(os.environ.get("TRAINER_CRAWL_CITY_EXAMPLES", "20"))


(test_every_page_answers_every_visitor_as_the_access_rules_say, test_api_holds_its_contract_for_every_role,
 test_call_sequences_along_the_links_hold_the_contract) = walks(examples=EXAMPLES, scenarios=EXAMPLES * 2, steps=30)
