"""Enquiries (咨询): answered at the desk, or handed over, contacted, answered, resolved."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..core.models import Event, TimeStampedModel
from ..workorders.models import Channel
from .states import ACTIONS, State, event_label


class Topic(models.TextChoices):
    FEES = "fees", _("Fees and payments")
    REPAIRS = "repairs", _("Repairs")
    DECORATION = "decoration", _("Decoration and renovation")
    PARKING = "parking", _("Parking")
    DELIVERIES = "deliveries", _("Deliveries and access")
    FACILITIES = "facilities", _("Facilities")
    MOVING = "moving", _("Moving in or out")
    POLICY = "policy", _("Rules and notices")
    OTHER = "other", _("Other")


class EnquiryStandard(TimeStampedModel):
    """The promises to a resident who asks (DOMAIN.md), as data: the company standard
    (no community) or one community's own."""

    community_path = "community"
    community_optional = True

    community = models.OneToOneField("property_service.Community", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="enquiry_standard",
                                     verbose_name=_("community"),
                                     help_text=_("Empty: the company standard."))
    handover_minutes = models.PositiveIntegerField(_("hand over within (minutes)"))
    contact_minutes = models.PositiveIntegerField(_("contact within (minutes)"))
    answer_minutes = models.PositiveIntegerField(_("answer within (minutes)"))
    resolve_working_days = models.PositiveIntegerField(
        _("resolve a complex enquiry within (working days)"))
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warn at (percent of the time used)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)])
    manager_after_minutes = models.PositiveIntegerField(
        _("tell the manager after (minutes late)"), default=60)
    calendar = models.ForeignKey("property_service.WorkingCalendar", on_delete=models.PROTECT,
                                 verbose_name=_("working calendar"))

    class Meta:
        verbose_name = _("enquiry standard")
        verbose_name_plural = _("enquiry standards")
        ordering = ["community_id"]
        constraints = [
            # One company standard (the community's OneToOne keeps one per community).
            models.UniqueConstraint(fields=["community"], condition=models.Q(
                community__isnull=True), name="enquiry_standard_company_once",
                violation_error_message=_("The company standard exists already.")),
        ]

    def __str__(self):
        return self.community.name if self.community_id else str(_("company standard"))


class Enquiry(ConcurrentTransitionMixin, TimeStampedModel):
    community_path = "community"
    resident_path = "unit"

    number = models.CharField(_("enquiry number"), max_length=20, unique=True, editable=False)
    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="enquiries", verbose_name=_("community"))
    unit = models.ForeignKey("property_service.Unit", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="enquiries", verbose_name=_("unit"))
    resident = models.ForeignKey("property_service.Resident", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="enquiries",
                                 verbose_name=_("resident"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices,
                             default=Topic.OTHER)
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    close_reason = models.TextField(_("reason for closing"), blank=True)
    complex = models.BooleanField(_("complex"), default=False, help_text=_(
        "Needs investigation: resolved within the working days of the standard."))
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.NEW,
                     protected=True, db_index=True)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="enquiries_handled",
                                verbose_name=_("handler"))

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    handover_by = models.DateTimeField(_("hand over by"), null=True, blank=True)
    contact_by = models.DateTimeField(_("contact by"), null=True, blank=True)
    answer_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # When the chasing job looks at the enquiry next (jobs.update_chase_at).
    chase_at = models.DateTimeField(_("chased next at"), null=True, blank=True, editable=False)

    work_order = models.ForeignKey("property_service.WorkOrder", on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="enquiries",
                                   verbose_name=_("converted into work order"))
    complaint = models.ForeignKey("property_service.Complaint", on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="enquiries",
                                  verbose_name=_("converted into complaint"))

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("hand_over_enquiry", _("Can hand enquiries over to a handler")),
            ("handle_enquiry", _("Can contact, answer, resolve and close enquiries")),
            ("convert_enquiry", _("Can convert enquiries into work orders or complaints")),
        ]
        indexes = [
            models.Index(fields=["received_at", "id"], name="enquiry_received_idx"),
            models.Index(fields=["state", "received_at", "id"], name="enquiry_state_rec_idx"),
            models.Index(fields=["chase_at"], name="enquiry_chase_at_idx"),
        ]

    def __str__(self):
        return self.number or str(_("new enquiry"))

    def clean(self):
        if self.unit_id and self.community_id and \
                self.unit.building.community_id != self.community_id:
            raise ValidationError({"unit": _("This unit is in another community.")})

    # django-fsm transitions: the graph is states.ACTIONS; the service checks who may fire them.
    @transition(field=state, source=ACTIONS["answer_at_desk"].sources,
                target=ACTIONS["answer_at_desk"].target)
    def answer_at_desk(self):
        pass

    @transition(field=state, source=ACTIONS["hand_over"].sources,
                target=ACTIONS["hand_over"].target)
    def hand_over(self):
        pass

    @transition(field=state, source=ACTIONS["contact"].sources,
                target=ACTIONS["contact"].target)
    def contact(self):
        pass

    @transition(field=state, source=ACTIONS["answer"].sources, target=ACTIONS["answer"].target)
    def answer_resident(self):
        pass

    @transition(field=state, source=ACTIONS["resolve"].sources,
                target=ACTIONS["resolve"].target)
    def resolve(self):
        pass

    @transition(field=state, source=ACTIONS["convert"].sources,
                target=ACTIONS["convert"].target)
    def convert(self):
        pass

    @transition(field=state, source=ACTIONS["close"].sources, target=ACTIONS["close"].target)
    def close(self):
        pass


class EnquiryEvent(Event):
    """The enquiry's timeline: every action, with who, when and why."""

    community_path = "enquiry__community"

    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="events",
                                verbose_name=_("enquiry"))
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, blank=True, choices=State.choices)

    class Meta(Event.Meta):
        verbose_name = _("enquiry event")
        verbose_name_plural = _("enquiry events")

    def __str__(self):
        return f"{self.enquiry} {self.action}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)
