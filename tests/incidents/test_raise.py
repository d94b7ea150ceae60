"""Records raised from an incident: repairs through the work-order intake, and a draft outage
notice for the affected buildings."""

import pytest
from property_service.core.errors import ActionError, NotAllowed
from property_service.incidents import services
from property_service.notices.models import Notice
from property_service.workorders.models import WorkOrder, WorkOrderCategory

from tests.factories.registry import BuildingFactory, UnitFactory


def category(code):
    return WorkOrderCategory.objects.get(code=code)


def test_raising_work_orders_makes_one_per_chosen_unit_through_the_intake(new_incident, guard,
                                                                          place_a):
    second = UnitFactory(building=place_a.building, number="302")
    incident = new_incident(units=[place_a.unit, second])
    orders = services.raise_work_orders(incident_id=incident.pk, user=guard,
                                        category=category("elevator"),
                                        units=[place_a.unit, second], description="电梯检修")
    assert [o.unit for o in orders] == [place_a.unit, second]
    for order in orders:
        assert order.number.startswith("WO-") and order.state == "new"
        assert order.category.code == "elevator" and order.priority == "important"
        assert order.respond_by is not None  # the SLA of the intake applies
        assert incident.number in order.description and "电梯检修" in order.description
        assert order.events.get().action == "created"
    assert set(incident.work_orders.all()) == set(orders)
    event = incident.events.get(action="work_order_raised")
    assert all(o.number in event.comment for o in orders) and event.by == guard


def test_a_work_order_without_units_goes_to_the_incidents_location(new_incident, guard):
    incident = new_incident(units=[], location="地下车库B区")
    (order,) = services.raise_work_orders(incident_id=incident.pk, user=guard,
                                          category=category("public_area"), priority="urgent")
    assert order.unit is None and order.location == "地下车库B区"
    assert order.priority == "urgent" and order.community == incident.community


def test_a_unit_the_incident_did_not_affect_is_refused(new_incident, guard, place_a):
    other = UnitFactory(building=place_a.building, number="1801")
    incident = new_incident()
    with pytest.raises(ActionError, match="affected units"):
        services.raise_work_orders(incident_id=incident.pk, user=guard,
                                   category=category("elevator"), units=[other])
    assert not WorkOrder.objects.exists()


def test_raising_needs_the_right_to_work_on_incidents(new_incident, make_staff, place_a):
    incident = new_incident()
    desk = make_staff("Front Desk", communities=[place_a.community])
    with pytest.raises(NotAllowed):
        services.raise_work_orders(incident_id=incident.pk, user=desk,
                                   category=category("elevator"))
    with pytest.raises(NotAllowed):
        services.raise_outage_notice(incident_id=incident.pk, user=desk)


def test_an_outage_notice_is_drafted_for_the_affected_buildings(new_incident, guard, place_a):
    place_a.community.service_phone = "021-55556666"
    place_a.community.save()
    other = BuildingFactory(community=place_a.community, name="AAA-2栋")
    unit_elsewhere = UnitFactory(building=other, number="101")
    incident = new_incident(kind="power_cut", location="2号配电房",
                            units=[place_a.unit, unit_elsewhere], buildings=[place_a.building])
    notice = services.raise_outage_notice(incident_id=incident.pk, user=guard)
    assert (notice.state, notice.kind, notice.urgent) == ("draft", "outage", True)
    assert notice.community == incident.community and notice.source_incident == incident
    assert set(notice.buildings.all()) == {place_a.building, other}
    assert "Power cut" in notice.title
    assert "2号配电房" in notice.body and "021-55556666" in notice.body
    assert notice.created_by == guard and notice.events.get().action == "created"
    assert incident.events.filter(action="notice_raised").count() == 1
    with pytest.raises(ActionError, match="already drafted"):
        services.raise_outage_notice(incident_id=incident.pk, user=guard)
    assert Notice.objects.count() == 1


def test_a_notice_for_an_incident_without_places_is_for_the_whole_community(new_incident,
                                                                             guard):
    incident = new_incident(units=[], buildings=[])
    notice = services.raise_outage_notice(incident_id=incident.pk, user=guard)
    assert not notice.buildings.exists()
    assert incident.community.name in notice.body
