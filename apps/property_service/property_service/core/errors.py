"""Errors a service raises for the user: the message is shown as is (admin message, API detail)."""

from django.utils.translation import gettext_lazy as _


class ActionError(Exception):
    """The action was refused; nothing changed. HTTP 400 in the API."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotAllowed(ActionError):
    """The user may not do this (role, team or state). HTTP 403 in the API."""

    status_code = 403


class ConcurrentChange(ActionError):
    """Someone else changed the record since the user loaded it. HTTP 409 in the API."""

    status_code = 409

    def __init__(self, message=None):
        super().__init__(message or _("This record was changed by someone else in the meantime. "
                                      "Reload it and try again."))
