"""The API's doorway: tokens, the caller's identity, the schema and the error format."""

import pytest
from property_service.api.models import ApiToken
from property_service.api.tokens import issue_token, token_user

from tests.factories.registry import UserFactory


def test_a_token_is_issued_for_a_username_and_password(client, make_staff):
    user = make_staff("CS Agent", username="agent007")
    response = client.post("/api/v1/auth/token/",
                           {"username": "agent007", "password": "test-pass-2026"},
                           content_type="application/json")
    assert response.status_code == 200
    assert token_user(response.json()["token"])[0] == user


def test_a_wrong_password_gets_no_token_and_a_message(client, make_staff):
    make_staff("CS Agent", username="agent007")
    response = client.post("/api/v1/auth/token/", {"username": "agent007", "password": "nope"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Unable to log in" in response.json()["non_field_errors"][0]
    assert not ApiToken.objects.exists()


def test_me_tells_the_caller_who_they_are(client, make_staff, place_a, place_b):
    user = make_staff("CS Agent", communities=[place_a.community], username="agent007")
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {issue_token(user=user)}")
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
    # Every resource of the contract (API.md), each with list and detail.
    for resource in ("communities", "buildings", "units", "residents", "occupancies", "teams",
                     "work-order-categories", "work-orders", "complaints", "contracts",
                     "insurance-policies", "incidents", "claims", "notifications", "notices"):
        assert f"/api/v1/{resource}/" in paths and f"/api/v1/{resource}/{{id}}/" in paths
    for resource in ("work-orders", "complaints", "contracts", "insurance-policies",
                     "incidents", "claims", "notices"):
        assert f"/api/v1/{resource}/{{id}}/transition/" in paths
    for path in ("/api/v1/auth/token/", "/api/v1/auth/logout/", "/api/v1/me/"):
        assert path in paths
    # Every field of every resource is documented with its type.
    for name, component in schema.json()["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            assert {"type", "$ref", "allOf", "oneOf", "anyOf", "enum"} & set(spec), \
                f"{name}.{field}"
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


@pytest.mark.parametrize("language,message", [("en", "Not found."), ("zh-hans", "未找到。")])
def test_errors_come_in_the_callers_language(client, make_staff, language, message):
    client.force_login(make_staff("CS Agent"))
    response = client.get("/api/v1/units/999999/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"detail": message}


@pytest.mark.parametrize("language,message", [
    ("en", "comment is required"), ("zh-hans", "请说明原因")])
def test_refused_transitions_answer_in_the_callers_language_everywhere(
        client, make_staff, place_a, language, message):
    """The same error format and language for every resource's transitions."""
    from property_service.notices import services as notices

    from tests.factories.renewals import ContractFactory

    manager = make_staff("Property Manager", communities=[place_a.community])
    contract = ContractFactory(community=place_a.community, responsible=manager)
    notice = notices.create_notice(by=manager, community=place_a.community, title="t",
                                   body="b")
    notices.transition_notice(notice_id=notice.pk, user=manager, action="publish")
    client.force_login(manager)
    for url, action in ((f"/api/v1/contracts/{contract.pk}/transition/", "terminate"),
                        (f"/api/v1/notices/{notice.pk}/transition/", "withdraw")):
        response = client.post(url, {"action": action}, content_type="application/json",
                               HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 400
        assert message in response.json()["comment"][0]


def test_the_schema_documents_every_endpoint_without_warnings(db, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/work-orders/{id}/transition/", "/api/v1/notifications/{id}/read/",
                 "/api/v1/teams/", "/api/v1/work-order-categories/"):
        assert path in text


@pytest.mark.parametrize("language,message", [
    ("en", "The request body must be sent as application/json."),
    ("zh-hans", "请求正文须以 application/json 格式发送。")])
def test_a_form_body_is_refused_with_415_in_the_callers_language(
        client, make_staff, place_a, language, message):
    from property_service.workorders.models import WorkOrder, WorkOrderCategory

    client.force_login(make_staff("CS Agent", communities=[place_a.community]))
    body = {"unit": place_a.unit.pk, "category": WorkOrderCategory.objects.get(code="elevator").pk,
            "channel": "app", "description": "电梯困人"}
    for content_type in ("multipart/form-data; boundary=BoUnDaRy",
                         "application/x-www-form-urlencoded"):
        response = client.post("/api/v1/work-orders/", "unit=1&channel=app",
                               content_type=content_type, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 415
        assert response.json() == {"detail": message}
    assert not WorkOrder.objects.exists()
    # The same order as JSON is taken.
    assert client.post("/api/v1/work-orders/", body,
                       content_type="application/json").status_code == 201


def test_a_token_is_asked_for_with_a_json_body_only(client, make_staff):
    make_staff("CS Agent", username="agent007")
    form = client.post("/api/v1/auth/token/", {"username": "agent007",
                                               "password": "test-pass-2026"})
    assert form.status_code == 415 and "application/json" in form.json()["detail"]
    assert not ApiToken.objects.exists()


def test_every_request_body_in_the_schema_is_json(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    bodies = {(path, method): set(operation["requestBody"]["content"])
              for path, operations in schema["paths"].items()
              for method, operation in operations.items() if "requestBody" in operation}
    assert ("/api/v1/work-orders/", "post") in bodies
    assert ("/api/v1/auth/token/", "post") in bodies
    assert {key: types for key, types in bodies.items() if types != {"application/json"}} == {}
