"""Complaints (投诉): recorded, handed over, contacted, planned, resolved, followed up."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..core.files import stored_name, validate_attachment
from ..core.models import Event, TimeStampedModel
from ..workorders.models import Channel
from .states import ACTIONS, State, event_label


class Severity(models.TextChoices):
    GENERAL = "general", _("General")
    MAJOR = "major", _("Major")


class Category(models.TextChoices):
    REPAIRS = "repairs", _("Repairs")
    CLEANING = "cleaning", _("Cleaning")
    SECURITY = "security", _("Security")
    PARKING = "parking", _("Parking")
    NOISE = "noise", _("Noise / neighbours")
    FEES = "fees", _("Fees")
    STAFF_ATTITUDE = "staff_attitude", _("Staff attitude")
    OTHER = "other", _("Other")


class ComplaintStandard(TimeStampedModel):
    """The promises for one severity (DOMAIN.md): each deadline's budget, as data."""

    community_path = "community"
    community_optional = True

    community = models.ForeignKey("property_service.Community", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="complaint_standards",
                                  verbose_name=_("community"),
                                  help_text=_("Empty: the company standard."))
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    handover_minutes = models.PositiveIntegerField(_("hand over within (minutes)"))
    contact_minutes = models.PositiveIntegerField(_("contact within (minutes)"))
    plan_minutes = models.PositiveIntegerField(_("plan within (minutes)"))
    answer_minutes = models.PositiveIntegerField(_("answer within (minutes)"))
    resolve_working_days = models.PositiveIntegerField(_("resolve within (working days)"))
    follow_up_minutes = models.PositiveIntegerField(
        _("follow up within (minutes after resolution)"))
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warn at (percent of the time used)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)])
    manager_after_minutes = models.PositiveIntegerField(
        _("tell the manager after (minutes late)"), default=60)
    acknowledge_minutes = models.PositiveIntegerField(
        _("manager acknowledges within (minutes)"), null=True, blank=True,
        help_text=_("Major complaints: from the moment the complaint is major. Empty: no "
                    "deadline."))
    calendar = models.ForeignKey("property_service.WorkingCalendar", on_delete=models.PROTECT,
                                 verbose_name=_("working calendar"))

    class Meta:
        verbose_name = _("complaint standard")
        verbose_name_plural = _("complaint standards")
        ordering = ["community_id", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["community", "severity"],
                                    name="complaint_standard_once",
                                    violation_error_message=_(
                                        "This community already has a standard for this "
                                        "severity.")),
        ]

    def __str__(self):
        where = self.community.name if self.community_id else _("company standard")
        return f"{where}: {self.get_severity_display()}"


class Complaint(ConcurrentTransitionMixin, TimeStampedModel):
    community_path = "community"
    resident_path = "unit"
    # What intake fixed (where, what kind, how severe) stays; only these may be corrected.
    editable_after_intake = ("resident", "emotional", "content", "request", "staff_concerned")

    number = models.CharField(_("complaint number"), max_length=20, unique=True,
                              editable=False)
    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="complaints", verbose_name=_("community"))
    unit = models.ForeignKey("property_service.Unit", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="complaints", verbose_name=_("unit"))
    resident = models.ForeignKey("property_service.Resident", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="complaints",
                                 verbose_name=_("complainant"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.CharField(_("subject"), max_length=20, choices=Category.choices)
    content = models.TextField(_("content"))
    request = models.TextField(_("what the resident asks for"), blank=True)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices,
                                default=Severity.GENERAL)
    emotional = models.BooleanField(_("resident upset"), default=False)
    staff_concerned = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="+",
                                        verbose_name=_("staff member concerned"))
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.RECEIVED,
                     protected=True, db_index=True)
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="complaints_owned",
                                   verbose_name=_("supervisor"))
    plan = models.TextField(_("agreed plan"), blank=True)
    answer = models.TextField(_("answer to the resident"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    withdraw_reason = models.TextField(_("withdrawal reason"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    reopened_at = models.DateTimeField(
        _("last reopened at"), null=True, blank=True,
        help_text=_("The start of the current round: its deadlines run from here."))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    manager_acknowledged_at = models.DateTimeField(_("manager acknowledged at"), null=True,
                                                   blank=True)
    manager_acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL,
                                                on_delete=models.PROTECT, null=True,
                                                blank=True, related_name="+",
                                                verbose_name=_("acknowledged by"))

    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    handover_by = models.DateTimeField(_("hand over by"), null=True, blank=True)
    acknowledge_by = models.DateTimeField(_("manager to acknowledge by"), null=True,
                                          blank=True)
    contact_by = models.DateTimeField(_("contact by"), null=True, blank=True)
    plan_by = models.DateTimeField(_("plan by"), null=True, blank=True)
    answer_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    follow_up_by = models.DateTimeField(_("follow up by"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    plan_agreed_at = models.DateTimeField(_("plan agreed at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # When the chasing job looks at the complaint next (jobs.update_chase_at): its earliest
    # escalation step not yet taken; empty when none is left.
    chase_at = models.DateTimeField(_("chased next at"), null=True, blank=True, editable=False)

    work_orders = models.ManyToManyField("property_service.WorkOrder", blank=True,
                                         related_name="complaints",
                                         verbose_name=_("work orders"))
    earlier_complaints = models.ManyToManyField("self", symmetrical=False, blank=True,
                                                related_name="later_complaints",
                                                verbose_name=_("earlier complaints"))

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("assign_complaint", _("Can hand complaints over to a supervisor")),
            ("handle_complaint", _("Can contact, plan, answer and resolve complaints")),
            ("acknowledge_complaint", _("Can acknowledge major complaints")),
            ("follow_up_complaint", _("Can record complaint follow-ups")),
            ("withdraw_complaint", _("Can record a complaint's withdrawal")),
            ("raise_complaint", _("Can raise complaints to major")),
        ]
        indexes = [
            models.Index(fields=["community", "received_at"]),
            # The lists' order (newest first), alone and after a state: a page's ids are read
            # off these indexes without sorting the table.
            models.Index(fields=["received_at", "id"], name="complaint_received_idx"),
            models.Index(fields=["state", "received_at", "id"], name="complaint_state_rec_idx"),
            # The chasing job reads the complaints due now off this index only.
            models.Index(fields=["chase_at"], name="complaint_chase_at_idx"),
            # "Due within the hour": each deadline of deadlines.DEADLINES still to be met, by
            # its due time, so that the queue is a merge of seven short ranges
            # (deadlines.due_soon_q), not a pass over every open complaint.
            *(models.Index(fields=[done, due], name=f"complaint_{due}_idx") for done, due in (
                ("assigned_at", "handover_by"), ("manager_acknowledged_at", "acknowledge_by"),
                ("contacted_at", "contact_by"), ("plan_agreed_at", "plan_by"),
                ("answered_at", "answer_by"), ("resolved_at", "resolve_by"),
                ("followed_up_at", "follow_up_by"))),
            # Major complaints the manager has not acknowledged yet.
            models.Index(fields=["severity", "manager_acknowledged_at", "state"],
                         name="complaint_major_unack_idx"),
        ]

    def __str__(self):
        return self.number or str(_("new complaint"))

    @property
    def round_number(self) -> int:
        """The round under way: 1, and one more each time the resident was unhappy."""
        return self.reopen_count + 1

    @property
    def round_started_at(self):
        return self.reopened_at or self.received_at

    def clean(self):
        if self.unit_id and self.community_id and \
                self.unit.building.community_id != self.community_id:
            raise ValidationError({"unit": _("This unit is in another community.")})

    # django-fsm transitions: the graph is states.ACTIONS; the service checks who may fire them.
    @transition(field=state, source=ACTIONS["assign"].sources, target=ACTIONS["assign"].target)
    def assign(self):
        pass

    @transition(field=state, source=ACTIONS["contact"].sources,
                target=ACTIONS["contact"].target)
    def contact(self):
        pass

    @transition(field=state, source=ACTIONS["agree_plan"].sources,
                target=ACTIONS["agree_plan"].target)
    def agree_plan(self):
        pass

    @transition(field=state, source=ACTIONS["resolve"].sources,
                target=ACTIONS["resolve"].target)
    def resolve(self):
        pass

    @transition(field=state, source=ACTIONS["start_follow_up"].sources,
                target=ACTIONS["start_follow_up"].target)
    def start_follow_up(self):
        pass

    @transition(field=state, source=ACTIONS["close"].sources, target=ACTIONS["close"].target)
    def close(self):
        pass

    @transition(field=state, source=ACTIONS["reopen"].sources, target=ACTIONS["reopen"].target)
    def reopen(self):
        pass

    @transition(field=state, source=ACTIONS["withdraw"].sources,
                target=ACTIONS["withdraw"].target)
    def withdraw(self):
        pass


class ComplaintRound(models.Model):
    """An earlier round of a reopened complaint, kept as it ended: the deadlines of the round,
    when each was met, and its outcome (plan, answer, resolution, the follow-up score).

    The complaint's own fields hold the round under way; reopening copies them here first.
    """

    community_path = "complaint__community"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="rounds",
                                  verbose_name=_("complaint"))
    number = models.PositiveSmallIntegerField(_("round"))
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("reopened at"))
    contact_by = models.DateTimeField(_("contact by"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("contacted at"), null=True, blank=True)
    plan_by = models.DateTimeField(_("plan by"), null=True, blank=True)
    plan_agreed_at = models.DateTimeField(_("plan agreed at"), null=True, blank=True)
    answer_by = models.DateTimeField(_("answer by"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    follow_up_by = models.DateTimeField(_("follow up by"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    plan = models.TextField(_("agreed plan"), blank=True)
    answer = models.TextField(_("answer to the resident"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])

    class Meta:
        verbose_name = _("complaint round")
        verbose_name_plural = _("complaint rounds")
        ordering = ["complaint_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "number"], name="complaint_round_once"),
        ]

    def __str__(self):
        return f"{self.complaint} #{self.number}"


class ComplaintEvent(Event):
    """The complaint's timeline: every action, with who, when and why."""

    community_path = "complaint__community"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events",
                                  verbose_name=_("complaint"))
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, blank=True, choices=State.choices)

    class Meta(Event.Meta):
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")

    def __str__(self):
        return f"{self.complaint} {self.action}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)


def attachment_path(attachment, filename):
    return (f"complaints/{timezone.now():%Y/%m}/{attachment.complaint_id}/"
            f"{stored_name(attachment.file, filename)}")


class ComplaintAttachment(models.Model):
    """Evidence the resident or staff provide: photos or PDF documents."""

    community_path = "complaint__community"
    resident_path = "complaint__unit"

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE,
                                  related_name="attachments", verbose_name=_("complaint"))
    file = models.FileField(_("file"), upload_to=attachment_path,
                            validators=[validate_attachment])
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.file.name
