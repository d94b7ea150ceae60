"""API tokens end: at logout, when the password changes, and after the idle time."""

import datetime

from property_service.api.models import ApiToken
from property_service.api.tokens import issue_token, token_user
from rest_framework.exceptions import AuthenticationFailed

from tests.factories.registry import UserFactory

ISSUED = datetime.datetime(2031, 3, 3, 9, 0, tzinfo=datetime.UTC)


def me(client, key):
    return client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")


def log_in(client, username):
    response = client.post("/api/v1/auth/token/",
                           {"username": username, "password": "test-pass-2026"},
                           content_type="application/json")
    assert response.status_code == 200
    return response.json()["token"]


def test_logout_revokes_the_token_it_was_called_with(client, make_staff):
    make_staff("CS Agent", username="agent007")
    phone, tablet = log_in(client, "agent007"), log_in(client, "agent007")
    response = client.post("/api/v1/auth/logout/", HTTP_AUTHORIZATION=f"Token {phone}")
    assert response.status_code == 204
    assert me(client, phone).status_code in (401, 403)
    # Another device's login goes on.
    assert me(client, tablet).status_code == 200


def test_a_password_change_ends_every_token_of_the_user(client, make_staff):
    user = make_staff("CS Agent", username="agent007")
    key = log_in(client, "agent007")
    assert me(client, key).status_code == 200
    user.set_password("another-pass-2026")
    user.save()
    response = me(client, key)
    assert response.status_code in (401, 403)
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_token_unused_for_the_idle_time_ends(settings, db):
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE, "API_TOKEN_IDLE_MINUTES": 30}
    user = UserFactory()
    key = issue_token(user=user, now=ISSUED)
    # Each use moves the idle time on.
    assert token_user(key, now=ISSUED + datetime.timedelta(minutes=29))[0] == user
    assert token_user(key, now=ISSUED + datetime.timedelta(minutes=58))[0] == user
    try:
        token_user(key, now=ISSUED + datetime.timedelta(minutes=89))
    except AuthenticationFailed as error:
        assert "log in again" in str(error.detail)
    else:
        raise AssertionError("an idle token was accepted")
    assert not ApiToken.objects.exists()


def test_an_idle_token_is_refused_over_http(client, settings, make_staff):
    settings.PROPERTY_SERVICE = {**settings.PROPERTY_SERVICE, "API_TOKEN_IDLE_MINUTES": 30}
    user = make_staff("CS Agent")
    from django.utils import timezone

    key = issue_token(user=user, now=timezone.now() - datetime.timedelta(minutes=31))
    response = me(client, key)
    assert response.status_code in (401, 403)
    assert "log in again" in response.json()["detail"]


def test_only_a_digest_of_the_key_is_stored(make_staff):
    key = issue_token(user=make_staff("CS Agent"))
    assert not ApiToken.objects.filter(digest=key).exists()
    assert ApiToken.objects.count() == 1
