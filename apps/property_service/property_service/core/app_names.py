"""django-axes as the back office shows it: a name in the menu ("Axes" otherwise), and its
records named in the reader's language (its own ``__str__`` is English: "Access Log for ...").
Listed in INSTALLED_APPS in place of the application itself."""

from axes.apps import AppConfig as AxesConfig
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i:s") if moment else ""


def access_log_name(log) -> str:
    return gettext("Login of %(username)s at %(time)s") % {
        "username": log.username, "time": _when(log.attempt_time)}


def access_attempt_name(attempt) -> str:
    return gettext("Login attempt at %(time)s") % {"time": _when(attempt.attempt_time)}


def access_failure_name(failure) -> str:
    return gettext("Failed login of %(username)s at %(time)s") % {
        "username": failure.username, "time": _when(failure.attempt_time)}


class LoginProtectionConfig(AxesConfig):
    verbose_name = _("Login protection")

    def ready(self):
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        AccessLog.__str__ = access_log_name
        AccessAttempt.__str__ = access_attempt_name
        AccessFailureLog.__str__ = access_failure_name
