"""One JSON line per request on the ``property_service.requests`` logger: method, path
(never the query string: searches by phone, name or ID number stay out of the logs), status,
duration in milliseconds, the user's id (null when anonymous) and a request id.

The request id is the proxy's ``X-Request-ID`` when it sends a plausible one, else a new one; it
is returned in the response's ``X-Request-ID`` so a person reporting a problem can quote it.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

log = logging.getLogger("property_service.requests")

HEADER = "X-Request-ID"
_PLAUSIBLE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def request_id(request) -> str:
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    return given if _PLAUSIBLE_ID.match(given) else uuid.uuid4().hex


def _user_id(request):
    user = getattr(request, "user", None)
    try:
        return user.pk if user is not None and user.is_authenticated else None
    except Exception:  # a user that cannot be read (its session's database is down)
        return None


class RequestLogMiddleware:
    """First in the middleware: it times everything after it and sees the final status."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id(request)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        if log.isEnabledFor(logging.INFO):
            log.info(json.dumps({
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": _user_id(request),
                "request_id": request.request_id,
            }, ensure_ascii=False))
        return response
