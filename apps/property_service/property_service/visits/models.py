"""Follow-up visits (回访计划): the visits the plan's rules ask for (a new household's first
month, the quality visits after major works) and the ones staff add by hand."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ..core.models import Event, TimeStampedModel
from .rules import done_on_time


class Kind(models.TextChoices):
    FIRST_MONTH = "first_month", _("New resident, first month")
    MAJOR_WORKS = "major_works", _("Quality visit after major works")
    OTHER = "other", _("Other visit")


class State(models.TextChoices):
    PLANNED = "planned", _("Planned")  # to be done by its deadline
    DONE = "done", _("Done")  # visited: outcome and satisfaction recorded
    UNREACHABLE = "unreachable", _("Unreachable")  # tried, the resident could not be reached
    CANCELLED = "cancelled", _("Cancelled")  # no longer needed, with a reason


# Which state each action leads to, from where (only a planned visit moves).
TRANSITIONS = {
    "done": ((State.PLANNED,), State.DONE),
    "unreachable": ((State.PLANNED,), State.UNREACHABLE),
    "cancel": ((State.PLANNED,), State.CANCELLED),
}

# What each line of a visit's timeline says was done.
EVENT_LABELS = {
    "planned": _("Planned"),
    "assign": _("Assigned"),
    "done": _("Visited"),
    "unreachable": _("Resident unreachable"),
    "cancel": _("Cancelled"),
}

# ``rules.done_on_time`` as a query condition: the two are tested for agreement.
DONE_ON_TIME = Q(state=State.DONE, done_at__lte=F("due_at"))


class Visit(TimeStampedModel):
    """One follow-up visit of one household. The rules create each of theirs exactly once: a
    unique row per (kind, source record, step)."""

    community_path = "community"

    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="visits", verbose_name=_("community"))
    unit = models.ForeignKey("property_service.Unit", on_delete=models.PROTECT,
                             related_name="visits", verbose_name=_("unit"))
    resident = models.ForeignKey("property_service.Resident", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="visits",
                                 verbose_name=_("resident"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    occupancy = models.ForeignKey("property_service.Occupancy", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="visits",
                                  verbose_name=_("move-in"))
    work_order = models.ForeignKey("property_service.WorkOrder", on_delete=models.CASCADE,
                                   null=True, blank=True, related_name="visits",
                                   verbose_name=_("work order"))
    step = models.PositiveSmallIntegerField(_("visit of the rule"), default=1)
    planned_on = models.DateField(_("planned for"))
    due_at = models.DateTimeField(_("due by"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="visits_assigned",
                                 verbose_name=_("assigned to"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices,
                             default=State.PLANNED)
    outcome = models.TextField(_("outcome"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("done by"))
    # When the chasing job looks at the visit next (jobs.update_chase_at): its earliest
    # escalation step not yet taken; empty when none is left.
    chase_at = models.DateTimeField(_("chased next at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due_at", "id"]
        permissions = [
            ("record_visit", _("Can record the outcome of follow-up visits")),
            ("plan_visit", _("Can add, assign and cancel follow-up visits")),
        ]
        constraints = [
            # Exactly once per rule and source; rows of the other source leave theirs empty,
            # and empty values never collide.
            models.UniqueConstraint(fields=["kind", "occupancy", "step"],
                                    name="visit_once_per_move_in"),
            models.UniqueConstraint(fields=["kind", "work_order", "step"],
                                    name="visit_once_per_works_step"),
        ]
        indexes = [
            models.Index(fields=["state", "due_at", "id"], name="visit_state_due_idx"),
            models.Index(fields=["community", "due_at"], name="visit_community_due_idx"),
            models.Index(fields=["assignee", "state", "due_at"], name="visit_assignee_idx"),
            models.Index(fields=["chase_at"], name="visit_chase_at_idx"),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_kind_display()} · {self.planned_on}"

    @property
    def source(self):
        return self.occupancy or self.work_order

    @property
    def on_time(self) -> bool:
        return self.state == State.DONE and done_on_time(self.done_at, self.due_at)

    def clean(self):
        if self.unit_id and self.community_id and \
                self.unit.building.community_id != self.community_id:
            raise ValidationError({"unit": _("This unit is in another community.")})


class VisitEvent(Event):
    """The visit's timeline: planned, assigned, done, unreachable, cancelled."""

    community_path = "visit__community"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events",
                              verbose_name=_("follow-up visit"))
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, blank=True, choices=State.choices)

    class Meta(Event.Meta):
        verbose_name = _("follow-up visit event")
        verbose_name_plural = _("follow-up visit events")

    def __str__(self):
        return f"{self.visit} {self.action}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))
