"""Concurrent writers on a real database: one transition of an incident wins."""

import pytest
from property_service.core.errors import ConcurrentChange
from property_service.incidents.models import Incident
from property_service.incidents.states import State

from tests.factories.incidents import IncidentFactory
from tests.incidents.conftest import REPORT, act
from tests.workorders.test_concurrency import run_together


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_concurrent_transitions_exactly_one_wins(make_staff, place_a):
    manager = make_staff("Property Manager", communities=[place_a.community])
    other_manager = make_staff("Property Manager", communities=[place_a.community])
    incident = IncidentFactory(community=place_a.community, state=State.REPORT_DRAFTED,
                               **REPORT)
    results = run_together(
        lambda: act(incident, manager, "approve", expected_state=State.REPORT_DRAFTED),
        lambda: act(incident, other_manager, "return_report", comment="再核实",
                    expected_state=State.REPORT_DRAFTED),
    )
    winners = [r for r in results if isinstance(r, Incident)]
    losers = [r for r in results if isinstance(r, ConcurrentChange)]
    assert len(winners) == 1 and len(losers) == 1, results
    incident.refresh_from_db()
    assert incident.state == winners[0].state
    assert incident.events.count() == 1
