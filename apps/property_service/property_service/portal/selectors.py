"""Reads of residents' portal accounts that the unit's and the resident's pages share."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ..access.scoping import scope
from ..core.masking import mask
from ..core.personal_data import can_view_personal_data
from ..registry.models import Occupancy, Resident, Unit, current_occupancy_q
from ..registry.selectors import (
    TimelineEntry,
    TimelineMore,
    TimelinePart,
    changelist_url,
    newest,
    register_timeline_source,
)
from .models import Invitation, ResidentAccount


def subject_accounts(subject, user):
    """The portal accounts of the resident, or of the unit's residents of today, that
    ``user`` may see."""
    accounts = ResidentAccount.objects.all()
    if isinstance(subject, Unit):
        residents = Occupancy.objects.filter(current_occupancy_q(timezone.localdate()),
                                             unit=subject).values("resident_id")
        accounts = accounts.filter(resident_id__in=residents)
    else:
        accounts = accounts.filter(resident=subject)
    return scope(accounts, user)


def login_name(account: ResidentAccount, user) -> str:
    # A resident may have chosen their phone number as their login.
    name = get_user_model().get_username(account.user)
    return name if can_view_personal_data(user) else mask(name)


@register_timeline_source(permission="property_service.view_residentaccount",
                          subjects=(Unit, Resident))
def portal_account_events(subject, user, limit: int) -> TimelinePart:
    accounts, more = newest(subject_accounts(subject, user).select_related("user", "resident")
                            .order_by("-created_at", "-id"), limit)
    part = TimelinePart()
    for account in accounts:
        how = (_("opened by staff") if account.created_by_id
               else _("registered with an invitation code"))
        part.entries.append(TimelineEntry(
            account.created_at, "portal_account", str(_("Portal account")),
            f"{account.resident.name} · {how}",
            reverse("admin:property_service_residentaccount_change", args=[account.pk]),
            login_name(account, user),
        ))
    if more:
        # A resident has one account: only a unit's residents can have more than are shown,
        # and the accounts are listed by resident.
        part.more = TimelineMore(str(_("All residents of the unit")),
                                 changelist_url("occupancy", unit__id__exact=subject.pk))
    return part


@register_timeline_source(permission="property_service.view_invitation",
                          subjects=(Unit, Resident))
def invitation_events(subject, user, limit: int) -> TimelinePart:
    lookup = {"unit": subject} if isinstance(subject, Unit) else {"resident": subject}
    invitations, more = newest(scope(Invitation.objects.filter(**lookup), user)
                               .order_by("-created_at", "-id"), limit)
    part = TimelinePart()
    for invitation in invitations:
        if invitation.used_at:
            status = _("used %(at)s") % {"at": timezone.localtime(invitation.used_at)
                                         .strftime("%Y-%m-%d %H:%M")}
        elif invitation.is_usable:
            status = _("valid until %(at)s") % {"at": timezone.localtime(invitation.expires_at)
                                                .strftime("%Y-%m-%d %H:%M")}
        else:
            status = _("expired")
        part.entries.append(TimelineEntry(
            invitation.created_at, "invitation", str(_("Portal invitation")),
            f"{invitation.get_relation_display()} · {status}",
            reverse("admin:property_service_invitation_change", args=[invitation.pk]),
            invitation.code,
        ))
    if more:
        part.more = TimelineMore(str(_("All portal invitations")),
                                 changelist_url("invitation", **(
                                     {"unit__id__exact": subject.pk}
                                     if isinstance(subject, Unit)
                                     else {"resident__id__exact": subject.pk})))
    return part
