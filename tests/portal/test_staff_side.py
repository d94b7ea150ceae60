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
