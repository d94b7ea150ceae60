from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TimeStampedModel(models.Model):
    """Base of every domain model: timestamps and an audit history (who changed what, when)."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class Event(models.Model):
    """One line of a record's timeline: what was done (``action``), from which state to which,
    by whom, when and why. Each domain's event model adds the link to its record (and the
    choices of its states)."""

    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(_("from"), max_length=16, blank=True)
    to_state = models.CharField(_("to"), max_length=16, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                           blank=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


class PersonalDataAccess(models.Model):
    """One row each time a user was shown a resident's personal data unmasked, and each time a
    user who may not see it looked residents up by a full phone or ID number (what was looked
    up is kept masked; ``resident`` is empty when nobody matched)."""

    community_path = "resident__community"

    class Channel(models.TextChoices):
        ADMIN = "admin", _("Back office")
        API = "api", _("API")
        EXPORT = "export", _("Export")
        IMPORT = "import", _("Import")
        FIELD = "field", _("Field app")

    class Kind(models.TextChoices):
        SHOWN = "shown", _("Shown unmasked")
        LOOKUP = "lookup", _("Looked up by a full number")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("user"),
        related_name="+",
    )
    resident = models.ForeignKey(
        "property_service.Resident", on_delete=models.CASCADE, verbose_name=_("resident"),
        related_name="personal_data_accesses", null=True, blank=True,
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.SHOWN)
    looked_up = models.CharField(_("looked up"), max_length=40, blank=True)
    accessed_at = models.DateTimeField(_("accessed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-accessed_at", "-id"]

    def __str__(self):
        return f"{self.user} → {self.resident or self.looked_up} ({self.get_channel_display()})"


class WorkingCalendar(TimeStampedModel):
    """Working days and hours (工作日历): what "5 working days" means. Weekdays are working days
    unless a calendar day says otherwise (public holidays, and the weekend make-up days, 调休)."""

    # Shared by every community's deadlines: changed only by staff who see every community.
    company_wide = True

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=50)
    workday_start = models.TimeField(_("working day starts"), default="09:00")
    workday_end = models.TimeField(_("working day ends"), default="18:00")
    weekdays = models.CharField(
        _("working weekdays"), max_length=7, default="12345",
        help_text=_("ISO weekday numbers, Monday = 1: 12345 is Monday to Friday."),
    )
    is_default = models.BooleanField(_("default calendar"), default=False)

    class Meta:
        verbose_name = _("working calendar")
        verbose_name_plural = _("working calendars")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.workday_end <= self.workday_start:
            raise ValidationError({"workday_end": _("The working day must end after it starts.")})
        if not self.weekdays or any(c not in "1234567" for c in self.weekdays):
            raise ValidationError({"weekdays": _("Use the digits 1 to 7, e.g. 12345.")})


class CalendarDay(TimeStampedModel):
    """An exception to a calendar's weekdays: a holiday on a weekday, or a working weekend day."""

    company_wide = True

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="days",
                                 verbose_name=_("calendar"))
    date = models.DateField(_("date"))
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_unique",
                                    violation_error_message=_(
                                        "This calendar already has an entry for this date.")),
        ]

    def __str__(self):
        return f"{self.date} {self.name}"


class CalendarYear(TimeStampedModel):
    """One year a calendar holds, and where its days come from: the State Council's notice
    (official), or an estimate until the notice is entered (provisional)."""

    calendar = models.ForeignKey(WorkingCalendar, on_delete=models.CASCADE, related_name="years",
                                 verbose_name=_("calendar"))
    year = models.PositiveSmallIntegerField(_("year"))
    provisional = models.BooleanField(
        _("provisional"), default=True,
        help_text=_("Estimated: the official holiday notice for this year is not entered yet."))
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["calendar", "year"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "year"], name="calendar_year_unique",
                                    violation_error_message=_(
                                        "This calendar already holds this year.")),
        ]

    def __str__(self):
        return f"{self.year}"

    def source_label(self) -> str:
        from .workcalendar import ESTIMATE_SOURCE

        if self.source == ESTIMATE_SOURCE:
            return _("Estimated from the statutory holidays; the official notice is not entered "
                     "yet.")
        return self.source

    source_label.short_description = _("source")


class Notification(models.Model):
    """One in-app message to one user (the bell), also sent by email. ``dedupe_key`` makes a
    notification exactly-once: the same key for the same user is never stored twice."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        URGENT_ORDER = "urgent_order", _("New urgent order")
        SLA_WARNING = "sla_warning", _("Deadline approaching")
        SLA_BREACH = "sla_breach", _("Deadline missed")
        SLA_ESCALATED = "sla_escalated", _("Missed deadline escalated")
        UNCLAIMED = "unclaimed", _("Nobody took the order")
        FOLLOWUP_DUE = "followup_due", _("Follow-up call due")
        REPEAT_REPORT = "repeat_report", _("Repeated report")
        COMPLAINT_ESCALATED = "complaint_escalated", _("Complaint escalated")
        RENEWAL_DUE = "renewal_due", _("Renewal due")
        EXPIRED = "expired", _("Expired without renewal")
        INCIDENT = "incident", _("Incident")
        MANAGEMENT_REPORT = "management_report", _("Monthly management report")
        NOTICE_APPROVAL = "notice_approval", _("Notice awaiting approval")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications", verbose_name=_("user"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    message = models.TextField(_("message"))
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE,
                                    null=True, blank=True, verbose_name=_("about"))
    target_id = models.PositiveBigIntegerField(_("about id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"],
                                    name="notification_once_per_user_and_key"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.message[:60]

    @property
    def read(self) -> bool:
        return self.read_at is not None


class EscalationStep(models.Model):
    """One step of an escalation ladder, taken for one deadline of one record (a work order, a
    complaint...). The unique constraint is what makes each step happen exactly once, however
    often and however late the chasing job runs; a new deadline starts a new ladder."""

    class Step(models.TextChoices):
        WARNING = "warning", _("Warning to the person responsible")
        BREACH = "breach", _("Breach: supervisor told")
        MANAGER = "manager", _("Aged breach: manager told")

    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE,
                                    verbose_name=_("about"))
    target_id = models.PositiveBigIntegerField(_("about id"))
    clock = models.CharField(_("deadline"), max_length=32)
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    deadline = models.DateTimeField(_("due at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The job run that took the step: set-based jobs insert many steps at once, skipping those
    # taken before, and then read back which ones are theirs to notify about.
    run = models.CharField(_("run"), max_length=32, blank=True, db_index=True)

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        # The breaches taken since a moment: the deadlines passed then (the home figures'
        # refresh, ``workspace.series.communities_due``).
        indexes = [models.Index(fields=["step", "created_at"], name="escalation_step_taken_idx")]
        constraints = [
            models.UniqueConstraint(fields=["target_type", "target_id", "clock", "step",
                                            "deadline"], name="escalation_step_once"),
        ]

    def __str__(self):
        return f"{self.target_type_id}:{self.target_id} {self.clock} {self.step}"


class NumberSequence(models.Model):
    """The last number used per prefix and month (``WO-202611``); see core.numbering."""

    key = models.CharField(max_length=20, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self):
        return f"{self.key}: {self.last}"


class JobRun(models.Model):
    """When the last complete run of a periodic job began, and the rules it went by: a later
    run looks only at what was written since (``core.since``). Kept with the data, so that a
    database restored or generated afresh carries the mark that goes with its rows (or none)."""

    job = models.CharField(_("job"), max_length=100, unique=True)
    began = models.DateTimeField(_("began"))
    depends_on = models.TextField(_("rules"), blank=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")

    def __str__(self):
        return f"{self.job}: {self.began:%Y-%m-%d %H:%M}"
