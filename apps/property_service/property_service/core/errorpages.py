"""The error pages (400, 403, 404, 500): what went wrong, in the user's language, with a way
back to the user's home page (the back office or the residents' portal)."""

from django.http import HttpResponseServerError
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .params import BadParameter


def home_of(request) -> str:
    return "/portal/" if request.path.startswith("/portal/") else "/admin/"


def bad_request(request, exception=None):
    if isinstance(exception, BadParameter):
        message = exception.message
    else:
        message = _("The address of this page has a wrong or unknown parameter.")
    response = TemplateResponse(request, "property_service/bad_request.html", {
        "message": message, "back": request.path}, status=400)
    return response.render()


def _error_page(request, status, heading, message):
    response = TemplateResponse(request, "property_service/error_page.html", {
        "heading": heading, "message": message, "home": home_of(request)}, status=status)
    return response.render()


def permission_denied(request, exception=None):
    return _error_page(request, 403, _("You may not open this page"),
                       _("Your account has no access to this page. Ask a system manager if "
                         "you need it."))


def page_not_found(request, exception=None):
    return _error_page(request, 404, _("Page not found"),
                       _("There is no page at this address, or it was removed."))


def server_error(request):
    # No request context: whatever failed may fail again while rendering it.
    html = render_to_string("property_service/error_page.html", {
        "heading": _("Something went wrong"),
        "message": _("The page could not be shown. Please try again in a moment; if it "
                     "happens again, tell a system manager."),
        "home": home_of(request)})
    return HttpResponseServerError(html)
