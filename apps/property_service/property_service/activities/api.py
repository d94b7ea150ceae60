"""REST resources: community activities (with their figures and /transition/) and their
sign-ups (``activity-signups``: recorded at the desk, cancelled, attendance, feedback)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api.figures import BAD_PARAMETER, COMMUNITY, MONTH, REFUSED, FiguresView
from ..api.permissions import ModelViewPermission
from ..api.serializers import ScopedModelSerializer
from ..core.months import month_param, this_month
from ..core.params import id_param
from ..core.targets import activity_targets
from ..registry.api import ScopedViewSet
from . import services
from .figures import activity_figures, month_figures
from .models import Activity, ActivityFeedback, ActivitySignup
from .rules import activity_rules, default_household_limit, default_times
from .selectors import with_places_taken
from .states import ACTIONS


class FiguresSerializer(serializers.Serializer):
    participants = serializers.IntegerField()
    households = serializers.IntegerField()
    community_households = serializers.IntegerField()
    household_share = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True,
                                               coerce_to_string=False)
    feedback = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    satisfaction_share = serializers.DecimalField(max_digits=5, decimal_places=1,
                                                  allow_null=True, coerce_to_string=False)
    average_rating = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True,
                                              coerce_to_string=False)
    targets = serializers.DictField(child=serializers.FloatField())


class ActivitySerializer(ScopedModelSerializer):
    label = serializers.CharField(read_only=True)
    signups = serializers.IntegerField(source="taken", read_only=True,
                                       help_text="places taken by confirmed sign-ups")
    waiting = serializers.IntegerField(read_only=True,
                                       help_text="people on the waiting list")
    attended = serializers.SerializerMethodField()
    participation_rate = serializers.SerializerMethodField()
    satisfaction = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = ["id", "community", "title", "title_en", "label", "description", "place",
                  "starts_at", "ends_at", "signup_opens_at", "signup_closes_at", "capacity",
                  "household_limit", "state", "published_at", "lead_time_override",
                  "cancel_reason", "signups", "waiting", "attended", "participation_rate",
                  "satisfaction", "figures"]
        read_only_fields = ["state", "published_at", "lead_time_override", "cancel_reason"]
        extra_kwargs = {"household_limit": {"required": False},
                        # Left out: taken from the activity rules (fixtures/activity_rules.toml).
                        "ends_at": {"required": False},
                        "signup_closes_at": {"required": False}}

    def _figures(self, activity):
        cache = self.context.setdefault("_figures", {})
        if activity.pk not in cache:
            cache[activity.pk] = activity_figures(activity)
        return cache[activity.pk]

    @extend_schema_field(serializers.IntegerField())
    def get_attended(self, activity) -> int:
        return self._figures(activity).participants

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_participation_rate(self, activity):
        value = self._figures(activity).household_share
        return None if value is None else float(value)

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_satisfaction(self, activity):
        value = self._figures(activity).satisfaction_share
        return None if value is None else float(value)

    @extend_schema_field(FiguresSerializer())
    def get_figures(self, activity) -> dict:
        return FiguresSerializer(self._figures(activity)).data

    def validate(self, attrs):
        if self.instance is None and attrs.get("household_limit") is None:
            attrs["household_limit"] = default_household_limit(attrs.get("capacity"))
        if self.instance is None:
            attrs["ends_at"], attrs["signup_closes_at"] = default_times(
                attrs.get("starts_at"), attrs.get("ends_at"), attrs.get("signup_closes_at"),
                activity_rules())
        return super().validate(attrs)


class ActivityTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    expected_state = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ActivityFilter(django_filters.FilterSet):
    class Meta:
        model = Activity
        fields = ["state", "community"]


class ActivityViewSet(ScopedViewSet):
    base_queryset = with_places_taken(Activity.objects.select_related("community"))
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    search_fields = ["title", "title_en"]
    # After planning every change is a transition: no PATCH.
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        created = services.activity_create(
            by=self.request.user, community=data["community"], title=data["title"],
            title_en=data.get("title_en", ""), description=data.get("description", ""),
            place=data["place"], starts_at=data["starts_at"], ends_at=data.get("ends_at"),
            signup_opens_at=data.get("signup_opens_at"),
            signup_closes_at=data.get("signup_closes_at"), capacity=data["capacity"],
            household_limit=data.get("household_limit"))
        serializer.instance = self.get_queryset().get(pk=created.pk)

    @extend_schema(request=ActivityTransitionSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"], serializer_class=ActivityTransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        activity = self.get_object()
        body = ActivityTransitionSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.transition_activity(
            activity_id=activity.pk, user=request.user, action=data["action"],
            expected_state=data.get("expected_state") or None,
            comment=data.get("comment") or data.get("reason") or "")
        activity = self.get_queryset().get(pk=activity.pk)
        return Response(ActivitySerializer(activity, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK)


class ActivityFeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActivityFeedback
        fields = ["rating", "satisfied", "comment", "channel", "given_at"]


class ActivitySignupSerializer(ScopedModelSerializer):
    walk_in = serializers.BooleanField(required=False, default=False,
                                       help_text="record a household that came without "
                                                 "signing up (once the activity started)")
    feedback = serializers.SerializerMethodField()

    class Meta:
        model = ActivitySignup
        fields = ["id", "activity", "unit", "resident", "people", "status", "channel",
                  "walk_in", "attendance", "attended_people", "signed_up_at", "cancelled_at",
                  "feedback"]
        read_only_fields = ["status", "channel", "attendance", "attended_people",
                            "signed_up_at", "cancelled_at"]
        # The service decides (a cancelled sign-up is taken up again).
        validators = []

    @extend_schema_field(ActivityFeedbackSerializer(allow_null=True))
    def get_feedback(self, signup):
        feedback = getattr(signup, "feedback", None) if signup.pk else None
        return ActivityFeedbackSerializer(feedback).data if feedback else None

    def validate(self, attrs):
        # The sign-up's rules are the service's (open, limit, capacity, the household's unit).
        return attrs


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField()
    people = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                      max_value=1000)


class FeedbackSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=0, max_value=10)
    satisfied = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="",
                                    max_length=2000)


class ActivitySignupFilter(django_filters.FilterSet):
    class Meta:
        model = ActivitySignup
        fields = ["activity", "unit", "status", "attendance"]


class ActivitySignupViewSet(ScopedViewSet):
    base_queryset = ActivitySignup.objects.select_related(
        "activity__community", "unit__building__community", "resident", "feedback")
    serializer_class = ActivitySignupSerializer
    filterset_class = ActivitySignupFilter
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        call = services.walk_in_record if data.get("walk_in") else services.activity_sign_up
        created = call(activity_id=data["activity"].pk, user=self.request.user,
                       unit=data["unit"], people=data["people"],
                       resident=data.get("resident"))
        serializer.instance = self.get_queryset().get(pk=created.pk)

    def _answer(self, signup_id):
        signup = self.get_queryset().get(pk=signup_id)
        return Response(ActivitySignupSerializer(signup,
                                                 context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ActivitySignupSerializer)
    @action(detail=True, methods=["post"], permission_classes=[ModelViewPermission])
    def cancel(self, request, pk=None):
        signup = self.get_object()
        services.signup_cancel(signup_id=signup.pk, user=request.user)
        return self._answer(signup.pk)

    @extend_schema(request=AttendanceSerializer, responses=ActivitySignupSerializer)
    @action(detail=True, methods=["post"], serializer_class=AttendanceSerializer,
            permission_classes=[ModelViewPermission])
    def attendance(self, request, pk=None):
        signup = self.get_object()
        body = AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.attendance_record(signup_id=signup.pk, user=request.user,
                                   attended=body.validated_data["attended"],
                                   people=body.validated_data.get("people"))
        return self._answer(signup.pk)

    @extend_schema(request=FeedbackSerializer, responses=ActivitySignupSerializer)
    @action(detail=True, methods=["post"], serializer_class=FeedbackSerializer,
            permission_classes=[ModelViewPermission])
    def feedback(self, request, pk=None):
        signup = self.get_object()
        body = FeedbackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.feedback_give(signup_id=signup.pk, user=request.user, rating=data["rating"],
                               satisfied=data["satisfied"], comment=data["comment"])
        return self._answer(signup.pk)


ACTIVITY_MONTH_ROW = inline_serializer("ActivityFiguresRow", many=True, fields={
    "community": serializers.IntegerField(),
    "community_label": serializers.CharField(),
    "month": serializers.CharField(),
    "activities": serializers.IntegerField(),
    "participants": serializers.IntegerField(),
    "households": serializers.IntegerField(),
    "community_households": serializers.IntegerField(),
    "household_share": serializers.FloatField(allow_null=True),
    "feedback": serializers.IntegerField(),
    "satisfied": serializers.IntegerField(),
    "satisfaction_share": serializers.FloatField(allow_null=True),
    "average_rating": serializers.FloatField(allow_null=True),
    "met": serializers.DictField(child=serializers.BooleanField(allow_null=True)),
})


def _number(value):
    return None if value is None else float(value)


class ActivityFiguresView(FiguresView):
    """Community activities of one month (by their start), per community: participants,
    households taking part and their share, satisfaction and the average rating, with the
    targets."""

    model = Activity

    @extend_schema(
        operation_id="figures_activities", parameters=[COMMUNITY, MONTH],
        responses={200: inline_serializer("ActivityFigures", {
            "month": serializers.CharField(),
            "targets": serializers.DictField(child=serializers.FloatField()),
            "results": ACTIVITY_MONTH_ROW,
        }), 400: BAD_PARAMETER, 401: REFUSED, 403: REFUSED})
    def get(self, request):
        month = month_param(request.query_params) or this_month()
        community_id = id_param(request.query_params, "community")
        rows = month_figures(request.user, month, community_id)
        return Response({"month": f"{month:%Y-%m}", "targets": activity_targets(), "results": [{
            "community": row.community.pk, "community_label": row.community.name,
            "month": f"{month:%Y-%m}", "activities": row.activities,
            "participants": row.figures.participants, "households": row.figures.households,
            "community_households": row.figures.community_households,
            "household_share": _number(row.figures.household_share),
            "feedback": row.figures.feedback, "satisfied": row.figures.satisfied,
            "satisfaction_share": _number(row.figures.satisfaction_share),
            "average_rating": _number(row.figures.average_rating),
            "met": {name: row.figures.meets(name) for name in row.figures.targets},
        } for row in rows]})
