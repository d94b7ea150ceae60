from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core.models import TimeStampedModel


class StaffProfile(TimeStampedModel):
    """Which communities a staff member works for: the row-level scope of everything they see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile",
        verbose_name=_("user"),
    )
    all_communities = models.BooleanField(
        _("all communities"), default=False,
        help_text=_("Sees every community, including ones added later."),
    )
    communities = models.ManyToManyField(
        "property_service.Community", blank=True, related_name="staff_profiles",
        verbose_name=_("communities"),
    )
    phone = models.CharField(_("work phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)
