"""Which notices a resident sees, and their read receipts."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from ..access.scoping import resident_unit_ids, scope
from ..portal.selectors import subject_accounts
from ..registry.models import Resident, Unit
from ..registry.selectors import TimelineEntry, TimelinePart, newest, register_timeline_source
from .models import Notice, NoticeRead
from .states import State


def showing(queryset: QuerySet, now=None) -> QuerySet:
    """Published and within the publication window."""
    now = now or timezone.now()
    return queryset.filter(state=State.PUBLISHED).filter(
        Q(publish_at__isnull=True) | Q(publish_at__lte=now)).filter(
        Q(expire_at__isnull=True) | Q(expire_at__gt=now))


def notices_for_resident(user, now=None) -> QuerySet:
    """The notices showing now for the communities and buildings a resident lives in: a
    whole-community notice, or one for one of their buildings. Urgent ones first; each with
    ``is_read``."""
    units = Unit.objects.filter(pk__in=resident_unit_ids(user) or ())
    communities = units.values("building__community_id")
    buildings = units.values("building_id")
    queryset = showing(Notice.objects.all(), now).filter(community_id__in=communities).filter(
        Q(buildings__isnull=True) | Q(buildings__in=buildings))
    return (Notice.objects.filter(pk__in=queryset.values("pk"))
            .annotate(is_read=Exists(NoticeRead.objects.filter(notice=OuterRef("pk"),
                                                               user=user)))
            .order_by("-urgent", "-publish_at", "-id"))


def mark_read(notice: Notice, user) -> None:
    """Record the read receipt once (a second open, or a concurrent one, changes nothing)."""
    try:
        with transaction.atomic():
            NoticeRead.objects.get_or_create(notice=notice, user=user)
    except IntegrityError:
        pass


@register_timeline_source(permission="property_service.view_notice", subjects=(Unit, Resident))
def notice_read_events(subject, user, limit: int) -> TimelinePart:
    """The notices the resident (or the unit's residents of today) opened in the portal."""
    readers = subject_accounts(subject, user).values("user_id")
    reads, _more = newest(scope(NoticeRead.objects.filter(user_id__in=readers), user)
                          .select_related("notice").order_by("-read_at", "-id"), limit)
    # Receipts have no list of their own: the newest are shown, each with its notice.
    return TimelinePart([
        TimelineEntry(read.read_at, "notice_read", str(gettext("Read a notice")),
                      read.notice.get_kind_display(),
                      reverse("admin:property_service_notice_change", args=[read.notice_id]),
                      read.notice.title)
        for read in reads
    ])
