"""Everyone a record is handed to works for its community (assignee, supervisor, responsible
person), a refusal never names the person, and a notification never names a record its
recipient cannot open."""

import pytest
from django.contrib.auth import get_user_model
from property_service.access.scoping import works_for_community, works_for_community_q
from property_service.complaints import services as complaint_services
from property_service.core.errors import ActionError
from property_service.core.models import Notification
from property_service.core.notifications import notify
from property_service.portal import services as portal_services
from property_service.renewals.scan import run_renewal_scan
from property_service.workorders import services as work_order_services
from property_service.workorders.models import Team

from tests.factories.registry import UserFactory
from tests.factories.renewals import ContractFactory
from tests.factories.workorders import TeamFactory, TeamMemberFactory, WorkOrderFactory
from tests.renewals.conftest import TODAY, days


@pytest.fixture
def tech_b(make_staff, place_b):
    """A technician of community B in the company-wide maintenance team."""
    user = make_staff("Maintenance", communities=[place_b.community], username="tech_of_b")
    TeamMemberFactory(team=Team.objects.get(code="maintenance"), user=user)
    return user


@pytest.fixture
def agent_a(make_staff, place_a):
    return make_staff("CS Agent", communities=[place_a.community], username="agent_a")


def test_the_predicate_and_the_user_condition_agree(make_staff, place_a, place_b):
    resident_login = portal_services.create_account(
        by=None, resident=place_a.resident, username="resident_a",
        password="Resident-pass-2026").user
    users = [make_staff("CS Agent", communities=[place_a.community]),
             make_staff("CS Agent", communities=[place_b.community]),
             make_staff("CS Agent"), make_staff(None, is_superuser=True),
             make_staff("CS Agent", communities=[place_a.community], is_active=False),
             UserFactory(), resident_login]
    for community_id in (place_a.community.pk, place_b.community.pk, None):
        matching = set(get_user_model().objects.filter(works_for_community_q(community_id))
                       .values_list("pk", flat=True))
        assert {u.pk for u in users if works_for_community(u, community_id)} == \
            matching & {u.pk for u in users}, community_id
    assert [works_for_community(u, place_a.community.pk) for u in users] == \
        [True, False, True, True, False, False, False]


def test_an_order_is_not_assigned_to_a_team_member_of_another_community(agent_a, tech_b,
                                                                        place_a):
    order = WorkOrderFactory(unit=place_a.unit)
    with pytest.raises(ActionError) as refused:
        work_order_services.transition_work_order(
            order_id=order.pk, user=agent_a, action="dispatch", assignee=tech_b)
    assert "tech_of_b" not in str(refused.value.message)
    order.refresh_from_db()
    assert order.state == "new" and order.assignee is None


def test_the_round_robin_passes_over_members_of_other_communities(make_staff, agent_a, place_a,
                                                                  place_b):
    team = TeamFactory(dispatch_mode=Team.DispatchMode.ROUND_ROBIN)
    far = make_staff("Maintenance", communities=[place_b.community])
    near = make_staff("Maintenance", communities=[place_a.community])
    TeamMemberFactory(team=team, user=far)  # never assigned yet: first in the rotation
    TeamMemberFactory(team=team, user=near, last_assigned_at=TODAY.isoformat() + "T08:00Z")
    order = WorkOrderFactory(unit=place_a.unit, category__default_team=team)
    order = work_order_services.transition_work_order(order_id=order.pk, user=agent_a,
                                                      action="dispatch", team=team)
    assert order.assignee == near


def test_the_api_refuses_an_assignee_of_another_community_without_naming_them(
        client, agent_a, tech_b, place_a):
    order = WorkOrderFactory(unit=place_a.unit)
    client.force_login(agent_a)
    response = client.post(f"/api/v1/work-orders/{order.pk}/transition/",
                           {"action": "dispatch", "assignee": tech_b.pk},
                           content_type="application/json")
    assert response.status_code == 400
    assert "tech_of_b" not in response.content.decode()


def test_a_complaint_refusal_does_not_name_the_supervisor(make_staff, place_a, place_b):
    front_desk = make_staff("Front Desk", communities=[place_a.community])
    outsider = make_staff("CS Supervisor", communities=[place_b.community],
                          username="sup_of_b")
    complaint = complaint_services.create_complaint(
        by=front_desk, community=place_a.community, unit=place_a.unit, channel="phone",
        category="noise", content="楼上装修噪音")
    with pytest.raises(ActionError) as refused:
        complaint_services.transition_complaint(complaint_id=complaint.pk, user=front_desk,
                                                action="assign", supervisor=outsider)
    assert "sup_of_b" not in str(refused.value.message)


def test_a_contracts_responsible_must_work_for_its_community_and_is_not_named(
        client, make_staff, place_a, place_b):
    finance = make_staff("Admin & Finance", communities=[place_a.community])
    outsider = make_staff("Admin & Finance", communities=[place_b.community],
                          username="fin_of_b")
    technician = make_staff("Maintenance", communities=[place_a.community],
                            username="tech_of_a")
    client.force_login(finance)
    for responsible in (outsider, technician):
        response = client.post("/api/v1/contracts/", {
            "community": place_a.community.pk, "kind": "vendor_maintenance",
            "counterparty": "上海三菱电梯有限公司", "number": f"HT-{responsible.pk}",
            "start_date": days(0).isoformat(), "end_date": days(100).isoformat(),
            "responsible": responsible.pk, "value": "86000.00"},
            content_type="application/json")
        assert response.status_code == 400, response.json()
        assert "responsible" in response.json()
        assert responsible.username not in response.content.decode()


def test_a_notification_goes_only_to_users_who_may_open_its_record(tech_b, agent_a,
                                                                   place_a):
    order = WorkOrderFactory(unit=place_a.unit)
    created = notify(users=[tech_b, agent_a], kind=Notification.Kind.ASSIGNED,
                     message=f"{order.number}: leak", target=order)
    assert [n.user for n in created] == [agent_a]
    assert not Notification.objects.filter(user=tech_b).exists()


def test_the_renewal_scan_does_not_tell_a_responsible_who_no_longer_sees_the_contract(
        make_staff, place_a, place_b):
    responsible = make_staff("Admin & Finance", communities=[place_a.community])
    manager = make_staff("Property Manager", communities=[place_a.community])
    contract = ContractFactory(community=place_a.community, responsible=responsible,
                               start_date=days(-200), end_date=days(150))
    responsible.staff_profile.communities.set([place_b.community])
    run_renewal_scan(today=TODAY)
    assert not Notification.objects.filter(user=responsible).exists()
    assert Notification.objects.filter(user=manager, target_id=contract.pk).count() == 1


def test_the_order_page_offers_only_technicians_of_the_orders_community(client, agent_a,
                                                                        tech_b, make_staff,
                                                                        place_a):
    tech_a = make_staff("Maintenance", communities=[place_a.community], username="tech_of_a")
    TeamMemberFactory(team=Team.objects.get(code="maintenance"), user=tech_a)
    order = WorkOrderFactory(unit=place_a.unit)
    client.force_login(agent_a)
    page = client.get(f"/admin/property_service/workorder/{order.pk}/change/").content.decode()
    assert "tech_of_a" in page and "tech_of_b" not in page


def test_a_communitys_team_takes_only_members_who_work_for_it(make_staff, place_a, place_b):
    from django.core.exceptions import ValidationError
    from property_service.workorders.models import TeamMember

    team = TeamFactory(community=place_a.community)
    outsider = make_staff("Maintenance", communities=[place_b.community])
    with pytest.raises(ValidationError, match="does not work for the team's community"):
        TeamMember(team=team, user=outsider).full_clean()
    TeamMember(team=team, user=make_staff("Maintenance",
                                          communities=[place_a.community])).full_clean()
