"""Community activities (社区活动): the activity, the households' sign-ups (with attendance) and
their feedback afterwards."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..core.language import in_language
from ..core.models import Event, TimeStampedModel
from .states import ACTIONS, State, event_label


class Channel(models.TextChoices):
    """Where a household's sign-up or feedback came from."""

    PORTAL = "portal", _("Residents' portal")
    DESK = "desk", _("At the desk")


class Activity(ConcurrentTransitionMixin, TimeStampedModel):
    """One activity of one community, with the places it offers (people) and how many of them
    one household may take."""

    community_path = "community"
    # What residents were shown stays as it was: only a planned activity is edited.
    editable_when_planned = ("title", "title_en", "description", "place", "starts_at",
                             "ends_at", "signup_opens_at", "signup_closes_at", "capacity",
                             "household_limit")
    locked_message = _("Only a planned activity can be changed; cancel a published one and "
                       "plan it again.")

    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="activities", verbose_name=_("community"))
    title = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    description = models.TextField(pgettext_lazy("activity", "description"), blank=True)
    place = models.CharField(_("place"), max_length=120)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    signup_opens_at = models.DateTimeField(_("sign-up opens at"), null=True, blank=True,
                                           help_text=_("Empty: when it is published."))
    signup_closes_at = models.DateTimeField(_("sign-up closes at"))
    capacity = models.PositiveIntegerField(_("places (people)"),
                                           validators=[MinValueValidator(1)])
    household_limit = models.PositiveSmallIntegerField(
        _("places per household"), validators=[MinValueValidator(1)])
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.PLANNED,
                     protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("planned by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("published by"))
    lead_time_override = models.TextField(
        _("published late, because"), blank=True,
        help_text=_("Why it was published with less than the planning lead time."))
    held_at = models.DateTimeField(_("held at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("activity", "closed at"), null=True,
                                     blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        verbose_name = _("community activity")
        verbose_name_plural = _("community activities")
        ordering = ["-starts_at", "-id"]
        permissions = [
            ("publish_activity", _("Can publish and cancel community activities")),
            ("organise_activity", _("Can run community activities: close the sign-up, take "
                                    "attendance, record feedback, mark held and close")),
        ]
        indexes = [models.Index(fields=["community", "starts_at"], name="activity_comm_start_idx")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The title in the active language."""
        return in_language(self.title, self.title_en)

    def editable_fields(self) -> tuple[str, ...]:
        return self.editable_when_planned if self.state == State.PLANNED else ()

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("An activity must end after it starts.")
        if self.signup_closes_at and self.starts_at and self.signup_closes_at > self.starts_at:
            errors["signup_closes_at"] = _("Sign-up must close before the activity starts.")
        if self.signup_opens_at and self.signup_closes_at and \
                self.signup_opens_at >= self.signup_closes_at:
            errors["signup_opens_at"] = _("Sign-up must open before it closes.")
        if self.capacity and self.household_limit and self.household_limit > self.capacity:
            errors["household_limit"] = _("A household cannot take more places than the "
                                          "activity has.")
        if errors:
            raise ValidationError(errors)

    # django-fsm transitions: the graph is states.ACTIONS; the service checks who may fire them.
    @transition(field=state, source=ACTIONS["publish"].sources, target=ACTIONS["publish"].target)
    def publish(self):
        pass

    @transition(field=state, source=ACTIONS["close_signup"].sources,
                target=ACTIONS["close_signup"].target)
    def close_signup(self):
        pass

    @transition(field=state, source=ACTIONS["mark_held"].sources,
                target=ACTIONS["mark_held"].target)
    def mark_held(self):
        pass

    @transition(field=state, source=ACTIONS["close"].sources, target=ACTIONS["close"].target)
    def close(self):
        pass

    @transition(field=state, source=ACTIONS["cancel"].sources, target=ACTIONS["cancel"].target)
    def cancel(self):
        pass


class ActivityEvent(Event):
    """The activity's timeline: planned, published, each sign-up and its cancellation,
    attendance, feedback, held, closed."""

    community_path = "activity__community"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="events",
                                 verbose_name=_("community activity"))
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, blank=True, choices=State.choices)

    class Meta(Event.Meta):
        verbose_name = _("community activity event")
        verbose_name_plural = _("community activity events")

    def __str__(self):
        return f"{self.activity} {self.action}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)


class ActivitySignup(TimeStampedModel):
    """A household's (a unit's) places at an activity: at most one row per household and
    activity (a cancelled sign-up is taken up again, never doubled)."""

    community_path = "activity__community"
    resident_path = "unit"

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")  # holds its places
        WAITLISTED = "waitlisted", _("On the waiting list")  # moves up when places free up
        CANCELLED = "cancelled", _("Cancelled")  # gave its places back

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Not yet taken")
        ATTENDED = "attended", _("Attended")
        NO_SHOW = "no_show", _("Did not come")

    Channel = Channel

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups",
                                 verbose_name=_("community activity"))
    unit = models.ForeignKey("property_service.Unit", on_delete=models.PROTECT,
                             related_name="activity_signups", verbose_name=_("household (unit)"))
    resident = models.ForeignKey("property_service.Resident", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="activity_signups",
                                 verbose_name=_("resident"))
    people = models.PositiveSmallIntegerField(_("people"), validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.CONFIRMED)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices,
                               default=Channel.DESK)
    walk_in = models.BooleanField(_("walk-in"), default=False,
                                  help_text=_("Came without signing up."))
    attendance = models.CharField(_("attendance"), max_length=16, choices=Attendance.choices,
                                  blank=True, default=Attendance.UNKNOWN)
    attended_people = models.PositiveSmallIntegerField(_("people who came"), null=True,
                                                       blank=True)
    signed_up_at = models.DateTimeField(_("signed up at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("activity sign-up")
        verbose_name_plural = _("activity sign-ups")
        ordering = ["activity", "signed_up_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "unit"],
                                    name="activity_signup_once_per_household",
                                    violation_error_message=_(
                                        "This household has signed up for this activity "
                                        "already.")),
        ]

    def __str__(self):
        return f"{self.activity} · {self.unit}"


class ActivityFeedback(TimeStampedModel):
    """What a household that came thought of the activity: once per household (its sign-up)."""

    community_path = "signup__activity__community"
    resident_path = "signup__unit"

    Channel = Channel

    signup = models.OneToOneField(ActivitySignup, on_delete=models.CASCADE,
                                  related_name="feedback", verbose_name=_("activity sign-up"))
    rating = models.PositiveSmallIntegerField(
        _("rating (0-10)"), validators=[MinValueValidator(0), MaxValueValidator(10)])
    satisfied = models.BooleanField(_("satisfied"))
    comment = models.TextField(_("comment"), blank=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices,
                               default=Channel.DESK)
    given_at = models.DateTimeField(_("given at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("activity feedback")
        verbose_name_plural = _("activity feedback")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__lte=10),
                                   name="activity_feedback_rating_0_10"),
        ]

    def __str__(self):
        return f"{self.signup} · {self.rating}/10"
