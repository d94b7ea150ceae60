"""Host project settings. Everything deployment-specific comes from the site (``sites/<SITE>/``)."""

from __future__ import annotations

import os

import environ
from django.utils.translation import gettext_lazy as _
from import_export.formats.base_formats import CSV, XLSX

from .q_cluster import q_cluster
from .sites import BASE_DIR, site_dir

SITE = os.environ.get("SITE", "default")
SITE_DIR = site_dir(SITE)

env = environ.Env()
environ.Env.read_env(SITE_DIR / "site.env", overwrite=False)

SECRET_KEY = env.str("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The production profile (gunicorn behind TLS): see config/production.py.
PRODUCTION = env.bool("PRODUCTION", default=False)

INSTALLED_APPS = [
    "unfold",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "unfold.contrib.inlines",
    "unfold.contrib.import_export",
    "unfold.contrib.simple_history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "property_service.core.app_names.LoginProtectionConfig",  # django-axes, named
    "django_q",
    "property_service",
]

MIDDLEWARE = [
    # First: one JSON log line per request, timing everything below (core/requestlog.py).
    "property_service.core.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "property_service.core.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The app's versions of a few of unfold's templates (the notification bell in the top
        # bar): found before unfold's own.
        "DIRS": [BASE_DIR / "apps" / "property_service" / "property_service" / "unfold_overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: the site's embedded SQLite file unless DATABASE_URL names a server (MariaDB in
# production and CI).


def server_database(url: str) -> dict:
    """The settings of the database server at ``url`` (django-environ), MariaDB's in utf8mb4."""
    database = env.db_url_config(url)
    if database["ENGINE"] == "django.db.backends.mysql":
        database.setdefault("OPTIONS", {}).update(
            {"charset": "utf8mb4", "init_command": "SET sql_mode='STRICT_TRANS_TABLES'"}
        )
        database["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}
    return database


DATABASE_URL = env.str("DATABASE_URL", default="")
if DATABASE_URL:
    default_db = server_database(DATABASE_URL)
else:
    default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SITE_DIR / "db.sqlite3",
        # The web server and the scheduler write at the same time: WAL, a busy timeout and
        # IMMEDIATE transactions keep them from failing with "database is locked".
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        # A file, not memory: tests of concurrent writers need real locks between connections.
        "TEST": {"NAME": SITE_DIR / "test.sqlite3"},
    }
# A server's connections are kept between requests (CONN_MAX_AGE seconds) and checked before
# reuse: a database server restarted between two requests costs a reconnect, not an error page.
if DATABASE_URL:
    default_db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
default_db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": default_db}
# A read replica of DATABASE_URL (optional): figures, reports' figures and exports read from it,
# nothing writes to it or migrates it (core/replica.py). The test runner creates no database
# there: the alias mirrors the test database (and then reads through "default").
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = server_database(DATABASE_REPLICA_URL)
    DATABASES["replica"].setdefault("TEST", {})["MIRROR"] = "default"
    DATABASE_ROUTERS = ["property_service.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Two aliases of one store (core/cache.py): "default" keeps what can be computed again and
# answers without Redis while it is down; "strict" raises, for the throttles and the health probe.
if REDIS_URL:
    _redis = {
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"property-service:{SITE}",
        # A server that does not answer costs a second, not a hung request.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
    CACHES = {
        "default": {"BACKEND": "property_service.core.cache.TolerantRedisCache", **_redis},
        "strict": {"BACKEND": "django.core.cache.backends.redis.RedisCache", **_redis},
    }
else:
    # Room for what a company keeps: the home page's figures alone are eight entries a
    # community (LocMem's default of 300 culls a third of them from about 40 communities).
    _local = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
              "LOCATION": "property-service", "OPTIONS": {"MAX_ENTRIES": 50_000}}
    CACHES = {"default": _local, "strict": _local}

Q_CLUSTER = q_cluster(site=SITE, redis_url=REDIS_URL)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "property_service.access.lockout.lockout_response"
# Field staff land in the field app, everyone else in the back office.
LOGIN_REDIRECT_URL = "/field/start/"
LOGIN_URL = "/admin/login/"

# The app's catalog first: it also words the pieces it builds on (unfold, Django's admin,
# django-q2, django-axes) where their own catalogs are missing or read badly.
LOCALE_PATHS = [BASE_DIR / "apps" / "property_service" / "property_service" / "locale"]
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = SITE_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = SITE_DIR / "media"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="property-service@localhost")
# A mail server that does not answer must not hold a request or a job: the email is retried
# (core/notifications.py, send_pending_emails).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

SILENCED_SYSTEM_CHECKS = [
    # django-q2's conditional index: MariaDB ignores the condition, which is harmless here.
    "models.W037",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "property_service.api.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["property_service.api.permissions.ModelActionPermission"],
    # Request bodies are JSON; a view that takes uploaded files names its own parsers.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_PAGINATION_CLASS": "property_service.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "property_service.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Property service API",
    "DESCRIPTION": "REST API v1 of the property-service back office.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set (work-order and category priorities are the same set).
    "ENUM_NAME_OVERRIDES": {
        "PriorityEnum": "property_service.workorders.models.Priority",
        "AgreementStateEnum": "property_service.renewals.states.State",
        "IncidentStateEnum": "property_service.incidents.states.State",
        "IncidentKindEnum": "property_service.incidents.models.Kind",
        "DeadlineStatusEnum": "property_service.enquiries.deadlines.STATUSES",
        "ChannelEnum": "property_service.workorders.models.Channel",
        "SurveyResponseChannelEnum": "property_service.surveys.models.STAFF_CHANNEL_CHOICES",
        "ActivityChannelEnum": "property_service.activities.models.Channel",
        "PaymentMethodEnum": "property_service.specialservices.states.PaymentMethod",
    },
}

SIMPLE_HISTORY_REVERT_DISABLED = True
IMPORT_EXPORT_FORMATS = [XLSX, CSV]
IMPORT_EXPORT_USE_TRANSACTIONS = True
# An imported row's record is its history (who, when, what changed: written a batch at a
# time); the admin's own log of each row would be a second copy that nothing reads.
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"

PROPERTY_SERVICE = {
    "ROLES_FILE": BASE_DIR / "fixtures" / "roles.toml",
    # An API token unused for this long ends (the caller logs in again).
    "API_TOKEN_IDLE_MINUTES": env.int("API_TOKEN_IDLE_MINUTES", default=8 * 60),
    # Lookups by a full phone or ID number per user and hour, for users who see them masked.
    "PERSONAL_DATA_LOOKUPS_PER_HOUR": env.int("PERSONAL_DATA_LOOKUPS_PER_HOUR", default=20),
    # Portal registration attempts per address, and per invitation code, and hour.
    "PORTAL_REGISTER_ATTEMPTS_PER_HOUR": env.int("PORTAL_REGISTER_ATTEMPTS_PER_HOUR",
                                                 default=10),
}

UNFOLD = {
    "SITE_TITLE": _("Property service"),
    "SITE_HEADER": _("Property service"),
    "SITE_SYMBOL": "apartment",
    "SHOW_LANGUAGES": True,
    "SHOW_HISTORY": True,
    # No public site to return to: the login page's "Return to site" would lead back to it.
    "SITE_URL": None,
    "SCRIPTS": ["property_service.core.theme.scroll_label_script"],
    "SIDEBAR": {
        "show_search": False,
        # Grouped by work area, each entry shown to those who may open it; every registered
        # model has its place there, so no second list of all applications.
        "show_all_applications": False,
        "navigation": "property_service.workspace.navigation.sidebar",
    },
    # The home page: a workspace per role (figures, queues, the user's own work).
    "DASHBOARD_CALLBACK": "property_service.workspace.dashboard.dashboard_callback",
    # The user menu: "Notifications (n unread)" next to "Change password". A sidebar badge would
    # need a custom SIDEBAR navigation, which replaces the generated list of applications.
    "ACCOUNT": {
        "navigation": "property_service.core.notifications.account_links",
    },
}

if PRODUCTION:
    from .production import production_settings, with_whitenoise

    vars().update(production_settings(env))
    MIDDLEWARE = with_whitenoise(MIDDLEWARE)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"message": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # The request log's lines are JSON already.
        "requests": {"class": "logging.StreamHandler", "formatter": "message"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        # The scheduler says when it starts and what it runs.
        "django-q": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # One JSON line per request (core/requestlog.py); REQUEST_LOG_LEVEL=WARNING silences it.
        "property_service.requests": {
            "handlers": ["requests"], "level": env.str("REQUEST_LOG_LEVEL", default="INFO"),
            "propagate": False},
        # Django's own per-request lines would repeat it, query string included.
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
