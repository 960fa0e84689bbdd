"""Fuzz the whole API against its own OpenAPI document: no server error, no response that breaks the schema.

Runs in-process (WSGI) as a Chaoyang coordinator on a small programme, with a bounded number of examples per
operation so the suite stays quick; `make fuzz` style runs can raise TRAINER_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from trainer.auth.operations import create_api_token
from trainer.core.extensions import db

EXAMPLES = int(os.environ.get("TRAINER_FUZZ_EXAMPLES", "12"))
pytestmark = pytest.mark.slow  # the whole API, about half a minute: `make test` runs it, `make test-fast` does not


@pytest.fixture
def api_schema(app, make_user, districts):
    from trainer.org.models import Station, Union

    union = Union(district=districts["chaoyang"], name="八里庄街道总工会", kind="street", street="八里庄街道")
    db.session.add_all([union, Station(district=districts["chaoyang"], union=union, name="八里庄街道工会服务站",
                                       address="北京市朝阳区八里庄路1号", receiving=["1:am", "3:pm"])])
    db.session.commit()
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.fixture
def token(make_user):
    _row, secret = create_api_token(make_user("coordinator", "chaoyang"), "fuzz")
    db.session.commit()
    return secret


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_api_holds_its_contract(case, token):
    # What must hold: no server error, every status, header, content type and body as documented, 405 with
    # Allow for undeclared methods. Two checks are left out on purpose: a request valid by the schema may be
    # refused by a business rule (a union that does not exist, If-Match missing) with a documented 4xx; and
    # OpenAPI does not forbid unknown query parameters, which the API ignores like most HTTP APIs.
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"},
                           excluded_checks=[schemathesis.checks.positive_data_acceptance,
                                            schemathesis.checks.negative_data_rejection])
