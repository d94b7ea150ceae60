"""Registration with an invitation code opens a login only for the person it is meant for, and
cannot be used to probe usernames."""

from property_service.portal import services
from property_service.portal.models import ResidentAccount
from property_service.registry.models import Occupancy

from tests.factories.registry import OccupancyFactory, UnitFactory, UserFactory
from tests.factories.workorders import WorkOrderFactory
from tests.portal.conftest import PASSWORD


def test_a_code_for_a_unit_never_attaches_the_login_to_a_co_resident_found_by_phone(
        client, place_a):
    # The owner of place A's unit also owns 1-402; a code for 1-301 with her phone number
    # must not open her record (and 1-402's repairs) to whoever registers.
    owner = place_a.resident
    other_unit = UnitFactory(building=place_a.building, number="402")
    OccupancyFactory(unit=other_unit, resident=owner)
    other_order = WorkOrderFactory(unit=other_unit)
    invitation = services.create_invitation(by=None, unit=place_a.unit)
    response = client.post("/portal/register/", {
        "code": invitation.code, "name": "冒名者", "phone": owner.phone,
        "username": "intruder", "password": PASSWORD})
    assert response.status_code == 302
    account = ResidentAccount.objects.get(user__username="intruder")
    assert account.resident != owner
    assert not ResidentAccount.objects.filter(resident=owner).exists()
    assert list(Occupancy.objects.filter(resident=account.resident).values_list(
        "unit", flat=True)) == [place_a.unit.pk]
    assert other_order.number not in client.get("/portal/repairs/").content.decode()


def test_probing_usernames_on_registration_is_throttled(client, settings, place_a, resident_a):
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE,
                                 "PORTAL_REGISTER_ATTEMPTS_PER_HOUR": 3}
    invitation = services.create_invitation(by=None, unit=place_a.unit)
    data = {"code": invitation.code, "name": "赵六", "phone": "13800004444",
            "password": PASSWORD}
    for username in ("admin", "manager", "cs_agent"):
        UserFactory(username=username)
        response = client.post("/portal/register/", {**data, "username": username})
        assert response.status_code == 200
    response = client.post("/portal/register/", {**data, "username": "resident_a"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many registration attempts" in page and "username is taken" not in page
    # The code itself is limited too, whatever address the attempts come from.
    response = client.post("/portal/register/", {**data, "username": "free_name"},
                           REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 429
    invitation.refresh_from_db()
    assert invitation.is_usable


def test_successful_registrations_from_one_address_are_not_limited(client, settings, place_a):
    # Residents behind one proxy or office network register one after another.
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE,
                                 "PORTAL_REGISTER_ATTEMPTS_PER_HOUR": 2}
    for n in range(4):
        invitation = services.create_invitation(by=None, unit=place_a.unit)
        response = client.post("/portal/register/", {
            "code": invitation.code, "name": f"住户{n}", "phone": f"1380000{n:04d}",
            "username": f"household{n}", "password": PASSWORD})
        assert response.status_code == 302
        client.logout()
