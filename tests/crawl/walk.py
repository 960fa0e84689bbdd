"""The crawl's three walks, written once and made for each world (tests/crawl/test_demo.py, test_city.py):
every page as every visitor, the whole API with every role's token, and call sequences along the links."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from tests.crawl import api, pages
from tests.crawl.world import ROLES


def walks(*, examples: int, scenarios: int, steps: int):
    """The tests of one crawl: ``examples`` per operation and role, ``scenarios`` call sequences of ``steps``."""

    @pytest.mark.parametrize("visitor", [None] + [role for role, _ in ROLES])
    def test_every_page_answers_every_visitor_as_the_access_rules_say(app, world, page_list, visitor):
        assert len(page_list) > 150  # every GET address, with rows of several districts
        problems = pages.crawl(app, world, visitor, page_list)
        assert problems == [], "\n".join(problems)

    @schemathesis.pytest.from_fixture("api_schema").parametrize()
    @settings(max_examples=examples, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def test_api_holds_its_contract_for_every_role(case, world, role):
        api.call(case)

    def test_call_sequences_along_the_links_hold_the_contract(app, world, role):
        answers = api.run_stateful(app, world.tokens[role], scenarios=scenarios, steps=steps)
        assert sum(answers.values()) >= scenarios
        if role in pages.STAFF:  # the staff's sequences reach records an earlier answer named (ids from links)
            assert any(status < 300 and "{" in path for _method, path, status in answers), answers

    return (test_every_page_answers_every_visitor_as_the_access_rules_say,
            test_api_holds_its_contract_for_every_role, test_call_sequences_along_the_links_hold_the_contract)
