"""The API side of the crawl: schemathesis from the app's own OpenAPI document, in-process (WSGI), with a
personal token; every check but two (below). Shared by the quick (demo) and the long (city) variants."""

from __future__ import annotations

from collections import Counter

import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import FlakyStrategyDefinition
from schemathesis.config import HttpBearerAuthConfig

# What must hold: no server error; every status, header, content type and body as documented; 405 with Allow
# for undeclared methods; after a link, the record the answer named is there. Two checks are left out on
# purpose: a request valid by the schema may be refused by a business rule (a union that does not exist,
# If-Match stale) with a documented 4xx; and OpenAPI does not forbid unknown query parameters, which the API
# ignores like most HTTP APIs.
EXCLUDED = [schemathesis.checks.positive_data_acceptance, schemathesis.checks.negative_data_rejection]


def api_schema(app, token: str, phases: list[str]):
    """The document as the app serves it, every call made with ``token``, in the generation phases given."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The token for the document's security scheme: schemathesis knows it is a real credential and probes
    # without it (the check that the API refuses a missing or invalid token).
    schema.config.auth.openapi.schemes["bearerAuth"] = HttpBearerAuthConfig(bearer=token)
    schema.config.phases.update(phases=phases)
    return schema


def call(case) -> None:
    case.call_and_validate(excluded_checks=EXCLUDED)


def run_stateful(app, token: str, *, scenarios: int, steps: int) -> Counter:
    """The stateful phase: sequences of calls that follow the document's links (an answer's id, ETag and
    fields into the next call). Answers the count of (method, path template, status) it saw."""
    machine = api_schema(app, token, ["stateful"]).as_state_machine()
    answers: Counter = Counter()
    completed = 0

    class Crawl(machine):
        def after_call(self, response, case):
            super().after_call(response, case)
            answers[(case.method.upper(), case.operation.path, response.status_code)] += 1

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            __tracebackhide__ = True
            case.validate_response(response, additional_checks=additional_checks, excluded_checks=EXCLUDED,
                                   transport_kwargs=kwargs or None, recorder=self.recorder)

        def teardown(self):
            nonlocal completed
            completed += 1
            super().teardown()

    # Generation only: the database changes under the calls, so a sequence replayed to shrink it would not meet
    # the same records; a failure is reported as found, with every call of its sequence. For the same reason
    # Hypothesis may find a replayed prefix drawing differently (a list that was empty is not any more): as
    # schemathesis' own runner does, that ends the run, and new scenarios go on until enough have run.
    for _attempt in range(10):
        try:
            Crawl.run(settings=settings(max_examples=scenarios - completed, stateful_step_count=steps,
                                        deadline=None, database=None, phases=[Phase.generate],
                                        derandomize=True, suppress_health_check=list(HealthCheck)))
            break
        except FlakyStrategyDefinition:
            if completed >= scenarios:
                break
    return answers
