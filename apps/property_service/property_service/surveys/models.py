"""Satisfaction surveys (满意度调查): questionnaires over every service dimension, a campaign per
community and quarter sent to every household, and the households' answers."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from ..core.language import in_language
from ..core.models import Event, TimeStampedModel
from .quarters import parse_quarter
from .states import ACTIONS, State, event_label


class Dimension(models.TextChoices):
    """The service dimensions a questionnaire covers (服务维度)."""

    CUSTOMER_SERVICE = "customer_service", pgettext_lazy("service dimension",
                                                          "Customer service")
    MAINTENANCE = "maintenance", pgettext_lazy("service dimension", "Repairs and maintenance")
    SECURITY = "security", pgettext_lazy("service dimension", "Order and security")
    CLEANING = "cleaning", pgettext_lazy("service dimension", "Cleaning and environment")
    GREENING = "greening", pgettext_lazy("service dimension", "Landscaping")
    ACTIVITIES = "activities", pgettext_lazy("service dimension", "Community activities")


class QuestionKind(models.TextChoices):
    SCALE_5 = "scale_5", _("Scale 1 to 5")
    SCALE_10 = "scale_10", _("Scale 0 to 10")
    CHOICE = "choice", _("Single choice")
    TEXT = "text", _("Free text")


# The values a scale question takes, inclusive.
SCALE_RANGES = {QuestionKind.SCALE_5: (1, 5), QuestionKind.SCALE_10: (0, 10)}


class ResponseChannel(models.TextChoices):
    PORTAL = "portal", _("Residents' portal")
    PHONE = "phone", _("Phone")
    PAPER = "paper", _("Paper form")
    VISIT = "visit", _("In person")


# What staff may record by hand (the portal's answers come from the residents themselves).
STAFF_CHANNELS = (ResponseChannel.PHONE, ResponseChannel.PAPER, ResponseChannel.VISIT)
STAFF_CHANNEL_CHOICES = [(c.value, c.label) for c in STAFF_CHANNELS]


class Questionnaire(TimeStampedModel):
    """A questionnaire (调查问卷): ordered questions, each about one service dimension. One
    list for the whole company; fixed once a survey using it has answers."""

    company_wide = True

    code = models.SlugField(_("code"), max_length=30, unique=True)
    title = models.CharField(_("title (Chinese)"), max_length=100)
    title_en = models.CharField(_("title (English)"), max_length=100, blank=True)
    introduction = models.TextField(_("introduction (Chinese)"), blank=True)
    introduction_en = models.TextField(_("introduction (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["code"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.title, self.title_en)

    @property
    def intro(self) -> str:
        return in_language(self.introduction, self.introduction_en)

    def is_fixed(self) -> bool:
        """Answers were given to it: its questions can no longer change (``fixed_q`` is the
        same rule as a query condition)."""
        return SurveyResponse.objects.filter(survey__questionnaire=self).exists()


def fixed_q():
    """``Questionnaire.is_fixed`` as a condition on questionnaires."""
    return models.Q(Exists(SurveyResponse.objects.filter(survey__questionnaire=OuterRef("pk"))))


class Question(models.Model):
    company_wide = True

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE,
                                      related_name="questions",
                                      verbose_name=_("questionnaire"))
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    dimension = models.CharField(_("service dimension"), max_length=20,
                                 choices=Dimension.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question (Chinese)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["questionnaire", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "position"],
                                    name="survey_question_position_once",
                                    violation_error_message=_(
                                        "Another question of this questionnaire has this "
                                        "place.")),
        ]

    def __str__(self):
        return f"{self.position}. {self.label}"

    @property
    def label(self) -> str:
        return in_language(self.text, self.text_en)

    @property
    def scale(self) -> tuple[int, int] | None:
        return SCALE_RANGES.get(self.kind)


class QuestionOption(models.Model):
    """One answer of a single-choice question, with the score it stands for (0 to 100), or
    none (an answer that says nothing about satisfaction)."""

    company_wide = True

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options",
                                 verbose_name=_("question"))
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    label_zh = models.CharField(_("answer (Chinese)"), max_length=200)
    label_en = models.CharField(_("answer (English)"), max_length=200, blank=True)
    score = models.PositiveSmallIntegerField(
        _("score (0-100)"), null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Empty: the answer does not count in the scores."))

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "position", "id"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return in_language(self.label_zh, self.label_en)


class Survey(ConcurrentTransitionMixin, TimeStampedModel):
    """A survey campaign: one questionnaire, one community, one quarter. Opening it sends it to
    every household (``SurveyRecipient``); each household answers once."""

    community_path = "community"

    community = models.ForeignKey("property_service.Community", on_delete=models.PROTECT,
                                  related_name="surveys", verbose_name=_("community"))
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT,
                                      related_name="surveys",
                                      verbose_name=_("questionnaire"))
    title = models.CharField(_("title"), max_length=150)
    period = models.CharField(_("quarter"), max_length=7,
                              help_text=_("The quarter surveyed, e.g. 2026-Q4."))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    state = FSMField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT,
                     protected=True, db_index=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("survey", "closed at"), null=True,
                                     blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("prepared by"))

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-period", "community_id"]
        permissions = [
            ("open_survey", _("Can open satisfaction surveys (send them to the households)")),
            ("close_survey", _("Can close satisfaction surveys")),
            ("export_survey", _("Can export the results of satisfaction surveys")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["community", "period"],
                                    name="survey_once_per_community_quarter",
                                    violation_error_message=_(
                                        "This community already has a survey for this "
                                        "quarter.")),
        ]

    def __str__(self):
        return self.title or str(_("new survey"))

    def clean(self):
        errors = {}
        if self.period and parse_quarter(self.period) is None:
            errors["period"] = _("Give the quarter as YYYY-Qn, e.g. 2026-Q4.")
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("The survey must close on or after the day it opens.")
        if self.questionnaire_id and self._state.adding and \
                not self.questionnaire.is_active:
            errors["questionnaire"] = _("This questionnaire is no longer in use.")
        if errors:
            raise ValidationError(errors)

    def takes_answers(self, today=None) -> bool:
        """Open, and not past its closing day."""
        today = today or timezone.localdate()
        return self.state == State.OPEN and today <= self.closes_on

    @transition(field=state, source=ACTIONS["open"].sources, target=ACTIONS["open"].target)
    def open(self):
        pass

    @transition(field=state, source=ACTIONS["close"].sources, target=ACTIONS["close"].target)
    def close(self):
        pass


class SurveyRecipient(models.Model):
    """A household the survey was sent to (a unit lived in when it opened): the response
    rate's denominator."""

    community_path = "survey__community"
    resident_path = "unit"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="recipients",
                               verbose_name=_("satisfaction survey"))
    unit = models.ForeignKey("property_service.Unit", on_delete=models.PROTECT,
                             related_name="survey_recipients", verbose_name=_("unit"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey household")
        verbose_name_plural = _("survey households")
        ordering = ["survey", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "unit"], name="survey_sent_once_per_unit"),
        ]

    def __str__(self):
        return f"{self.survey} · {self.unit}"


class SurveyResponse(TimeStampedModel):
    """One household's answers to one survey: at most one per unit and survey."""

    community_path = "survey__community"
    resident_path = "unit"

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses",
                               verbose_name=_("satisfaction survey"))
    unit = models.ForeignKey("property_service.Unit", on_delete=models.PROTECT,
                             related_name="survey_responses", verbose_name=_("unit"))
    resident = models.ForeignKey("property_service.Resident", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="survey_responses",
                                 verbose_name=_("resident"))
    channel = models.CharField(_("channel"), max_length=10, choices=ResponseChannel.choices)
    answered_at = models.DateTimeField(_("filled in at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-answered_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "unit"],
                                    name="survey_response_once_per_unit",
                                    violation_error_message=_(
                                        "This household has already answered this survey.")),
        ]

    def __str__(self):
        return f"{self.survey} · {self.unit}"


class SurveyAnswer(models.Model):
    """The answer to one question: a scale value, a chosen option or a text."""

    community_path = "response__survey__community"
    resident_path = "response__unit"

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE,
                                 related_name="answers", verbose_name=_("survey response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers",
                                 verbose_name=_("question"))
    value = models.SmallIntegerField(_("scale value"), null=True, blank=True)
    option = models.ForeignKey(QuestionOption, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="answers", verbose_name=_("answer option"))
    text = models.TextField(_("answer text"), blank=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["response", "question__position"]
        constraints = [
            models.UniqueConstraint(fields=["response", "question"],
                                    name="survey_answer_once_per_question"),
        ]

    def __str__(self):
        return f"{self.question_id}: {self.value if self.value is not None else self.text}"


class SurveyEvent(Event):
    """The survey's timeline: prepared, opened (how many households), responses, closed."""

    community_path = "survey__community"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="events",
                               verbose_name=_("satisfaction survey"))
    from_state = models.CharField(_("from"), max_length=16, blank=True, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, blank=True, choices=State.choices)

    class Meta(Event.Meta):
        verbose_name = _("survey event")
        verbose_name_plural = _("survey events")

    def __str__(self):
        return f"{self.survey} {self.action}"

    @property
    def action_label(self) -> str:
        return event_label(self.action)
