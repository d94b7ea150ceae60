"""The page of a refused request (400): what was wrong, in the user's language."""

from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from .params import BadParameter


def bad_request(request, exception=None):
    if isinstance(exception, BadParameter):
        message = exception.message
    else:
        message = _("The address of this page has a wrong or unknown parameter.")
    response = TemplateResponse(request, "property_service/bad_request.html", {
        "message": message, "back": request.path}, status=400)
    return response.render()
