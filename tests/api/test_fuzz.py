"""The whole API fuzzed from its own schema (schemathesis): for every operation, generated
requests as several roles never get a 5xx, and every documented response matches the schema."""

import datetime
import itertools
import logging
import os

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from property_service.api.tokens import issue_token
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.factories.renewals import ContractFactory, InsurancePolicyFactory
from tests.factories.workorders import WorkOrderFactory

# Bounded: every operation gets this many generated requests (FUZZ_EXAMPLES raises it for a
# longer run), sent in turn as each role below.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
ROLES = ("System Manager", "CS Agent", "Maintenance", "Admin & Finance")


# Loaded at collection (the schema view needs no database), served by the WSGI app in-process.
schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# The explicit examples and the random fuzzing phase, bounded by EXAMPLES; the exhaustive
# coverage phase (every boundary of every field) is for a longer run: FUZZ_COVERAGE=1.
schema.config.phases.coverage.enabled = os.environ.get("FUZZ_COVERAGE") == "1"


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # (Also quiet: thousands of refused requests are the point, not news.)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    # Like Django's test client: requests must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)



@pytest.fixture
def tokens(place_a, place_b, make_staff):
    """A small world to hit (both communities) and one token per role, limited to A except the
    system manager."""
    finance = make_staff("Admin & Finance", communities=[place_a.community])
    WorkOrderFactory(unit=place_a.unit)
    WorkOrderFactory(unit=place_b.unit)
    ContractFactory(community=place_a.community, responsible=finance)
    policy = InsurancePolicyFactory(community=place_a.community, responsible=finance,
                                    start_date=datetime.date(2026, 1, 1))
    from property_service.insurance import claims

    claims.create_claim(by=finance, policy=policy, loss_date=datetime.date(2026, 3, 1),
                        description="水管爆裂", amount_claimed=1000)
    users = [make_staff(role, communities=None if role == "System Manager"
                        else [place_a.community]) for role in ROLES]
    return itertools.cycle([issue_token(user=user) for user in users])


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error_or_a_response_outside_the_schema(case, tokens):
    case.call_and_validate(headers={"Authorization": f"Token {next(tokens)}"},
                           checks=[not_a_server_error, response_schema_conformance])
