"""Repair work orders (报修 → 派单 → 维修 → 验收 → 回访), their teams, categories and SLA data."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..core.files import stored_name, validate_photo
from ..core.language import in_language
from ..core.models import Event, TimeStampedModel
from .states import ACTIONS, State, event_label


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")  # water leak, power cut
    IMPORTANT = "important", _("Important")  # elevator fault, door access down
    NORMAL = "normal", _("Normal")  # lamp, small fixes
    SCHEDULED = "scheduled", _("Scheduled")  # non-urgent appointments


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    APP = "app", _("App / WeChat")
    PATROL = "patrol", _("Patrol")


class Team(TimeStampedModel):
    """A team that does the work (maintenance, cleaning, security...), and how it gets orders."""

    community_path = "community"
    # A team without a community serves all communities: visible to everyone in scope.
    community_optional = True

    class Kind(models.TextChoices):
        MAINTENANCE = "maintenance", _("Maintenance")
        CLEANING = "cleaning", _("Cleaning")
        SECURITY = "security", _("Security")
        OTHER = "other", _("Other")

    class DispatchMode(models.TextChoices):
        DIRECT = "direct", _("Direct assignment by the agent")
        POOL = "pool", _("Team pool: a technician takes it (抢单)")
        ROUND_ROBIN = "round_robin", _("Round robin among members on duty")

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="teams",
                                  verbose_name=_("community"),
                                  help_text=_("Empty: the team serves every community."))
    dispatch_mode = models.CharField(_("dispatch mode"), max_length=16,
                                     choices=DispatchMode.choices, default=DispatchMode.DIRECT)
    take_within_minutes = models.PositiveIntegerField(
        _("take within (minutes)"), default=15,
        help_text=_("A pooled order nobody takes within this time is escalated."))
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="TeamMember",
                                     related_name="teams", verbose_name=_("members"))

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language."""
        return in_language(self.name, self.name_en)


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("team"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="team_memberships", verbose_name=_("user"))
    on_duty = models.BooleanField(_("on duty"), default=True)
    is_lead = models.BooleanField(_("team lead"), default=False,
                                  help_text=_("Told when one of the team's orders is late."))
    last_assigned_at = models.DateTimeField(_("last assigned at"), null=True, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_once")]

    def __str__(self):
        from ..core.display import display_name

        return f"{display_name(self.user)} @ {self.team}"

    def clean(self):
        from ..access.scoping import works_for_community

        # A community's team takes that community's orders: its members must work for it.
        if self.team_id and self.user_id and self.team.community_id is not None and \
                not works_for_community(self.user, self.team.community_id):
            raise ValidationError({"user": _("This person does not work for the team's "
                                             "community.")})


class WorkOrderCategory(TimeStampedModel):
    """What is broken (water, electrical, elevator...): routes intake to a team and priority."""

    # One list for the whole company: changed only by staff who see every community.
    company_wide = True

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=50, blank=True)
    default_team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="categories", verbose_name=_("default team"))
    default_priority = models.CharField(_("default priority"), max_length=16,
                                        choices=Priority.choices, default=Priority.NORMAL)
    is_active = models.BooleanField(_("active"), default=True)
    major_works = models.BooleanField(
        _("major works"), default=False,
        help_text=_("Completed orders of this category get the quality visits of the follow-up "
                    "plan."))

    class Meta:
        verbose_name = _("work order category")
        verbose_name_plural = _("work order categories")
        ordering = ["code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language."""
        return in_language(self.name, self.name_en)


class SlaPolicy(TimeStampedModel):
    """Time standards (维修时效标准) for one priority, company-wide or for one community."""

    community_path = "community"
    community_optional = True

    class Unit(models.TextChoices):
        MINUTES = "minutes", _("minutes, round the clock")
        WORKING_MINUTES = "working_minutes", _("minutes of working hours")
        WORKING_DAYS = "working_days", _("working days")

    community = models.ForeignKey("property_service.Community", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="sla_policies",
                                  verbose_name=_("community"),
                                  help_text=_("Empty: the company standard."))
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    respond_within = models.PositiveIntegerField(_("respond within"))
    respond_unit = models.CharField(_("respond unit"), max_length=16, choices=Unit.choices,
                                    default=Unit.MINUTES)
    complete_within = models.PositiveIntegerField(_("complete within"))
    complete_unit = models.CharField(_("complete unit"), max_length=16, choices=Unit.choices,
                                     default=Unit.MINUTES)
    calendar = models.ForeignKey("property_service.WorkingCalendar", on_delete=models.PROTECT,
                                 verbose_name=_("working calendar"),
                                 help_text=_("Used by clocks counted in working time."))
    warn_at_percent = models.PositiveSmallIntegerField(
        _("warn at (percent of the time used)"), default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)])
    manager_after_minutes = models.PositiveIntegerField(
        _("tell the manager after (minutes late)"), default=60)
    follow_up_due_hours = models.PositiveIntegerField(
        _("follow-up call due (hours after completion)"),
        help_text=_("The agents are reminded to call the resident back (回访)."))
    follow_up_overdue_hours = models.PositiveIntegerField(
        _("follow-up call overdue (hours after completion)"),
        help_text=_("Not called back by then: the supervisors, and later the managers, are "
                    "told."))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["community_id", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["community", "priority"],
                                    name="sla_policy_once_per_community_and_priority",
                                    violation_error_message=_(
                                        "This community already has a policy for this priority.")),
        ]

    def clean(self):
        if None not in (self.follow_up_due_hours, self.follow_up_overdue_hours) and \
                self.follow_up_overdue_hours <= self.follow_up_due_hours:
            raise ValidationError({"follow_up_overdue_hours": _(
                "A follow-up call is overdue only after it is due.")})

    def __str__(self):
        where = self.community.name if self.community_id else _("company standard")
        return f"{where}: {self.get_priority_display()}"


def photo_path(photo, filename):
    return (f"work_orders/{timezone.now():%Y/%m}/{photo.work_order_id}/"
            f"{stored_name(photo.image, filename)}")


class WorkOrder(ConcurrentTransitionMixin, TimeStampedModel):
    """One repair request. Its state changes only through ``services.transition_work_order``."""

    community_path = "community"
    resident_path = "unit"
    # What intake fixed (where, what, how urgent) stays; only these may be corrected by hand.
    # The priority changes through its own action, which recomputes the deadlines.
    editable_after_intake = ("location", "resident", "description", "appointment_at",
                             "parts_note")

    number = models.CharField(_("order number"), max_length=20, unique=True, editable=False)
    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="work_orders", verbose_name=_("community"))
    unit = models.ForeignKey("property_service.Unit", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="work_orders", verbose_name=_("unit"))
    location = models.CharField(_("public location"), max_length=100, blank=True,
                                help_text=_("Where, when it is not a unit: e.g. 3栋大堂电梯."))
    resident = models.ForeignKey("property_service.Resident", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="work_orders",
                                 verbose_name=_("reported by"))
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(WorkOrderCategory, on_delete=models.PROTECT,
                                 related_name="work_orders", verbose_name=_("category"))
    priority = models.CharField(_("priority"), max_length=16, choices=Priority.choices)
    description = models.TextField(_("description"))
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.NEW,
                     protected=True, db_index=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="work_orders", verbose_name=_("team"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="assigned_work_orders",
                                 verbose_name=_("technician"))
    appointment_at = models.DateTimeField(_("appointment"), null=True, blank=True)
    parts_note = models.TextField(_("parts and materials"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    resident_comment = models.TextField(_("resident's comment"), blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)

    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True, db_index=True)
    complete_by = models.DateTimeField(_("complete by"), null=True, blank=True, db_index=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Rework starts a new completion clock; the first completion stays on the record.
    first_completed_at = models.DateTimeField(_("first completed at"), null=True, blank=True)
    rework_started_at = models.DateTimeField(
        _("rework started at"), null=True, blank=True,
        help_text=_("The completion clock of the rework counts from here."))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    paused_at = models.DateTimeField(_("clock paused at"), null=True, blank=True)
    # When the chasing job looks at the order next (jobs.update_chase_at): its earliest
    # escalation step not yet taken; empty when none is left.
    chase_at = models.DateTimeField(_("chased next at"), null=True, blank=True, editable=False)

    is_repeat = models.BooleanField(_("repeated report"), default=False)
    earlier_reports = models.ManyToManyField("self", symmetrical=False, blank=True,
                                             related_name="later_reports",
                                             verbose_name=_("earlier reports"))

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-reported_at", "-id"]
        permissions = [
            ("dispatch_workorder", _("Can dispatch work orders and record acceptance")),
            ("work_workorder", _("Can take, accept, start and complete own work orders")),
            ("follow_up_workorder", _("Can record follow-up calls")),
            ("cancel_workorder", _("Can cancel work orders")),
            ("pause_workorder", _("Can pause and resume the SLA clock")),
            ("view_all_workorders", _("Can see every work order of their communities")),
            ("prioritise_workorder", _("Can change a work order's priority after intake")),
            ("export_workorder", _("Can export the work order register")),
            ("call_resident_workorder", _("Can reveal the phone number of the resident of "
                                          "their own orders, to call them")),
        ]
        indexes = [
            models.Index(fields=["unit", "category", "reported_at"]),
            # The lists' order (newest first), alone and after their usual filters: a page's
            # ids are read off these indexes without sorting the table.
            models.Index(fields=["reported_at", "id"], name="workorder_reported_idx"),
            models.Index(fields=["community", "reported_at", "id"],
                         name="workorder_community_rep_idx"),
            models.Index(fields=["state", "reported_at", "id"], name="workorder_state_rep_idx"),
            # The list filters on a column of few values: their rows in the list's order, and
            # the date drill-down's probes within them, read off an index of their own.
            models.Index(fields=["is_repeat", "reported_at", "id"],
                         name="workorder_repeat_rep_idx"),
            models.Index(fields=["category", "reported_at", "id"],
                         name="workorder_category_rep_idx"),
            # The same filters for a user of some communities (their list's first condition).
            models.Index(fields=["community", "category", "reported_at", "id"],
                         name="workorder_comm_category_idx"),
            models.Index(fields=["community", "is_repeat", "reported_at", "id"],
                         name="workorder_comm_repeat_idx"),
            models.Index(fields=["community", "team", "reported_at", "id"],
                         name="workorder_comm_team_idx"),
            # The major works completed lately, whose follow-up visits are planned daily.
            models.Index(fields=["category", "completed_at"], name="workorder_category_done_idx"),
            models.Index(fields=["community", "state", "reported_at"],
                         name="workorder_community_state_idx"),
            # "My and my teams' open orders": a person's or a team's open orders are found
            # among their own, not among every order they ever had.
            models.Index(fields=["assignee", "state", "reported_at"],
                         name="workorder_assignee_state_idx"),
            models.Index(fields=["team", "state", "reported_at"], name="workorder_team_state_idx"),
            # The home page's open orders per priority, each count read off its own range.
            models.Index(fields=["priority", "state"], name="workorder_priority_state_idx"),
            # The few orders whose clock is paused, without walking the rest.
            models.Index(fields=["paused_at"], name="workorder_paused_idx"),
            # The chasing job reads the orders due now off this index, and nothing else.
            models.Index(fields=["chase_at"], name="workorder_chase_at_idx"),
        ]

    def __str__(self):
        return self.number or str(_("new work order"))

    @classmethod
    def restrict_rows(cls, queryset, user):
        """Technicians (without ``view_all_workorders``) see the orders assigned to them and
        those of their teams, nothing else."""
        if not user.is_authenticated:
            return queryset.none()
        if cls.sees_every_row(user):
            return queryset
        teams = TeamMember.objects.filter(user=user).values("team_id")
        return queryset.filter(models.Q(assignee=user) | models.Q(team__in=teams))

    @staticmethod
    def sees_every_row(user) -> bool:
        return user.is_authenticated and user.has_perm("property_service.view_all_workorders")

    @classmethod
    def restrict_related(cls, queryset, user):
        """``restrict_rows`` of rows that belong to an order (its ``work_order``): those of the
        orders the user sees; all of them, without a lookup of the orders, for whoever sees
        every order."""
        if cls.sees_every_row(user):
            return queryset
        return queryset.filter(work_order__in=cls.restrict_rows(cls.objects.all(), user))

    def clean(self):
        if not self.unit_id and not self.location:
            raise ValidationError(_("Give the unit or, for a public area, the location."))
        if self.unit_id and self.community_id and self.unit.building.community_id != \
                self.community_id:
            raise ValidationError({"unit": _("This unit is in another community.")})
        if self.team_id and self.team.community_id not in (None, self.community_id):
            raise ValidationError({"team": _("This team works for another community.")})

    # django-fsm transitions: the graph comes from states.ACTIONS; each only changes fields.
    # Who may fire them is checked by the service (states.may_fire).
    @transition(field=state, source=ACTIONS["dispatch"].sources, target=ACTIONS["dispatch"].target)
    def dispatch(self):
        pass

    @transition(field=state, source=ACTIONS["take"].sources, target=ACTIONS["take"].target)
    def take(self):
        pass

    @transition(field=state, source=ACTIONS["accept"].sources, target=ACTIONS["accept"].target)
    def accept(self):
        pass

    @transition(field=state, source=ACTIONS["start"].sources, target=ACTIONS["start"].target)
    def start(self):
        pass

    @transition(field=state, source=ACTIONS["complete"].sources,
                target=ACTIONS["complete"].target)
    def complete(self):
        pass

    @transition(field=state, source=ACTIONS["pass_acceptance"].sources,
                target=ACTIONS["pass_acceptance"].target)
    def pass_acceptance(self):
        pass

    @transition(field=state, source=ACTIONS["fail_acceptance"].sources,
                target=ACTIONS["fail_acceptance"].target)
    def fail_acceptance(self):
        pass

    @transition(field=state, source=ACTIONS["close"].sources, target=ACTIONS["close"].target)
    def close(self):
        pass

    @transition(field=state, source=ACTIONS["reopen"].sources, target=ACTIONS["reopen"].target)
    def reopen(self):
        pass

    @transition(field=state, source=ACTIONS["cancel"].sources, target=ACTIONS["cancel"].target)
    def cancel(self):
        pass


class WorkOrderEvent(Event):
    """The timeline: every transition and clock change, with who, when and why."""

    community_path = "work_order__community"

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="events",
                                   verbose_name=_("work order"))
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, blank=True, choices=State.choices)

    class Meta(Event.Meta):
        verbose_name = _("work order event")
        verbose_name_plural = _("work order events")

    def __str__(self):
        return f"{self.work_order} {self.action}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)

    @classmethod
    def restrict_rows(cls, queryset, user):
        return WorkOrder.restrict_related(queryset, user)


class SlaPause(models.Model):
    """The SLA clocks stand still while the order waits on the resident (who and why, both ends)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="pauses",
                                   verbose_name=_("work order"))
    paused_at = models.DateTimeField(_("paused at"))
    paused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("paused by"))
    reason = models.TextField(_("reason"))
    resumed_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    resumed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="+", verbose_name=_("resumed by"))
    resume_note = models.TextField(_("resume note"), blank=True)

    class Meta:
        verbose_name = _("SLA pause")
        verbose_name_plural = _("SLA pauses")
        ordering = ["paused_at"]

    def __str__(self):
        return f"{self.work_order} {self.paused_at:%Y-%m-%d %H:%M}"


class FollowUp(TimeStampedModel):
    """The follow-up call (回访) after the resident accepted the repair.

    Its community is its order's (an order's community never changes), kept on the row so that
    a community's pending calls are found by index, not through the orders."""

    community_path = "community"

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        UNREACHABLE = "unreachable", _("Unreachable")

    class Result(models.TextChoices):
        FIXED = "fixed", _("Fixed")
        NOT_FIXED = "not_fixed", _("Not fixed")

    MAX_ATTEMPTS = 3

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="follow_ups",
                                   verbose_name=_("work order"))
    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="+", editable=False, verbose_name=_("community"))
    due_at = models.DateTimeField(_("due at"), db_index=True)
    overdue_at = models.DateTimeField(_("overdue at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(_("unanswered calls"), default=0)
    result = models.CharField(_("result"), max_length=16, choices=Result.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+", verbose_name=_("called by"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at"]
        indexes = [
            # A community's pending calls: due today, this month, late (the visit plan, the
            # home page's cards).
            models.Index(fields=["community", "status", "due_at"],
                         name="followup_comm_status_due_idx"),
            models.Index(fields=["community", "status", "overdue_at"],
                         name="followup_comm_overdue_idx"),
        ]

    def __str__(self):
        return f"{self.work_order} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self.community_id is None:
            self.community_id = self.work_order.community_id
        super().save(*args, **kwargs)

    @classmethod
    def restrict_rows(cls, queryset, user):
        return WorkOrder.restrict_related(queryset, user)


class WorkOrderPhoto(models.Model):
    community_path = "work_order__community"
    resident_path = "work_order__unit"

    class Kind(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")
        # The resident's signature on completion (验收签字), drawn on the technician's phone.
        SIGNATURE = "signature", _("Resident's signature")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="photos",
                                   verbose_name=_("work order"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BEFORE)
    image = models.FileField(_("photo"), upload_to=photo_path, validators=[validate_photo])
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self):
        return self.image.name

    @classmethod
    def restrict_rows(cls, queryset, user):
        return WorkOrder.restrict_related(queryset, user)


class WorkOrderPart(models.Model):
    """A part or material used on the order, as the technician recorded it on site."""

    community_path = "work_order__community"

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="parts",
                                   verbose_name=_("work order"))
    name = models.CharField(_("part or material"), max_length=100)
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(999)])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("part used")
        verbose_name_plural = _("parts used")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"{self.name} × {self.quantity}"

    @classmethod
    def restrict_rows(cls, queryset, user):
        return WorkOrder.restrict_related(queryset, user)
