"""Staff let residents in: a portal login opened in the back office, or an invitation code."""

from property_service.portal.models import Invitation, ResidentAccount

from tests.helpers import admin_url


def test_an_agent_hands_out_an_invitation_code_for_a_unit(client, make_staff, place_a):
    client.force_login(make_staff("CS Agent", communities=[place_a.community]))
    response = client.post(admin_url("invitation", "add"), {
        "unit": place_a.unit.pk, "relation": "tenant", "valid_days": 7}, follow=True)
    invitation = Invitation.objects.get()
    assert invitation.code in response.content.decode()
    assert invitation.is_usable and invitation.relation == "tenant"


def test_an_invitation_for_a_unit_of_another_community_is_refused(client, make_staff, place_a,
                                                                  place_b):
    client.force_login(make_staff("CS Agent", communities=[place_a.community]))
    response = client.post(admin_url("invitation", "add"), {
        "unit": place_b.unit.pk, "relation": "family", "valid_days": 7})
    assert response.status_code == 200 and not Invitation.objects.exists()


def test_an_agent_opens_a_portal_login_and_a_weak_password_is_refused(client, make_staff,
                                                                      place_a):
    client.force_login(make_staff("CS Agent", communities=[place_a.community]))
    weak = client.post(admin_url("residentaccount", "add"), {
        "resident": place_a.resident.pk, "username": "owner301", "password": "123"})
    assert weak.status_code == 200 and not ResidentAccount.objects.exists()
    client.post(admin_url("residentaccount", "add"), {
        "resident": place_a.resident.pk, "username": "owner301",
        "password": "Owner-301-pass"})
    account = ResidentAccount.objects.get()
    assert account.user.username == "owner301" and not account.user.is_staff
    assert account.user.check_password("Owner-301-pass")


def test_maintenance_staff_cannot_open_portal_logins(client, make_staff, place_a):
    client.force_login(make_staff("Maintenance", communities=[place_a.community]))
    assert client.get(admin_url("residentaccount", "add")).status_code == 403


def test_the_invitation_list_costs_the_same_for_1_and_for_20_codes(
        client, make_staff, place_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from property_service.portal import services

    from tests.factories.registry import UnitFactory

    agent = make_staff("CS Agent", communities=[place_a.community])
    client.force_login(agent)

    def list_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(admin_url("invitation", "changelist")).status_code == 200
        return len(queries)

    services.create_invitation(by=agent, unit=place_a.unit)
    one = list_queries()
    for n in range(19):
        services.create_invitation(by=agent, unit=UnitFactory(building=place_a.building,
                                                              number=f"9{n:02d}"))
    assert list_queries() == one
