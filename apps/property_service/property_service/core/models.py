from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    """Base of every domain model: timestamps and an audit history (who changed what, when)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class PersonalDataAccess(models.Model):
    """One row each time a user was shown a resident's personal data unmasked."""

    community_path = "resident__community"

    class Channel(models.TextChoices):
        ADMIN = "admin", _("Back office")
        API = "api", _("API")
        EXPORT = "export", _("Export")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("user"),
        related_name="+",
    )
    resident = models.ForeignKey(
        "property_service.Resident", on_delete=models.CASCADE, verbose_name=_("resident"),
        related_name="personal_data_accesses",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    accessed_at = models.DateTimeField(_("accessed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at", "-id"]

    def __str__(self):
        return f"{self.user} → {self.resident} ({self.get_channel_display()})"
