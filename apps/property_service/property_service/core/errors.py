"""Errors a service raises for the user: the message is shown as is (admin message, API detail)."""

from django.utils.translation import gettext_lazy as _


class ActionError(Exception):
    """The action was refused; nothing changed. HTTP 400 in the API."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


def full_clean_or_refuse(instance, *, exclude=()) -> None:
    """Run the model's own validation; its first problem becomes an ``ActionError`` on that
    field (what a service reports when it was given bad data)."""
    from django.core.exceptions import ValidationError

    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ActionError(" ".join(messages),
                          field=None if field == "__all__" else field) from None


class NotAllowed(ActionError):
    """The user may not do this (role, team or state). HTTP 403 in the API."""

    status_code = 403


class ConcurrentChange(ActionError):
    """Someone else changed the record since the user loaded it. HTTP 409 in the API."""

    status_code = 409

    def __init__(self, message=None):
        super().__init__(message or _("This record was changed by someone else in the meantime. "
                                      "Reload it and try again."))
