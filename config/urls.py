from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from property_service.core.health import health

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("property_service.api.urls")),
    path("portal/", include("property_service.portal.urls")),
    path("field/", include("property_service.field.urls")),
]
# Media (work-order photos) is never served as public files: the admin serves each photo to
# users who may see its order.

# A refused request (a bad id, year or filter in the address) says what was wrong.
handler400 = "property_service.core.errorpages.bad_request"
handler403 = "property_service.core.errorpages.permission_denied"
handler404 = "property_service.core.errorpages.page_not_found"
handler500 = "property_service.core.errorpages.server_error"
