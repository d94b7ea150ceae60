"""Holiday greetings and seasonal safety reminders (节日问候与安全提示): the templates (the
company's, and a community's own), the dates a community sets itself, and the drafts awaiting
the community's approval before they are published as notices."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..core.models import Event, TimeStampedModel
from . import occasions
from .states import State, event_label

MAX_LEAD_DAYS = 60
TEXT_FIELDS = ("title_zh", "body_zh", "title_en", "body_en")


class OccasionKind(models.TextChoices):
    HOLIDAY = "holiday", _("Statutory holiday")
    REMINDER = "reminder", _("Seasonal reminder")


class GreetingTemplate(TimeStampedModel):
    """The text of a greeting or reminder, in Chinese and English, with placeholders. The
    company's template (no community) serves every community that has none of its own with the
    same code."""

    community_path = "community"
    community_optional = True

    community = models.ForeignKey("property_service.Community", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="greeting_templates",
                                  verbose_name=_("community"),
                                  help_text=_("Empty: the company's template."))
    code = models.SlugField(_("code"), max_length=40)
    occasion = models.CharField(_("occasion"), max_length=16, choices=OccasionKind.choices)
    holiday_names = models.CharField(
        _("holidays greeted"), max_length=200, blank=True,
        help_text=_("The working calendar's names of the holidays it greets, separated by "
                    "commas (e.g. 春节, 除夕). Only the company's template counts."))
    lead_days = models.PositiveSmallIntegerField(
        _("drafted days ahead"), default=5, validators=[MaxValueValidator(MAX_LEAD_DAYS)])
    name_zh = models.CharField(_("occasion name (Chinese)"), max_length=50)
    name_en = models.CharField(_("occasion name (English)"), max_length=50, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    body_zh = models.TextField(_("text (Chinese)"))
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)

    class Meta:
        verbose_name = _("greeting template")
        verbose_name_plural = _("greeting templates")
        ordering = ["code", "community_id"]
        constraints = [
            models.UniqueConstraint(fields=["code", "community"],
                                    name="greeting_template_once_per_community",
                                    violation_error_message=_(
                                        "This community has a template of this code already.")),
            models.UniqueConstraint(fields=["code"], condition=models.Q(community__isnull=True),
                                    name="greeting_template_company_once",
                                    violation_error_message=_(
                                        "The company's template of this code exists already.")),
        ]

    def __str__(self):
        return f"{self.name_zh} · {self.community.name}" if self.community_id else self.name_zh

    def names(self) -> list[str]:
        return [n for n in (occasions.holiday_name(part) for part in
                            self.holiday_names.replace("，", ",").replace("、", ",").split(","))
                if n]

    def text(self, field: str, language: str) -> str:
        """``title`` or ``body`` in ``language``; Chinese where the English is missing."""
        if language.startswith("en"):
            return getattr(self, f"{field}_en") or getattr(self, f"{field}_zh")
        return getattr(self, f"{field}_zh")

    def occasion_name(self, language: str) -> str:
        return (self.name_en or self.name_zh) if language.startswith("en") else self.name_zh

    def clean(self):
        errors = {}
        for field in TEXT_FIELDS:
            try:
                occasions.check_text(getattr(self, field) or "")
            except (ValueError, IndexError) as error:
                errors[field] = _("Unknown placeholder “%(name)s”: use %(known)s.") % {
                    "name": error.args[0] if error.args else "{",
                    "known": ", ".join(f"{{{p}}}" for p in occasions.PLACEHOLDERS)}
        if self.occasion == OccasionKind.HOLIDAY and self.community_id is None \
                and not self.names():
            errors["holiday_names"] = _("Name the holidays this template greets.")
        if self.community_id and self.code and not GreetingTemplate.objects.filter(
                community__isnull=True, code=self.code).exists():
            errors["code"] = _("A community's template replaces a company template: use the "
                               "code of one.")
        if errors:
            raise ValidationError(errors)


class SeasonalReminder(TimeStampedModel):
    """A date a community sets itself, each year (the typhoon season, winter fire safety,
    summer water safety), with the template its reminder is drafted from."""

    community_path = "community"

    community = models.ForeignKey("property_service.Community", on_delete=models.CASCADE,
                                  related_name="seasonal_reminders", verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=60)
    template = models.ForeignKey(GreetingTemplate, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("template"),
                                 limit_choices_to={"occasion": OccasionKind.REMINDER,
                                                   "community__isnull": True})
    month = models.PositiveSmallIntegerField(
        _("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    day = models.PositiveSmallIntegerField(
        _("day"), validators=[MinValueValidator(1), MaxValueValidator(31)])
    lead_days = models.PositiveSmallIntegerField(
        _("drafted days ahead"), null=True, blank=True,
        validators=[MaxValueValidator(MAX_LEAD_DAYS)],
        help_text=_("Empty: as the template says."))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("seasonal reminder")
        verbose_name_plural = _("seasonal reminders")
        ordering = ["community_id", "month", "day"]

    def __str__(self):
        return f"{self.name} ({self.month}-{self.day})"

    def clean(self):
        if self.month and self.day:
            try:
                occasions.reminder_date(self.month, self.day, 2028)  # a leap year
            except ValueError:
                raise ValidationError({"day": _("This month has no such day.")}) from None
        if self.template_id and (self.template.occasion != OccasionKind.REMINDER
                                 or self.template.community_id is not None):
            raise ValidationError({"template": _("Choose a company template of a seasonal "
                                                 "reminder.")})


class ScheduledNotice(TimeStampedModel):
    """A greeting or reminder drafted for one community, once per occasion and year, waiting for
    its approval; approved, it is published as a notice (``notice``)."""

    community_path = "community"

    community = models.ForeignKey("property_service.Community", on_delete=models.CASCADE,
                                  related_name="scheduled_notices", verbose_name=_("community"))
    occasion_key = models.CharField(_("occasion"), max_length=60, editable=False)
    year = models.PositiveSmallIntegerField(_("year"))
    template = models.ForeignKey(GreetingTemplate, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("template"))
    reminder = models.ForeignKey(SeasonalReminder, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="drafts",
                                 verbose_name=_("seasonal reminder"))
    occasion_name = models.CharField(_("occasion"), max_length=100)
    starts_on = models.DateField(_("date"))
    ends_on = models.DateField(_("until"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices,
                             default=State.PENDING, db_index=True)
    notice = models.OneToOneField("property_service.Notice", on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="scheduled_from",
                                  verbose_name=_("notice"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)

    class Meta:
        verbose_name = _("scheduled notice")
        verbose_name_plural = _("scheduled notices")
        ordering = ["-starts_on", "-id"]
        permissions = [("approve_schedulednotice",
                        _("Can approve (publish) and reject scheduled notices"))]
        constraints = [
            # Exactly once per community, occasion and year: the daily job may run twice.
            models.UniqueConstraint(fields=["community", "occasion_key", "year"],
                                    name="scheduled_notice_once_per_occasion"),
        ]

    def __str__(self):
        return self.title


class ScheduledNoticeEvent(Event):
    """The draft's log: drafted, corrected, approved (published), rejected."""

    community_path = "scheduled_notice__community"

    scheduled_notice = models.ForeignKey(ScheduledNotice, on_delete=models.CASCADE,
                                         related_name="events",
                                         verbose_name=_("scheduled notice"))
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, blank=True, choices=State.choices)

    class Meta(Event.Meta):
        verbose_name = _("scheduled notice event")
        verbose_name_plural = _("scheduled notice events")

    def __str__(self):
        return f"{self.scheduled_notice} {self.action}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)
