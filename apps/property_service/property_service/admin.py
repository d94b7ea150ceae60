"""Django discovers the admin here; each domain registers its own pages."""

from .access import admin as access_admin  # noqa: F401
from .registry import admin as registry_admin  # noqa: F401
