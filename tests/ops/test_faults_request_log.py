"""The request log: one JSON line per request, without the query string."""

import json
import logging

import pytest
from property_service.api.tokens import issue_token

pytestmark = pytest.mark.django_db

PHONE = "13812345678"


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(self.format(record))


@pytest.fixture
def request_log():
    """The JSON lines the request logger writes, through the handler the settings give it."""
    from django.conf import settings

    logger = logging.getLogger("property_service.requests")
    handler = Lines()
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["message"]["format"]))
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def test_a_search_by_phone_is_logged_without_its_query_string(client, make_staff, place_a,
                                                              request_log):
    user = make_staff("CS Supervisor")
    client.force_login(user)
    response = client.get(f"/admin/property_service/resident/?q={PHONE}",
                          HTTP_X_REQUEST_ID="lb-7f3a")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-7f3a"
    assert len(request_log) == 1
    assert PHONE not in request_log[0]
    line = json.loads(request_log[0])
    assert line["method"] == "GET"
    assert line["path"] == "/admin/property_service/resident/"
    assert line["status"] == 200
    assert line["user_id"] == user.pk
    assert line["request_id"] == "lb-7f3a"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


def test_api_calls_carry_the_token_user_and_anonymous_ones_none(client, make_staff, place_a,
                                                                request_log):
    user = make_staff("CS Agent", communities=[place_a.community])
    client.get(f"/api/v1/residents/?phone={PHONE}",
               HTTP_AUTHORIZATION=f"Token {issue_token(user=user)}")
    client.get(f"/portal/login/?next=/portal/&phone={PHONE}")
    client.get("/no-such-page/")
    lines = [json.loads(line) for line in request_log]
    assert [(line["path"], line["status"], line["user_id"]) for line in lines] == [
        ("/api/v1/residents/", 200, user.pk),
        ("/portal/login/", 200, None),
        ("/no-such-page/", 404, None),
    ]
    assert all(PHONE not in line for line in request_log)
    # Each request gets its own id when the proxy sends none (or an implausible one).
    assert len({line["request_id"] for line in lines}) == 3


def test_an_implausible_request_id_is_replaced(client, request_log):
    response = client.get("/health/", HTTP_X_REQUEST_ID=f"<script>{PHONE}")
    assert response["X-Request-ID"] != f"<script>{PHONE}"
    assert PHONE not in request_log[0]
