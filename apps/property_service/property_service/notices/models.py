"""Notices to residents (通知/公告): service notices, outages, major matters."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..core.models import Event, TimeStampedModel
from .states import ACTIONS, State, event_label


class Notice(ConcurrentTransitionMixin, TimeStampedModel):
    community_path = "community"
    # What residents were shown stays as it was: a draft may still be rewritten (for the
    # community it was drafted in); a published notice is withdrawn and replaced by a new one.
    editable_in_draft = ("buildings", "title", "body", "kind", "urgent", "publish_at",
                         "expire_at")
    locked_message = _("Only a draft notice can be changed, and its community stays; withdraw "
                       "a published notice and draft a new one.")

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service notice")
        OUTAGE = "outage", _("Outage")
        MAJOR_MATTER = "major_matter", _("Major matter")

    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="notices", verbose_name=_("community"))
    buildings = models.ManyToManyField("property_service.Building", blank=True,
                                       related_name="notices", verbose_name=_("buildings"),
                                       help_text=_("Empty: the whole community."))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices,
                            default=Kind.SERVICE)
    urgent = models.BooleanField(_("urgent"), default=False,
                                 help_text=_("Urgent notices are pinned first."))
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True,
                                      help_text=_("Empty: when it is published."))
    expire_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT,
                     protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("published by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdraw_reason = models.TextField(_("withdrawal reason"), blank=True)
    source_incident = models.ForeignKey("property_service.Incident", on_delete=models.SET_NULL,
                                        null=True, blank=True, related_name="notices",
                                        verbose_name=_("incident"))

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        # Urgent notices are pinned first, then the newest.
        ordering = ["-urgent", "-publish_at", "-id"]
        permissions = [("publish_notice", _("Can publish and withdraw notices"))]
        indexes = [models.Index(fields=["community", "state"])]

    def __str__(self):
        return self.title

    def editable_fields(self) -> tuple[str, ...]:
        return self.editable_in_draft if self.state == State.DRAFT else ()

    def clean(self):
        if self.publish_at and self.expire_at and self.expire_at <= self.publish_at:
            raise ValidationError({"expire_at": _("A notice must expire after it is "
                                                  "published.")})
        if self.source_incident_id and self.community_id and \
                self.source_incident.community_id != self.community_id:
            raise ValidationError({"source_incident": _("This incident is in another "
                                                        "community.")})

    def is_showing(self, now=None) -> bool:
        """Published, and within its publication window."""
        now = now or timezone.now()
        return (self.state == State.PUBLISHED and (self.publish_at is None
                                                   or self.publish_at <= now)
                and (self.expire_at is None or now < self.expire_at))

    @transition(field=state, source=ACTIONS["publish"].sources,
                target=ACTIONS["publish"].target)
    def publish(self):
        pass

    @transition(field=state, source=ACTIONS["withdraw"].sources,
                target=ACTIONS["withdraw"].target)
    def withdraw(self):
        pass


class NoticeEvent(Event):
    """The notice's log: drafted, published, withdrawn; by whom and when."""

    community_path = "notice__community"

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events",
                               verbose_name=_("notice"))
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, blank=True, choices=State.choices)

    class Meta(Event.Meta):
        verbose_name = _("notice event")
        verbose_name_plural = _("notice events")

    def __str__(self):
        return f"{self.notice} {self.action}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)


class NoticeRead(models.Model):
    """A read receipt: the resident's account opened the notice (once per account)."""

    community_path = "notice__community"

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads",
                               verbose_name=_("notice"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("read by"))
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [models.UniqueConstraint(fields=["notice", "user"],
                                               name="notice_read_once")]

    def __str__(self):
        return f"{self.notice} · {self.user}"
