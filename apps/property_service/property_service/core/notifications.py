"""The one way to tell staff about something: an in-app notification (the bell) and an email.

A notification about a record goes only to users who may open that record (its view permission
and their row scope): a message never names a record its recipient cannot see.

Messages are stored and emailed as given: the caller passes them already translated (users have
no language of their own yet, so the caller's active language is the one that counts).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import time
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
      ``emailed_at`` is set when sending succeeded and stays empty when it failed, and the
      periodic ``send_pending_emails`` tries again.
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
            _send_email(notification)
        except Exception:
            # The notification is stored; a failed email must not fail the caller's request.
            # ``send_pending_emails`` tries it again.
            logger.exception("Could not email notification %s (will retry)", notification.pk)
            continue
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=now)
        notification.emailed_at = now


# The email of a notification is sent once its transaction commits. One that failed then (the
# mail server down or refusing) is tried again by ``send_pending_emails`` from this long after
# the notification (the first try has long finished: EMAIL_TIMEOUT is far shorter) until this
# long after it; past that it stays unsent, which its page says ("email failed").
RETRY_EMAIL_AFTER = datetime.timedelta(minutes=15)
GIVE_UP_EMAIL_AFTER = datetime.timedelta(hours=24)
# One run stops after this many seconds (the rest waits for the next run, well within the
# scheduler's timeout) or at the first error of the mail server itself (not of one message).
EMAIL_RUN_SECONDS = 120
# Errors about one message, not about the server: the run goes on with the next one.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                   smtplib.SMTPDataError)


def email_state(notification: Notification, now=None) -> str:
    """``sent``, ``pending`` (not sent yet, still tried), ``failed`` (given up) or ``none`` (the
    user has no email address)."""
    if notification.emailed_at is not None:
        return "sent"
    if not notification.user.email:
        return "none"
    now = now or timezone.now()
    return "pending" if notification.created_at > now - GIVE_UP_EMAIL_AFTER else "failed"


def send_pending_emails(now=None) -> dict[str, int]:
    """The periodic retry of the emails that failed: each notification whose email was not sent
    and whose retry time has come is locked (a parallel run skips it), sent and marked sent in
    its own transaction, so two runs never send one twice. Emails are at least once: a run
    stopped between the mail server's acceptance and its commit sends that one again."""
    now = now or timezone.now()
    started = time.monotonic()
    pending = list(Notification.objects.filter(
        emailed_at__isnull=True, created_at__lte=now - RETRY_EMAIL_AFTER,
        created_at__gt=now - GIVE_UP_EMAIL_AFTER, user__is_active=True
    ).exclude(user__email="").order_by("id").values_list("id", flat=True)[:500])
    outcome = {"sent": 0, "failed": 0}
    for pk in pending:
        if time.monotonic() - started > EMAIL_RUN_SECONDS:
            break
        with transaction.atomic():
            notification = (Notification.objects.select_for_update(skip_locked=True)
                            .select_related("user").filter(pk=pk, emailed_at__isnull=True)
                            .first())
            if notification is None:  # sent meanwhile, or being sent by a parallel run
                continue
            try:
                _send_email(notification)
            except _MESSAGE_ERRORS:
                logger.exception("Could not email notification %s (will retry)", pk)
                outcome["failed"] += 1
                continue
            except Exception:
                logger.exception("Could not email notification %s: the mail server is "
                                 "unavailable; the next run retries", pk)
                outcome["failed"] += 1
                break
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            outcome["sent"] += 1
    return outcome


def _send_email(notification: Notification) -> None:
    send_mail(_subject(notification.message), notification.message,
              settings.DEFAULT_FROM_EMAIL, [notification.user.email])


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
