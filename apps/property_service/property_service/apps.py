from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PropertyServiceConfig(AppConfig):
    name = "property_service"
    verbose_name = _("Property service")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .core import unfold_forms, unfold_lists
        from .workspace import series

        unfold_forms.install()
        unfold_lists.install()
        series.forget_on_write()
