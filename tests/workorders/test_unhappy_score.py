"""The follow-up score that sends a work order back to rework is data."""

from property_service.workorders import services
from property_service.workorders.states import State

from tests.targets import edited_fixtures
from tests.workorders.test_flow import walk_to_follow_up


def test_a_work_order_goes_back_to_rework_up_to_the_unhappy_score_in_the_data(
        settings, tmp_path, new_order, agent, technician):
    edited_fixtures(settings, tmp_path, "service_targets.toml", unhappy_at_most=3)
    order = walk_to_follow_up(new_order(), agent, technician)
    services.record_follow_up(order_id=order.pk, user=agent, answered=True, result="fixed",
                              satisfaction=3)
    order.refresh_from_db()
    assert order.state == State.REWORK
