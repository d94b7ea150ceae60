"""Concurrent writers on a real database: one transition wins, numbers stay gapless."""

import pytest
from property_service.core.errors import ConcurrentChange
from property_service.workorders import services
from property_service.workorders.models import WorkOrder
from property_service.workorders.states import State

from tests.helpers import run_together
from tests.workorders.conftest import category, fire


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_concurrent_transitions_exactly_one_wins(new_order, agent, supervisor,
                                                        technician):
    order = new_order()
    results = run_together(
        lambda: fire(order, agent, "dispatch", assignee=technician, expected_state=State.NEW),
        lambda: fire(order, supervisor, "cancel", comment="dup", expected_state=State.NEW),
    )
    winners = [r for r in results if isinstance(r, WorkOrder)]
    losers = [r for r in results if isinstance(r, ConcurrentChange)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert "changed by someone else" in str(losers[0])
    order.refresh_from_db()
    assert order.state == winners[0].state
    assert order.events.exclude(action="created").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_intakes_get_gapless_numbers(place_a, agent):
    def intake():
        return services.create_work_order(
            by=agent, community=place_a.community, unit=place_a.unit, channel="phone",
            category=category("lighting"), description="灯不亮").number

    numbers = run_together(*[intake] * 6)
    assert all(isinstance(n, str) for n in numbers), numbers
    suffixes = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert suffixes == [1, 2, 3, 4, 5, 6]
