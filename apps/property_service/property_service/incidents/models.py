"""Emergencies and incidents (应急事件): reported, contained, reported on, approved, closed."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..core.files import stored_name, validate_attachment
from ..core.language import in_language
from ..core.models import Event, TimeStampedModel
from .states import ACTIONS, State, event_label

INJURIES_DAMAGE_REQUIRED = _("People were affected or damage was claimed: describe the people "
                             "hurt and the damage.")


class Kind(models.TextChoices):
    FIRE = "fire", _("Fire")
    POWER_CUT = "power_cut", _("Power cut")
    WATER_CUT = "water_cut", _("Water cut")
    ELEVATOR_ENTRAPMENT = "elevator_entrapment", _("Elevator entrapment")
    FLOODING = "flooding", _("Flooding")
    INJURY = "injury", _("Injury")
    SECURITY = "security", _("Security incident")
    OTHER = "other", _("Other")


# The work-order category a repair raised from an incident of each type starts with.
WORK_ORDER_CATEGORY = {
    Kind.FIRE: "public_area", Kind.POWER_CUT: "power_cut", Kind.WATER_CUT: "plumbing",
    Kind.ELEVATOR_ENTRAPMENT: "elevator", Kind.FLOODING: "water_leak",
    Kind.INJURY: "public_area", Kind.SECURITY: "door_access", Kind.OTHER: "public_area",
}

# The report's parts that must be written before it goes to the manager.
REQUIRED_FOR_REPORT = ("summary", "actions_taken", "cause", "corrective_actions")
# States in which the report has been submitted (its parts are then complete).
SUBMITTED_STATES = (State.REPORT_DRAFTED, State.APPROVED, State.CLOSED)


class PlaybookStep(TimeStampedModel):
    """One step of the response playbook (应急预案) of a type of incident, in both languages.
    Loaded from fixtures/incident_playbooks.toml; copied into each new incident's checklist."""

    # The same playbook for every community: changed only by staff who see every community.
    company_wide = True

    incident_kind = models.CharField(_("incident type"), max_length=24, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("order"))
    text_zh = models.CharField(_("step (Chinese)"), max_length=300)
    text_en = models.CharField(_("step (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("playbook step")
        verbose_name_plural = _("playbook steps")
        ordering = ["incident_kind", "position"]
        constraints = [
            models.UniqueConstraint(fields=["incident_kind", "position"],
                                    name="playbook_step_once",
                                    violation_error_message=_(
                                        "This type of incident already has a step at this "
                                        "position.")),
        ]

    def __str__(self):
        return f"{self.get_incident_kind_display()} {self.position}. {self.text}"

    @property
    def text(self) -> str:
        return in_language(self.text_zh, self.text_en)


# The report's parts and times: what may be corrected while the report is written.
REPORT_FIELDS = ("location", "people_affected", "contained_at", "resolved_at", "summary",
                 "actions_taken", "injuries_damage", "cause", "corrective_actions")


class Incident(ConcurrentTransitionMixin, TimeStampedModel):
    community_path = "community"
    # The type and community stay as reported; the report and the places affected may be
    # corrected (while it is written: ``states.EDITABLE_STATES``).
    editable_after_intake = (*REPORT_FIELDS, "buildings", "units")

    number = models.CharField(_("incident number"), max_length=20, unique=True,
                              editable=False)
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="incidents", verbose_name=_("community"))
    location = models.CharField(_("location"), max_length=200,
                                help_text=_("Where it happened, e.g. 3栋 2单元 电梯."))
    buildings = models.ManyToManyField("property_service.Building", blank=True,
                                       related_name="incidents",
                                       verbose_name=_("affected buildings"))
    units = models.ManyToManyField("property_service.Unit", blank=True,
                                   related_name="incidents", verbose_name=_("affected units"))
    reported_at = models.DateTimeField(_("occurred at"), default=timezone.now)
    contained_at = models.DateTimeField(_("contained at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True,
                                       help_text=_("When normal service was back."))
    people_affected = models.PositiveIntegerField(_("people affected"), default=0)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.OPEN,
                     protected=True, db_index=True)

    # The report (DOMAIN.md): summary, timeline, actions, people hurt / damage, cause,
    # corrective actions, attachments.
    summary = models.TextField(_("summary"), blank=True)
    actions_taken = models.TextField(_("actions taken"), blank=True)
    injuries_damage = models.TextField(_("people hurt / damage"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    corrective_actions = models.TextField(_("corrective actions"), blank=True)

    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("approved by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    work_orders = models.ManyToManyField("property_service.WorkOrder", blank=True,
                                         related_name="incidents",
                                         verbose_name=_("work orders"))

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-reported_at", "-id"]
        permissions = [
            ("work_incident", _("Can work incidents: contain, checklist, timeline, report, "
                                "close")),
            ("approve_incident_report", _("Can approve incident reports")),
        ]
        indexes = [models.Index(fields=["community", "reported_at"])]

    def __str__(self):
        return self.number or str(_("new incident"))

    def clean(self):
        if self.reported_at:
            for name in ("contained_at", "resolved_at"):
                value = getattr(self, name)
                if value and value < self.reported_at:
                    raise ValidationError({name: _("This cannot be before the incident was "
                                                   "reported.")})
        # Claims may be filed after the report was approved: only the record's own figures
        # are checked here; the submission (services) checks the claims too.
        if self.state in SUBMITTED_STATES and self.people_affected and \
                not (self.injuries_damage or "").strip():
            raise ValidationError({"injuries_damage": INJURIES_DAMAGE_REQUIRED})

    def has_casualties_or_damage(self) -> bool:
        """People were affected, or damage was claimed against the incident (理赔)."""
        return bool(self.people_affected) or (
            self.pk is not None and self.claims.exists())

    def lacks_injuries_damage(self) -> bool:
        return not (self.injuries_damage or "").strip() and self.has_casualties_or_damage()

    def missing_report_parts(self) -> list[str]:
        """The names of the report parts still empty: the written parts, the people hurt /
        damage when people were affected or damage claimed, and the timeline."""
        missing = [str(self._meta.get_field(name).verbose_name) for name in REQUIRED_FOR_REPORT
                   if not (getattr(self, name) or "").strip()]
        if self.lacks_injuries_damage():
            missing.append(str(self._meta.get_field("injuries_damage").verbose_name))
        if self.pk is None or not self.timeline_entries.exists():
            missing.append(str(_("timeline")))
        return missing

    # django-fsm transitions: the graph is states.ACTIONS; the service checks who may fire them.
    @transition(field=state, source=ACTIONS["contain"].sources,
                target=ACTIONS["contain"].target)
    def contain(self):
        pass

    @transition(field=state, source=ACTIONS["draft_report"].sources,
                target=ACTIONS["draft_report"].target)
    def draft_report(self):
        pass

    @transition(field=state, source=ACTIONS["return_report"].sources,
                target=ACTIONS["return_report"].target)
    def return_report(self):
        pass

    @transition(field=state, source=ACTIONS["approve"].sources,
                target=ACTIONS["approve"].target)
    def approve(self):
        pass

    @transition(field=state, source=ACTIONS["close"].sources, target=ACTIONS["close"].target)
    def close(self):
        pass


class IncidentEvent(Event):
    """The incident's log: every state change and every record raised from it."""

    community_path = "incident__community"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events",
                                 verbose_name=_("incident"))
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, blank=True, choices=State.choices)

    class Meta(Event.Meta):
        verbose_name = _("incident event")
        verbose_name_plural = _("incident events")

    def __str__(self):
        return f"{self.incident} {self.action}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)


class IncidentTimelineEntry(models.Model):
    """What happened when, as staff on site tell it (the report's timeline)."""

    community_path = "incident__community"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE,
                                 related_name="timeline_entries", verbose_name=_("incident"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+", verbose_name=_("by"))
    text = models.TextField(_("what happened"))

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.incident} {self.at:%Y-%m-%d %H:%M}"


class IncidentChecklistItem(models.Model):
    """One step of the playbook, copied into the incident when it was reported, and who did
    it when."""

    community_path = "incident__community"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="checklist",
                                 verbose_name=_("incident"))
    position = models.PositiveSmallIntegerField(_("order"))
    text_zh = models.CharField(_("step (Chinese)"), max_length=300)
    text_en = models.CharField(_("step (English)"), max_length=300, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("done by"))

    class Meta:
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.position}. {self.text}"

    @property
    def text(self) -> str:
        return in_language(self.text_zh, self.text_en)

    @property
    def done(self) -> bool:
        return self.done_at is not None


def attachment_path(attachment, filename):
    return (f"incidents/{timezone.now():%Y/%m}/{attachment.incident_id}/"
            f"{stored_name(attachment.file, filename)}")


class IncidentAttachment(models.Model):
    """Photos and documents of the incident: scene photos, the lift company's report..."""

    community_path = "incident__community"

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE,
                                 related_name="attachments", verbose_name=_("incident"))
    file = models.FileField(_("file"), upload_to=attachment_path,
                            validators=[validate_attachment])
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.file.name

    @property
    def filename(self) -> str:
        return os.path.basename(self.file.name)
