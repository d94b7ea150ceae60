"""REST resources: satisfaction surveys (with their figures; /transition/ opens or closes one)
and survey responses (a household's answers taken by phone, on paper or in person)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ..api.pagination import IdCursorPagination
from ..api.permissions import ModelViewPermission
from ..api.serializers import ScopedModelSerializer
from ..core.params import IdFilter
from ..core.targets import satisfaction_target
from ..registry.api import ScopedViewSet
from . import selectors, services
from .models import (
    STAFF_CHANNEL_CHOICES,
    Dimension,
    Questionnaire,
    Survey,
    SurveyResponse,
)
from .quarters import quarter_bounds
from .standards import DEFAULT_CODE
from .states import ACTIONS


class DimensionScoreSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Dimension.choices)
    label = serializers.CharField()
    score = serializers.FloatField(allow_null=True)


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    dimension = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField(source="label")
    required = serializers.BooleanField()
    options = OptionSerializer(many=True, source="options.all")


class SurveySerializer(ScopedModelSerializer):
    response_rate = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    households_sent = serializers.SerializerMethodField()
    households_answered = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    dimensions = serializers.SerializerMethodField()
    questions = serializers.SerializerMethodField()

    class Meta:
        model = Survey
        fields = ["id", "title", "community", "questionnaire", "period", "opens_on",
                  "closes_on", "state", "opened_at", "closed_at", "households_sent",
                  "households_answered", "response_rate", "score", "target", "dimensions",
                  "questions"]
        read_only_fields = ["state", "opened_at", "closed_at"]
        extra_kwargs = {"questionnaire": {"required": False},
                        "opens_on": {"required": False}, "closes_on": {"required": False},
                        "title": {"required": False, "allow_blank": True}}
        # The once-per-community-and-quarter rule is the model's: full_clean answers it.
        validators = []

    def _figures(self, survey):
        known = self.context.setdefault("figures", {})
        if survey.pk not in known:
            known.update(selectors.figures_of([survey]))
        return known[survey.pk]

    def get_response_rate(self, survey) -> float | None:
        return self._figures(survey).response_rate

    def get_score(self, survey) -> float | None:
        return self._figures(survey).score

    def get_households_sent(self, survey) -> int:
        return self._figures(survey).sent

    def get_households_answered(self, survey) -> int:
        return self._figures(survey).responded

    def get_target(self, survey) -> int:
        return satisfaction_target()

    @extend_schema_field(DimensionScoreSerializer(many=True))
    def get_dimensions(self, survey) -> list:
        return [{"code": row["code"], "label": str(row["label"]), "score": row["score"]}
                for row in selectors.dimension_rows(self._figures(survey))]

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, survey) -> list:
        return QuestionSerializer(selectors.questions_of(survey.questionnaire_id),
                                  many=True).data

    def validate(self, attrs):
        if self.instance is None:
            # What the service fills in when the caller leaves it out: the company's quarterly
            # questionnaire, the whole quarter, a title naming community and quarter.
            if attrs.get("questionnaire") is None:
                attrs["questionnaire"] = Questionnaire.objects.filter(
                    code=DEFAULT_CODE, is_active=True).first()
            try:
                first, last = quarter_bounds(attrs.get("period", ""))
            except ValueError:
                pass
            else:
                attrs.setdefault("opens_on", first)
                attrs.setdefault("closes_on", last)
            if not attrs.get("title") and attrs.get("community") is not None:
                attrs["title"] = services.default_title(attrs["community"],
                                                        attrs.get("period", ""))
        return super().validate(attrs)


class SurveyTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    expected_state = serializers.CharField(required=False, allow_blank=True)


class SurveyFilter(django_filters.FilterSet):
    class Meta:
        model = Survey
        fields = ["state", "community", "period", "questionnaire"]


class SurveyViewSet(ScopedViewSet):
    base_queryset = Survey.objects.select_related("community", "questionnaire")
    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    pagination_class = IdCursorPagination
    http_method_names = ["get", "post", "head", "options"]

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            # The page's figures in three queries, not three per survey.
            self._page_figures = selectors.figures_of(page)
        return page

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["figures"] = dict(getattr(self, "_page_figures", {}))
        return context

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.survey_create(
            by=self.request.user, community=data["community"],
            questionnaire=data["questionnaire"], period=data["period"],
            opens_on=data.get("opens_on"), closes_on=data.get("closes_on"),
            title=data.get("title", ""))

    @extend_schema(request=SurveyTransitionSerializer, responses=SurveySerializer)
    @action(detail=True, methods=["post"], serializer_class=SurveyTransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        survey = self.get_object()
        body = SurveyTransitionSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        services.survey_transition(survey_id=survey.pk, user=request.user,
                                   action=body.validated_data["action"],
                                   expected_state=body.validated_data.get("expected_state")
                                   or None)
        survey = self.get_queryset().get(pk=survey.pk)
        return Response(SurveySerializer(survey, context={"request": request}).data,
                        status=status.HTTP_200_OK)


class AnswerSerializer(serializers.Serializer):
    """One answer: ``value`` for a scale question, ``option`` for a single choice, ``text``
    for a free-text one."""

    question = serializers.IntegerField()
    value = serializers.IntegerField(required=False, allow_null=True)
    option = serializers.IntegerField(required=False, allow_null=True)
    text = serializers.CharField(required=False, allow_blank=True, default="")


class SurveyResponseSerializer(ScopedModelSerializer):
    answers = AnswerSerializer(many=True, write_only=True)

    class Meta:
        model = SurveyResponse
        fields = ["id", "survey", "unit", "resident", "channel", "answered_at", "recorded_by",
                  "answers"]
        read_only_fields = ["answered_at", "recorded_by"]
        extra_kwargs = {"channel": {"choices": STAFF_CHANNEL_CHOICES}}
        # One response per household is the service's to answer (and the unique row's).
        validators = []

    def to_representation(self, response):
        data = super().to_representation(response)
        data["answers"] = [{"question": a.question_id, "value": a.value, "option": a.option_id,
                            "text": a.text} for a in response.answers.all()]
        return data

    def validate(self, attrs):
        # The answers are checked by the service against the questionnaire; the model's own
        # checks run on the response itself.
        answers = attrs.pop("answers", None)
        attrs = super().validate(attrs)
        if answers is not None:
            attrs["answers"] = answers
        return attrs


class SurveyResponseFilter(django_filters.FilterSet):
    community = IdFilter(field_name="survey__community")

    class Meta:
        model = SurveyResponse
        fields = ["survey", "unit", "channel", "community"]


class SurveyResponseViewSet(ScopedViewSet):
    base_queryset = SurveyResponse.objects.select_related(
        "survey", "unit__building__community", "resident", "recorded_by",
    ).prefetch_related("answers")
    serializer_class = SurveyResponseSerializer
    filterset_class = SurveyResponseFilter
    pagination_class = IdCursorPagination
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = services.survey_record_response(
                by=self.request.user, survey_id=data["survey"].pk, unit=data["unit"],
                answers=[dict(answer) for answer in data["answers"]], channel=data["channel"],
                resident=data.get("resident"))
        except services.AnswersRefused as error:
            raise ValidationError({"answers": error.errors}) from None
