"""An enquiry that turns out to be a repair or a complaint becomes one through their own create
services; the enquiry is closed as converted and links to it."""

import pytest
from property_service.complaints.models import Complaint
from property_service.core.errors import ActionError, NotAllowed
from property_service.enquiries import services
from property_service.enquiries.models import Enquiry
from property_service.enquiries.states import State
from property_service.workorders.models import WorkOrder, WorkOrderCategory

from tests.enquiries.conftest import act
from tests.helpers import admin_url


def convert(enquiry, user, **kwargs):
    return services.convert_enquiry(enquiry_id=enquiry.pk, user=user, **kwargs)


def test_an_enquiry_becomes_a_repair_with_its_own_number_and_deadlines(new_enquiry, agent,
                                                                       place_a):
    enquiry = new_enquiry(question="厨房水管漏水怎么办？", topic="repairs")
    leak = WorkOrderCategory.objects.get(code="water_leak")
    enquiry = convert(enquiry, agent, into="work_order", work_order_category=leak)
    order = WorkOrder.objects.get()
    assert (enquiry.state, enquiry.work_order, enquiry.closed_at is not None) == (
        State.CONVERTED, order, True)
    assert order.number.startswith("WO-") and order.respond_by is not None
    assert (order.unit, order.resident, order.category) == (place_a.unit, None, leak)
    assert "厨房水管漏水" in order.description
    assert enquiry.chase_at is None
    assert enquiry.events.last().comment == f"Converted into {order.number}."


def test_an_enquiry_becomes_a_complaint(new_enquiry, agent):
    enquiry = act(new_enquiry(), agent, "hand_over", handler=agent)
    enquiry = convert(enquiry, agent, into="complaint", complaint_category="fees")
    complaint = Complaint.objects.get()
    assert (enquiry.state, enquiry.complaint) == (State.CONVERTED, complaint)
    assert complaint.number.startswith("TS-") and complaint.handover_by is not None


def test_a_converted_enquiry_cannot_be_converted_again(new_enquiry, agent):
    enquiry = convert(new_enquiry(), agent, into="complaint", complaint_category="fees")
    with pytest.raises(NotAllowed):
        convert(enquiry, agent, into="complaint", complaint_category="fees")
    assert Complaint.objects.count() == 1


def test_a_refused_conversion_saves_nothing(new_enquiry, agent, make_staff, place_a):
    enquiry = new_enquiry()
    with pytest.raises(ActionError, match="category"):
        convert(enquiry, agent, into="work_order")
    with pytest.raises(ActionError):
        convert(enquiry, agent, into="complaint", complaint_category="no_such_subject")
    with pytest.raises(ActionError):
        convert(enquiry, agent, into="a_letter")
    technician = make_staff("Maintenance", communities=[place_a.community])
    with pytest.raises(NotAllowed):
        convert(enquiry, technician, into="complaint", complaint_category="fees")
    assert (WorkOrder.objects.count(), Complaint.objects.count()) == (0, 0)
    assert Enquiry.objects.get().state == State.NEW


def test_the_back_office_converts_with_a_button(client, new_enquiry, agent):
    enquiry = new_enquiry()
    client.force_login(agent)
    page = client.get(admin_url("enquiry", "change", enquiry.pk)).content.decode()
    assert 'data-action="convert-work-order"' in page and 'data-action="hand_over"' in page
    leak = WorkOrderCategory.objects.get(code="water_leak")
    client.post(admin_url("enquiry", "act", enquiry.pk), {
        "action": "convert", "into": "work_order", "work_order_category": leak.pk,
        "expected_state": "new"})
    enquiry.refresh_from_db()
    assert enquiry.state == State.CONVERTED and enquiry.work_order is not None
    page = client.get(admin_url("enquiry", "change", enquiry.pk)).content.decode()
    assert enquiry.work_order.number in page


def test_the_back_office_add_form_records_an_enquiry_with_its_deadlines(client, agent, place_a):
    client.force_login(agent)
    response = client.post(admin_url("enquiry", "add"), {
        "community": place_a.community.pk, "unit": place_a.unit.pk, "channel": "walk_in",
        "topic": "moving", "question": "搬家需要预约电梯吗？"})
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.number.startswith("ZX-") and enquiry.answer_by is not None
    refused = client.post(admin_url("enquiry", "add"), {
        "community": place_a.community.pk, "channel": "walk_in", "topic": "moving",
        "question": ""})
    assert refused.status_code == 200 and Enquiry.objects.count() == 1
