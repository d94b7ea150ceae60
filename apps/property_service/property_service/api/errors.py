"""One error format for the API: ``{"detail": "..."}`` or ``{"field": ["..."]}``, in the
caller's language, and never a 500 for bad input."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition
from rest_framework import status
from rest_framework.exceptions import NotFound, UnsupportedMediaType, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..core.errors import ActionError, ConcurrentChange


def validation_error_detail(error: DjangoValidationError):
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": error.messages}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(validation_error_detail(exc))
    if isinstance(exc, ConcurrentTransition):
        # A save over a record whose state moved on meanwhile (rolled back).
        exc = ConcurrentChange()
    if isinstance(exc, Http404):
        # One answer for "missing" and "not in your communities".
        exc = NotFound()
    if isinstance(exc, ActionError):
        body = {exc.field: [str(exc.message)]} if exc.field else {"detail": str(exc.message)}
        return Response(body, status=exc.status_code)
    if isinstance(exc, ProtectedError | RestrictedError):
        return Response(
            {"detail": _("This record is still referred to by other records and cannot be "
                         "deleted.")},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, UnsupportedMediaType):
        return Response({"detail": unsupported_body_message(context)},
                        status=status.HTTP_415_UNSUPPORTED_MEDIA_TYPE)
    return drf_exception_handler(exc, context)


def unsupported_body_message(context) -> str:
    """Names the body formats the endpoint takes (JSON everywhere, multipart where files are
    uploaded)."""
    view = context.get("view")
    accepted = sorted({parser.media_type for parser in view.get_parsers()}) if view else []
    return _("The request body must be sent as %(accepted)s.") % {
        "accepted": ", ".join(accepted) or "application/json"}
