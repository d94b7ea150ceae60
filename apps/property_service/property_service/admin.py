"""Django discovers the admin here; each domain registers its own pages."""

from django.contrib import admin as _django_admin

from .access import admin as access_admin  # noqa: F401
from .activities import admin as activities_admin  # noqa: F401
from .calls import admin as calls_admin  # noqa: F401
from .complaints import admin as complaints_admin  # noqa: F401
from .contracts import admin as contracts_admin  # noqa: F401
from .core import notification_admin  # noqa: F401
from .core.admin import check_every_list
from .enquiries import admin as enquiries_admin  # noqa: F401
from .incidents import admin as incidents_admin  # noqa: F401
from .insurance import admin as insurance_admin  # noqa: F401
from .notices import admin as notices_admin  # noqa: F401
from .portal import admin as portal_admin  # noqa: F401
from .registry import admin as registry_admin  # noqa: F401
from .reports import admin as reports_admin  # noqa: F401
from .seasonal import admin as seasonal_admin  # noqa: F401
from .specialservices import admin as specialservices_admin  # noqa: F401
from .surveys import admin as surveys_admin  # noqa: F401
from .visits import admin as visits_admin  # noqa: F401
from .workorders import admin as workorders_admin  # noqa: F401

# The home page: the user's workspace (workspace/cards.py, through UNFOLD["DASHBOARD_CALLBACK"]).
_django_admin.site.index_template = "property_service/admin/home.html"

# Last, once every app (tokens, axes, django-q included) has registered its pages.
check_every_list(_django_admin.site)
