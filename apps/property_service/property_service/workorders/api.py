"""REST resources: work orders (with /transition/), their categories and teams."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from ..access.scoping import scope
from ..api.pagination import IdsFirstCursorPagination
from ..api.permissions import ModelViewPermission
from ..api.serializers import ScopedModelSerializer
from ..core.models import PersonalDataAccess
from ..registry.api import ScopedViewSet
from . import services
from .models import FollowUp, Priority, Team, WorkOrder, WorkOrderCategory
from .selectors import search_work_orders
from .sla import SlaState, order_sla_state
from .states import ACTIONS, IN_PLACE_ACTIONS


class TeamSerializer(ScopedModelSerializer):
    label = serializers.CharField(read_only=True, help_text="The name in the user's language.")

    class Meta:
        model = Team
        fields = ["id", "code", "name", "name_en", "label", "kind", "community", "dispatch_mode",
                  "take_within_minutes"]


class TeamViewSet(ScopedViewSet):
    base_queryset = Team.objects.select_related("community")
    serializer_class = TeamSerializer
    filterset_fields = ["kind", "community"]
    search_fields = ["^code", "^name", "^name_en"]


class WorkOrderCategorySerializer(ScopedModelSerializer):
    label = serializers.CharField(read_only=True, help_text="The name in the user's language.")

    class Meta:
        model = WorkOrderCategory
        fields = ["id", "code", "name", "name_en", "label", "default_team", "default_priority",
                  "major_works", "is_active"]


class WorkOrderCategoryViewSet(ScopedViewSet):
    base_queryset = WorkOrderCategory.objects.select_related("default_team")
    serializer_class = WorkOrderCategorySerializer
    filterset_fields = ["is_active", "default_team"]
    search_fields = ["^code", "^name", "^name_en"]


class WorkOrderSerializer(ScopedModelSerializer):
    sla_state = serializers.SerializerMethodField()
    sla_state_label = serializers.SerializerMethodField()
    earlier_reports = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = WorkOrder
        fields = ["id", "number", "state", "community", "unit", "location", "resident",
                  "channel", "category", "priority", "description", "team", "assignee",
                  "appointment_at", "parts_note", "reported_at", "respond_by", "complete_by",
                  "responded_at", "completed_at", "first_completed_at", "rework_started_at",
                  "closed_at", "paused_at", "sla_state",
                  "sla_state_label", "is_repeat", "earlier_reports", "satisfaction",
                  "resident_comment", "cancel_reason"]
        read_only_fields = ["number", "state", "team", "assignee", "reported_at", "respond_by",
                            "complete_by", "responded_at", "completed_at",
                            "first_completed_at", "rework_started_at", "closed_at",
                            "paused_at", "is_repeat", "satisfaction", "resident_comment",
                            "cancel_reason"]
        extra_kwargs = {"community": {"required": False}, "priority": {"required": False}}

    def get_sla_state(self, order) -> str:
        return order_sla_state(order, timezone.now())

    def get_sla_state_label(self, order) -> str:
        return str(SlaState.LABELS[self.get_sla_state(order)])

    def validate(self, attrs):
        unit = attrs.get("unit")
        if not attrs.get("community") and unit is not None:
            attrs["community"] = unit.building.community
        if self.instance is None:
            if not attrs.get("community"):
                raise serializers.ValidationError({"community": [
                    serializers.Field.default_error_messages["required"]]})
            if not attrs.get("priority") and attrs.get("category"):
                attrs["priority"] = attrs["category"].default_priority
        return super().validate(attrs)


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[*ACTIONS, *IN_PLACE_ACTIONS, "follow_up"])
    expected_state = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all(), required=False,
                                              allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.all(),
                                                  required=False, allow_null=True)
    appointment_at = serializers.DateTimeField(required=False, allow_null=True)
    parts_note = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, required=False,
                                       help_text="change_priority: the new priority")
    answered = serializers.BooleanField(required=False, default=True)
    result = serializers.ChoiceField(choices=FollowUp.Result.choices, required=False,
                                     allow_blank=True)
    satisfaction = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                            max_value=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["team"].queryset = scope(Team.objects.all(), request.user)


class WorkOrderFilter(django_filters.FilterSet):
    class Meta:
        model = WorkOrder
        fields = ["state", "priority", "community", "unit", "category", "team", "assignee",
                  "is_repeat", "channel"]


class WorkOrderSearchFilter(SearchFilter):
    """``?search=``: exact order number, unit number or resident phone (search_work_orders)."""

    def filter_queryset(self, request, queryset, view):
        terms = self.get_search_terms(request)
        if not terms:
            return queryset
        return search_work_orders(queryset, " ".join(terms), user=request.user,
                                  channel=PersonalDataAccess.Channel.API)


class WorkOrderViewSet(ScopedViewSet):
    base_queryset = WorkOrder.objects.select_related(
        "community", "unit__building__community", "resident", "category", "team", "assignee",
    ).prefetch_related("earlier_reports")
    serializer_class = WorkOrderSerializer
    filterset_class = WorkOrderFilter
    filter_backends = [DjangoFilterBackend, WorkOrderSearchFilter]
    search_fields = ["=number", "=unit__number", "=resident__phone"]
    pagination_class = IdsFirstCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_update(self, serializer):
        serializer.instance = services.correct_work_order(
            order_id=serializer.instance.pk, user=self.request.user,
            changes=dict(serializer.validated_data))

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_work_order(
            by=self.request.user, community=data["community"], unit=data.get("unit"),
            location=data.get("location", ""), resident=data.get("resident"),
            channel=data["channel"], category=data["category"],
            priority=data.get("priority") or None, description=data["description"])

    @extend_schema(request=TransitionSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"], serializer_class=TransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        order = self.get_object()
        body = TransitionSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        name, comment = data["action"], data.get("comment") or data.get("reason") or ""
        if name == "pause":
            services.pause_clock(order_id=order.pk, user=request.user, reason=comment)
        elif name == "resume":
            services.resume_clock(order_id=order.pk, user=request.user, note=comment)
        elif name == "change_priority":
            services.change_priority(
                order_id=order.pk, user=request.user, priority=data.get("priority") or "",
                comment=comment, expected_state=data.get("expected_state") or None)
        elif name == "follow_up":
            services.record_follow_up(
                order_id=order.pk, user=request.user, answered=data["answered"],
                result=data.get("result") or "", satisfaction=data.get("satisfaction"),
                note=comment)
        else:
            services.transition_work_order(
                order_id=order.pk, user=request.user, action=name,
                expected_state=data.get("expected_state") or None, comment=comment,
                team=data.get("team"), assignee=data.get("assignee"),
                appointment_at=data.get("appointment_at"), parts_note=data.get("parts_note"))
        order = self.get_queryset().get(pk=order.pk)
        return Response(WorkOrderSerializer(order, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK)

