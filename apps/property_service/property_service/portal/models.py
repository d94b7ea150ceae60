"""Residents' portal accounts (业主端) and the invitation codes staff hand out per unit."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..registry.models import Occupancy

# Codes are read aloud and typed on phones: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class ResidentAccount(models.Model):
    """The login of one resident: a user who is not staff, linked to their Resident record.
    What the account reaches is the units the resident lives in now (``access.scoping``)."""

    community_path = "resident__community"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="resident_account", verbose_name=_("login"))
    resident = models.OneToOneField("property_service.Resident", on_delete=models.CASCADE,
                                    related_name="portal_account", verbose_name=_("resident"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"),
                                   help_text=_("Empty: the resident registered with a code."))

    class Meta:
        verbose_name = _("resident portal account")
        verbose_name_plural = _("resident portal accounts")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user.username} → {self.resident}"


class Invitation(models.Model):
    """A single-use code that lets a resident of one unit register in the portal."""

    community_path = "unit__building__community"

    unit = models.ForeignKey("property_service.Unit", on_delete=models.CASCADE,
                             related_name="invitations", verbose_name=_("unit"))
    code = models.CharField(_("invitation code"), max_length=16, unique=True, default=new_code,
                            editable=False)
    relation = models.CharField(_("relation to the unit"), max_length=16,
                                choices=Occupancy.Relation.choices,
                                default=Occupancy.Relation.FAMILY)
    resident = models.ForeignKey("property_service.Resident", on_delete=models.CASCADE,
                                 null=True, blank=True, related_name="+",
                                 verbose_name=_("for resident"),
                                 help_text=_("Empty: whoever registers becomes a resident of "
                                             "the unit with the relation above."))
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+", verbose_name=_("created by"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True, editable=False)
    account = models.ForeignKey(ResidentAccount, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+", editable=False,
                                verbose_name=_("account registered"))

    class Meta:
        verbose_name = _("portal invitation")
        verbose_name_plural = _("portal invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.code} ({self.unit})"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
