"""Finding residents by personal data: a masked user may look a caller up by the full number,
but each lookup is logged and only a few per hour are answered, so the hidden digits of a masked
number cannot be recovered by trying them; the digits shown anyway are free for everyone; an ID
number that is taken is confirmed only to those who may see it."""

import pytest
from property_service.core.models import PersonalDataAccess
from property_service.registry.models import Resident

from tests.conftest import ID_A, ID_B, PHONE_A, PHONE_B
from tests.helpers import admin_url, import_file, preview_errors, xlsx_bytes

LIMIT = 5


@pytest.fixture(autouse=True)
def _few_lookups(settings):
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE,
                                 "PERSONAL_DATA_LOOKUPS_PER_HOUR": LIMIT}


def candidates(phone, count):
    """Numbers that look like ``phone`` masked (same first three and last four digits)."""
    return [f"{phone[:3]}{n:04d}{phone[-4:]}" for n in range(count)]


def lookups(user):
    return PersonalDataAccess.objects.filter(user=user, kind="lookup")


def test_trying_the_hidden_digits_through_the_api_is_stopped_and_logged(client, make_staff,
                                                                       place_a):
    user = make_staff("Security")
    client.force_login(user)
    for phone in candidates(PHONE_A, LIMIT):
        response = client.get("/api/v1/residents/", {"phone": phone})
        assert response.status_code == 200
        assert response.json()["results"] == []
    response = client.get("/api/v1/residents/", {"phone": PHONE_A},
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many searches by a full phone or ID number" in response.json()["detail"]
    assert PHONE_A not in response.content.decode()
    assert lookups(user).count() == LIMIT
    assert set(lookups(user).values_list("looked_up", flat=True)) == {"139****5671"}
    # The search parameter is the same lookup, under the same limit.
    assert client.get("/api/v1/residents/", {"search": PHONE_A}).status_code == 429


def test_trying_the_hidden_digits_in_the_back_office_search_is_stopped(client, make_staff,
                                                                       place_a):
    user = make_staff("Security")
    client.force_login(user)
    for phone in candidates(PHONE_A, LIMIT):
        response = client.get(admin_url("resident", "changelist"), {"q": phone})
        assert list(response.context["cl"].result_list) == []
    response = client.get(admin_url("resident", "changelist"), {"q": PHONE_A}, follow=True)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []
    assert "Too many searches" in response.content.decode()
    assert lookups(user).count() == LIMIT


def test_the_throttle_speaks_the_users_language(client, make_staff, place_a):
    client.force_login(make_staff("Security"))
    for phone in candidates(PHONE_A, LIMIT):
        client.get("/api/v1/residents/", {"phone": phone})
    response = client.get("/api/v1/residents/", {"phone": PHONE_A},
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 429
    assert "手机号或身份证号" in response.json()["detail"]


def test_a_masked_user_finds_a_caller_by_the_full_number_and_the_lookup_is_logged(
        client, make_staff, place_a):
    user = make_staff("Front Desk")
    client.force_login(user)
    results = client.get("/api/v1/residents/", {"phone": PHONE_A}).json()["results"]
    assert [r["id"] for r in results] == [place_a.resident.pk]
    assert results[0]["phone"] == "139****5671"
    access = lookups(user).get()
    assert (access.resident, access.channel, access.looked_up) == (place_a.resident, "api",
                                                                   "139****5671")
    response = client.get(admin_url("resident", "changelist"), {"q": ID_A})
    assert list(response.context["cl"].result_list) == [place_a.resident]
    assert lookups(user).filter(channel="admin", resident=place_a.resident).count() == 1


def test_the_last_four_digits_are_free_for_everyone(client, make_staff, place_a):
    user = make_staff("Security")
    client.force_login(user)
    for _ in range(LIMIT + 3):
        results = client.get("/api/v1/residents/", {"search": PHONE_A[-4:]}).json()["results"]
        assert [r["id"] for r in results] == [place_a.resident.pk]
        response = client.get(admin_url("resident", "changelist"), {"q": PHONE_A[-4:]})
        assert list(response.context["cl"].result_list) == [place_a.resident]
    assert not lookups(user).exists()


def test_users_who_see_personal_data_search_full_numbers_freely(client, make_staff, place_a):
    user = make_staff("CS Agent")
    client.force_login(user)
    for phone in [*candidates(PHONE_A, LIMIT), PHONE_A]:
        assert client.get("/api/v1/residents/", {"phone": phone}).status_code == 200
    results = client.get("/api/v1/residents/", {"phone": PHONE_A}).json()["results"]
    assert [r["phone"] for r in results] == [PHONE_A]
    assert not lookups(user).exists()


def test_creating_a_resident_with_another_communitys_id_number_does_not_confirm_it(
        client, make_staff, place_a, place_b):
    user = make_staff("CS Agent", communities=[place_a.community])
    client.force_login(user)
    response = client.post("/api/v1/residents/", {
        "community": place_a.community.pk, "name": "李四", "phone": "13600000001",
        "id_number": ID_B}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    message = response.json()["id_number"][0]
    assert "already exists" not in message
    assert "cannot be registered here" in message
    assert Resident.objects.filter(id_number=ID_B).count() == 1
    assert lookups(user).get().resident == place_b.resident
    # The same answer is counted: trying many ID numbers this way is stopped too.
    for _ in range(LIMIT - 1):
        client.post("/api/v1/residents/", {"community": place_a.community.pk, "name": "李四",
                                           "phone": "13600000001", "id_number": ID_B},
                    content_type="application/json")
    response = client.post("/api/v1/residents/", {
        "community": place_a.community.pk, "name": "李四", "phone": "13600000001",
        "id_number": ID_B}, content_type="application/json")
    assert response.status_code == 429


def test_the_back_office_form_does_not_confirm_another_communitys_id_number(
        client, make_staff, place_a, place_b):
    user = make_staff("CS Agent", communities=[place_a.community])
    client.force_login(user)
    response = client.post(admin_url("resident", "add"), {
        "community": place_a.community.pk, "name": "李四", "phone": "13600000001",
        "id_number": ID_B, "language": "zh-hans",
        "occupancies-TOTAL_FORMS": "0", "occupancies-INITIAL_FORMS": "0"})
    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["id_number"])
    assert "cannot be registered here" in errors and "already exists" not in errors
    assert Resident.objects.filter(id_number=ID_B).count() == 1


def test_the_id_number_taken_is_confirmed_to_whoever_may_see_it(client, make_staff, place_a):
    user = make_staff("CS Agent", communities=[place_a.community])
    client.force_login(user)
    response = client.post("/api/v1/residents/", {
        "community": place_a.community.pk, "name": "李四", "phone": "13600000001",
        "id_number": ID_A}, content_type="application/json")
    assert "already exists" in response.json()["id_number"][0]
    assert not lookups(user).exists()


def test_an_import_does_not_confirm_another_communitys_id_number(client, make_staff, place_a,
                                                                 place_b):
    user = make_staff("CS Agent", communities=[place_a.community])
    client.force_login(user)
    rows = [["community", "name", "phone", "id_number", "email", "language", "note"],
            ["AAA", "李四", "13600000001", ID_B, "", "", ""]]
    preview, confirmed = import_file(client, "resident", xlsx_bytes(rows))
    errors = preview_errors(preview)
    assert "cannot be registered here" in errors and "already exists" not in errors
    assert confirmed is None
    assert Resident.objects.filter(id_number=ID_B).count() == 1
    # Logged although the preview is rolled back.
    assert lookups(user).get().channel == "import"


def test_another_communitys_phone_is_not_found(client, make_staff, place_a, place_b):
    user = make_staff("Front Desk", communities=[place_a.community])
    client.force_login(user)
    assert client.get("/api/v1/residents/", {"phone": PHONE_B}).json()["results"] == []


def test_an_update_to_another_communitys_id_number_is_refused_and_logged(client, make_staff,
                                                                         place_a, place_b):
    user = make_staff("CS Agent", communities=[place_a.community])
    client.force_login(user)
    response = client.patch(f"/api/v1/residents/{place_a.resident.pk}/", {"id_number": ID_B},
                            content_type="application/json")
    assert response.status_code == 400
    assert "cannot be registered here" in response.json()["id_number"][0]
    place_a.resident.refresh_from_db()
    assert place_a.resident.id_number == ID_A
    assert lookups(user).get().resident == place_b.resident


def test_searching_work_orders_by_phone_is_the_same_counted_lookup(client, make_staff, place_a):
    user = make_staff("Security")
    client.force_login(user)
    for phone in candidates(PHONE_A, LIMIT):
        assert client.get("/api/v1/work-orders/", {"search": phone}).status_code == 200
    assert client.get("/api/v1/work-orders/", {"search": PHONE_A}).status_code == 429
    response = client.get(admin_url("workorder", "changelist"), {"q": PHONE_A}, follow=True)
    assert response.status_code == 200 and "Too many searches" in response.content.decode()
    assert lookups(user).count() == LIMIT
    assert set(lookups(user).values_list("channel", flat=True)) == {"api"}


def test_searching_work_orders_by_unit_or_order_number_is_no_personal_data_lookup(
        client, make_staff, place_a):
    user = make_staff("Security")
    client.force_login(user)
    for term in ["301", "WO-202611-00001", place_a.unit.number] * LIMIT:
        assert client.get("/api/v1/work-orders/", {"search": term}).status_code == 200
    assert not lookups(user).exists()
