"""The one way to tell staff about something: an in-app notification (the bell) and an email.

A notification about a record goes only to users who may open that record (its view permission
and their row scope): a message never names a record its recipient cannot see.

Messages are stored and emailed as given: the caller passes them already translated (users have
no language of their own yet, so the caller's active language is the one that counts).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext

from ..access.scoping import can_open, openable_ids
from .lists import capped_count
from .models import Notification

logger = logging.getLogger(__name__)

SUBJECT_LENGTH = 120
DEDUPE_KEY_LENGTH = Notification._meta.get_field("dedupe_key").max_length


def notify(*, users: Iterable, kind: str, message: str, target: Model | None = None,
           dedupe_key: str | None = None) -> list[Notification]:
    """Notify each distinct active user in ``users`` (``None`` entries are skipped) who may
    open ``target``.

    - ``target``: the record the notification is about (stored as content type and id).
    - ``dedupe_key``: a user is notified at most once per key, whatever the number of calls,
      concurrent ones included.
    - Returns only the notifications this call created.
    - Users with an email address get one email each once the transaction commits; its
      ``emailed_at`` is set when sending succeeded and stays empty when it failed.
    """
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind: {kind!r}")
    if dedupe_key is not None and len(dedupe_key) > DEDUPE_KEY_LENGTH:
        raise ValueError(f"dedupe_key is longer than {DEDUPE_KEY_LENGTH} characters")
    target_type = target_id = None
    if target is not None:
        if target.pk is None:
            raise ValueError("The target must be saved first")
        target_type, target_id = ContentType.objects.get_for_model(target), target.pk

    recipients = list({u.pk: u for u in users if u is not None and u.is_active}.values())
    if target is not None:
        recipients = [u for u in recipients if can_open(u, target)]
    if dedupe_key is not None and recipients:
        # Skip the known duplicates cheaply; the unique constraint settles concurrent calls.
        done = set(Notification.objects.filter(
            user__in=recipients, dedupe_key=dedupe_key).values_list("user_id", flat=True))
        recipients = [u for u in recipients if u.pk not in done]

    created = []
    for user in recipients:
        try:
            with transaction.atomic():
                created.append(Notification.objects.create(
                    user=user, kind=kind, message=message, target_type=target_type,
                    target_id=target_id, dedupe_key=dedupe_key))
        except IntegrityError:
            if dedupe_key is None:
                raise
            # Another call stored the same key for this user first.

    _email_on_commit(created)
    return created


def notify_many(notifications: list[Notification]) -> list[Notification]:
    """Store many prepared notifications in one insert (for set-based jobs), each emailed like
    ``notify``'s; those about a record their user may not open are dropped. The caller
    guarantees they are new (it claimed the step they announce); a duplicate ``dedupe_key`` for
    a user fails the whole call rather than being dropped."""
    for notification in notifications:
        if notification.kind not in Notification.Kind.values:
            raise ValueError(f"Unknown notification kind: {notification.kind!r}")
    notifications = _openable(notifications)
    created = Notification.objects.bulk_create(notifications)
    _email_on_commit(created)
    return created


def _openable(notifications: list[Notification]) -> list[Notification]:
    """Those of ``notifications`` whose user may open their target (one query per user and
    kind of record)."""
    wanted = defaultdict(set)
    for n in notifications:
        if n.target_type_id is not None:
            wanted[(n.user.pk, n.target_type_id)].add(n.target_id)
    users = {n.user.pk: n.user for n in notifications}
    allowed = {
        (user_pk, type_id): openable_ids(users[user_pk],
                                         ContentType.objects.get_for_id(type_id).model_class(),
                                         ids)
        for (user_pk, type_id), ids in wanted.items()}
    return [n for n in notifications if n.target_type_id is None
            or n.target_id in allowed[(n.user.pk, n.target_type_id)]]


def _email_on_commit(created: list[Notification]) -> None:
    to_email = [n for n in created if n.user.email]
    if to_email:
        transaction.on_commit(lambda: _send_emails(to_email))


def _send_emails(notifications: list[Notification]) -> None:
    for notification in notifications:
        try:
            send_mail(_subject(notification.message), notification.message,
                      settings.DEFAULT_FROM_EMAIL, [notification.user.email])
        except Exception:
            # The notification is stored; a failed email must not fail the caller's request.
            logger.exception("Could not email notification %s", notification.pk)
            continue
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=now)
        notification.emailed_at = now


def _subject(message: str) -> str:
    lines = message.strip().splitlines()
    first_line = Truncator(lines[0].strip() if lines else "").chars(SUBJECT_LENGTH)
    return gettext("Notification: %(first_line)s") % {"first_line": first_line}


def mark_read(*, user, notification_id) -> Notification:
    """Mark one of ``user``'s notifications read; ``read_at`` is set once and then kept.

    Raises ``Notification.DoesNotExist`` alike for a missing id and for another user's one.
    """
    notification = Notification.objects.get(pk=notification_id, user_id=user.pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now())
        notification.refresh_from_db(fields=["read_at"])
    return notification


# Past this many the badge says "99+": a pile of unread messages is not counted to the end on
# every page.
UNREAD_CAP = 99


def unread_count(user) -> int:
    """How many of ``user``'s notifications are unread, counted no further than
    ``UNREAD_CAP + 1`` (0 for an anonymous user)."""
    if not (user and user.is_authenticated):
        return 0
    return capped_count(Notification.objects.filter(user_id=user.pk, read_at__isnull=True),
                        UNREAD_CAP)


def unread_badge(request) -> int | str:
    """The caller's unread count ("99+" past the cap), or "" (no badge) when there is none."""
    count = unread_count(request.user)
    return f"{UNREAD_CAP}+" if count > UNREAD_CAP else count or ""


def page_unread_badge(request) -> int | str:
    """``unread_badge`` counted once per page: the bell and the user menu show the same."""
    if not hasattr(request, "_unread_badge"):
        request._unread_badge = unread_badge(request)
    return request._unread_badge


# How many of the newest unread notifications the bell's drop-down lists.
BELL_PREVIEW = 5


def latest_unread(user, limit: int = BELL_PREVIEW) -> list[Notification]:
    """``user``'s newest unread notifications, newest first (read off the index of the user's
    unread ones: its rows are in id order, which is their order of creation)."""
    return list(Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
                .order_by("-id")[:limit])


def account_links(request) -> list[dict]:
    """``UNFOLD["ACCOUNT"]["navigation"]``: the user menu with the notifications and the unread
    count, unfold's default "Change password" link (which any custom list replaces), and for
    field staff the field app."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return []
    count = page_unread_badge(request)
    title = (gettext("Notifications (%(count)s unread)") % {"count": count} if count
             else gettext("Notifications"))
    links = [{"title": title,
              "link": reverse("admin:property_service_notification_changelist")}]
    if user.has_usable_password():
        links.append({"title": gettext("Change password"),
                      "link": reverse("admin:password_change")})
    from ..field.selectors import uses_field_app

    if uses_field_app(user):
        links.append({"title": gettext("Field app (phone)"), "link": reverse("field:home")})
    return links
