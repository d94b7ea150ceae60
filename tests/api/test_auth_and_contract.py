"""The API's doorway: tokens, the caller's identity, the schema and the error format."""

import pytest
from rest_framework.authtoken.models import Token

from tests.factories.registry import UserFactory


def test_a_token_is_issued_for_a_username_and_password(client, make_staff):
    user = make_staff("CS Agent", username="agent007")
    response = client.post("/api/v1/auth/token/",
                           {"username": "agent007", "password": "test-pass-2026"})
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}


def test_a_wrong_password_gets_no_token_and_a_message(client, make_staff):
    make_staff("CS Agent", username="agent007")
    response = client.post("/api/v1/auth/token/", {"username": "agent007", "password": "nope"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Unable to log in" in response.json()["non_field_errors"][0]
    assert not Token.objects.exists()


def test_me_tells_the_caller_who_they_are(client, make_staff, place_a, place_b):
    user = make_staff("CS Agent", communities=[place_a.community], username="agent007")
    token = Token.objects.create(user=user)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.json() == {
        "id": user.pk, "username": "agent007", "roles": ["CS Agent"], "all_communities": False,
        "communities": [{"id": place_a.community.pk, "code": "AAA", "name": "Community AAA"}],
    }


def test_the_api_refuses_anonymous_callers(client, place_a):
    assert client.get("/api/v1/units/").status_code in (401, 403)
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_a_user_without_a_role_reaches_no_resource(client, place_a):
    client.force_login(UserFactory())
    assert client.get("/api/v1/units/").status_code == 403


def test_the_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/auth/token/", "/api/v1/me/", "/api/v1/communities/",
                 "/api/v1/buildings/", "/api/v1/units/", "/api/v1/residents/",
                 "/api/v1/occupancies/", "/api/v1/units/{id}/"):
        assert path in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


@pytest.mark.parametrize("language,message", [("en", "Not found."), ("zh-hans", "未找到。")])
def test_errors_come_in_the_callers_language(client, make_staff, language, message):
    client.force_login(make_staff("CS Agent"))
    response = client.get("/api/v1/units/999999/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"detail": message}


def test_the_schema_documents_every_endpoint_without_warnings(db, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/work-orders/{id}/transition/", "/api/v1/notifications/{id}/read/",
                 "/api/v1/teams/", "/api/v1/work-order-categories/"):
        assert path in text
