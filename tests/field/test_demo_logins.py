"""The demo's field staff (maintenance, cleaning, security) work from the field app."""

import pytest
from property_service.demo import DEMO_PASSWORD, load_demo

from tests.test_demo import delete_demo

FIELD_STAFF = ("maintenance", "cleaning", "security")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_demo()
    yield
    with django_db_blocker.unblock():
        delete_demo()


@pytest.mark.django_db
def test_the_demo_field_staff_land_in_the_field_app_with_their_orders(client, demo):
    for username in FIELD_STAFF:
        response = client.post("/admin/login/", {"username": username,
                                                 "password": DEMO_PASSWORD}, follow=True)
        assert response.redirect_chain[-1][0] == "/field/", username
        assert response.status_code == 200 and 'id="my-orders"' in response.content.decode()
        client.logout()
    response = client.post("/field/login/", {"username": "maintenance",
                                             "password": DEMO_PASSWORD})
    assert response["Location"] == "/field/"
    page = client.get("/field/").content.decode()
    assert page.count("data-order=") >= 1
