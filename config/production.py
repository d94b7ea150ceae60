"""The production profile: ``PRODUCTION=true`` in the environment (or ``site.env``).

Served by gunicorn behind TLS: DEBUG off, HTTPS only (HSTS, redirect, secure cookies), static
files from whitenoise, and a real secret key (the process refuses to start without one).
Every value can be changed through the environment; the defaults pass ``check --deploy``.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

# The load balancer's probe may come over plain HTTP on the private network.
HEALTH_PATH = r"^health/$"


def check_secret_key(key: str) -> None:
    """Refuse a missing, short, low-variety or Django-generated-for-development key."""
    if (not key or len(key) < 50 or len(set(key)) < 5
            or key.startswith("django-insecure-") or "change-me" in key.lower()):
        raise ImproperlyConfigured(
            "PRODUCTION is on but SECRET_KEY is missing or weak: set SECRET_KEY to at least 50 "
            "random characters (python -c \"import secrets; print(secrets.token_urlsafe(50))\").")


def production_settings(env) -> dict:
    """The settings the production profile sets, read from ``env`` (a django-environ Env)."""
    check_secret_key(env.str("SECRET_KEY", default=""))
    settings = {
        "DEBUG": False,
        "SECURE_HSTS_SECONDS": env.int("SECURE_HSTS_SECONDS", default=31536000),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS",
                                                   default=True),
        "SECURE_HSTS_PRELOAD": env.bool("SECURE_HSTS_PRELOAD", default=True),
        "SECURE_SSL_REDIRECT": env.bool("SECURE_SSL_REDIRECT", default=True),
        "SECURE_REDIRECT_EXEMPT": [HEALTH_PATH],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "STORAGES": {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {
                "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
        },
    }
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
    if env.bool("BEHIND_PROXY", default=True):
        settings["SECURE_PROXY_SSL_HEADER"] = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


def with_whitenoise(middleware: list[str]) -> list[str]:
    """Whitenoise serves the collected static files, right after the security middleware."""
    position = middleware.index("django.middleware.security.SecurityMiddleware") + 1
    return [*middleware[:position], "whitenoise.middleware.WhiteNoiseMiddleware",
            *middleware[position:]]
