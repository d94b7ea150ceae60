"""What a user sees after too many failed logins (django-axes): the same message in the admin
and the API, in the user's language."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, *args, **kwargs):
    hours = float(getattr(settings, "AXES_COOLOFF_TIME", 0.5) or 0)
    message = _("Too many failed logins: this account is locked for %(minutes)d minutes. "
                "A system manager can unlock it sooner.") % {"minutes": round(hours * 60)}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "property_service/locked_out.html", {"message": message}, status=429)
