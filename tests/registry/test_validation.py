"""Bad input gets a clear message in the user's language and changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from property_service.registry.models import Occupancy, ParkingSpace, Resident, Unit

from tests.factories.registry import OccupancyFactory, VehicleFactory
from tests.helpers import admin_url


@pytest.fixture
def agent(client, make_staff):
    user = make_staff("System Manager")
    client.force_login(user)
    return user


def resident_form(community, **overrides):
    data = {"community": community.pk, "name": "李雷", "phone": "13800001111", "id_number": "",
            "language": "zh-hans", "occupancies-TOTAL_FORMS": "0",
            "occupancies-INITIAL_FORMS": "0"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("language,phone_message,id_message", [
    ("en", "Enter a valid phone number", "check digit is wrong"),
    ("zh-hans", "请输入有效的电话号码", "校验位"),
])
def test_an_invalid_phone_and_id_number_are_explained_in_the_users_language(
        client, agent, place_a, language, phone_message, id_message):
    response = client.post(
        admin_url("resident", "add"),
        resident_form(place_a.community, phone="12345", id_number="110105194912310021"),
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert phone_message in errors["phone"][0]
    assert id_message in errors["id_number"][0]
    assert not Resident.objects.filter(name="李雷").exists()


def test_a_valid_resident_is_saved_with_a_normalised_phone(client, agent, place_a):
    response = client.post(admin_url("resident", "add"),
                           resident_form(place_a.community, phone="+86 138 0000 1111"))
    assert response.status_code == 302
    assert Resident.objects.get(name="李雷").phone == "13800001111"
    assert Resident.objects.get(name="李雷").id_number is None


def test_an_id_number_belongs_to_one_resident(client, agent, place_a):
    response = client.post(admin_url("resident", "add"),
                           resident_form(place_a.community,
                                         id_number=place_a.resident.id_number.lower()))
    assert response.status_code == 200
    assert "already exists" in str(response.context["adminform"].form.errors)


@pytest.mark.parametrize("language,message", [
    ("en", "This building already has a unit with this entrance and number."),
    ("zh-hans", "该楼栋的这个单元已有此房号。"),
])
def test_a_duplicate_unit_is_refused(client, agent, place_a, language, message):
    response = client.post(admin_url("unit", "add"), {
        "building": place_a.building.pk, "entrance": place_a.unit.entrance, "number": "301",
        "use": "residential", "status": "vacant",
        "occupancies-TOTAL_FORMS": "0", "occupancies-INITIAL_FORMS": "0",
    }, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    assert Unit.objects.count() == 1


def test_the_same_number_in_another_entrance_is_another_unit(client, agent, place_a):
    response = client.post(admin_url("unit", "add"), {
        "building": place_a.building.pk, "entrance": "2", "number": "301",
        "use": "residential", "status": "vacant",
        "occupancies-TOTAL_FORMS": "0", "occupancies-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    assert Unit.objects.count() == 2


def test_an_occupancy_cannot_end_before_it_starts(place_a):
    occupancy = Occupancy(unit=place_a.unit, resident=place_a.resident, relation="tenant",
                          start_date=datetime.date(2025, 5, 1), end_date=datetime.date(2025, 4, 1))
    with pytest.raises(ValidationError) as error:
        occupancy.full_clean()
    assert "end_date" in error.value.message_dict


def test_overlapping_occupancies_of_the_same_person_and_unit_are_refused(place_a):
    place_a.occupancy.end_date = datetime.date(2024, 12, 31)
    place_a.occupancy.save()
    overlapping = Occupancy(unit=place_a.unit, resident=place_a.resident, relation="owner",
                            start_date=datetime.date(2024, 6, 1))
    with pytest.raises(ValidationError, match="overlaps"):
        overlapping.full_clean()
    after = Occupancy(unit=place_a.unit, resident=place_a.resident, relation="owner",
                      start_date=datetime.date(2025, 1, 1))
    after.full_clean()


def test_one_unit_can_have_several_occupants_and_one_person_several_units(place_a):
    OccupancyFactory(unit=place_a.unit, relation="family").full_clean()
    OccupancyFactory(resident=place_a.resident,
                     unit__building=place_a.building, unit__number="302").full_clean()
    assert place_a.unit.occupancies.count() == 2
    assert place_a.resident.occupancies.count() == 2


def test_parking_space_rules(place_a, place_b):
    vehicle = VehicleFactory(community=place_a.community, owner=place_a.resident)
    space = ParkingSpace(community=place_a.community, code="B1-001", status="allocated")
    with pytest.raises(ValidationError, match="holder"):
        space.full_clean()
    space.holder, space.vehicle = place_b.resident, vehicle
    with pytest.raises(ValidationError, match="belong to the holder"):
        space.full_clean()
    space.holder = place_a.resident
    space.start_date, space.end_date = datetime.date(2026, 2, 1), datetime.date(2026, 1, 1)
    with pytest.raises(ValidationError, match="end date"):
        space.full_clean()


def test_an_invalid_plate_is_refused(client, agent, place_a):
    response = client.post(admin_url("vehicle", "add"), {
        "community": place_a.community.pk, "plate": "ABC123", "owner": place_a.resident.pk,
        "kind": "car"})
    assert response.status_code == 200
    assert "licence plate" in str(response.context["adminform"].form.errors)
