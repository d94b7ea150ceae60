"""API tokens that end: at logout, when the user's password changes, and after an idle time
(``PROPERTY_SERVICE["API_TOKEN_IDLE_MINUTES"]``)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .models import ApiToken

DEFAULT_IDLE_MINUTES = 8 * 60
# A token's last use is written at most this often (not on every request).
TOUCH_EVERY = datetime.timedelta(minutes=1)


def idle_limit() -> datetime.timedelta:
    minutes = getattr(settings, "PROPERTY_SERVICE", {}).get("API_TOKEN_IDLE_MINUTES",
                                                            DEFAULT_IDLE_MINUTES)
    return datetime.timedelta(minutes=int(minutes))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _password_stamp(user) -> str:
    # Changes whenever the password does (the same hash Django uses to end other sessions).
    return user.get_session_auth_hash()


def issue_token(*, user, now: datetime.datetime | None = None) -> str:
    """A new token for ``user``; returns its key (stored only as a digest)."""
    now = now or timezone.now()
    key = secrets.token_hex(20)
    ApiToken.objects.create(user=user, digest=_digest(key), password_stamp=_password_stamp(user),
                            created_at=now, last_used_at=now)
    return key


def revoke_token(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).delete()


def is_expired(token: ApiToken, *, now: datetime.datetime) -> bool:
    return now - token.last_used_at > idle_limit()


def token_user(key: str, *, now: datetime.datetime | None = None):
    """``(user, token)`` for a valid key; raises ``AuthenticationFailed`` otherwise. An expired
    token, or one issued under an earlier password, is deleted."""
    now = now or timezone.now()
    token = ApiToken.objects.select_related("user").filter(digest=_digest(key or "")).first()
    if token is None or not token.user.is_active:
        raise AuthenticationFailed(_("Invalid token."))
    if is_expired(token, now=now) or not constant_time_compare(token.password_stamp,
                                                              _password_stamp(token.user)):
        revoke_token(token=token)
        raise AuthenticationFailed(_("Your API session has ended: log in again."))
    if now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token


class ExpiringTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` with tokens that end (see the module)."""

    def authenticate_credentials(self, key):
        return token_user(key)
