"""REST resource: complaints (with /transition/), each deadline and whether it was met."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api.pagination import IdsFirstCursorPagination
from ..api.permissions import ModelViewPermission
from ..api.serializers import ScopedModelSerializer
from ..core.errors import ConcurrentChange
from ..registry.api import ScopedViewSet
from ..workorders.models import Channel
from . import services
from .deadlines import LATE_OPEN, MET, MISSED, NOT_DUE, OPEN, deadline_rows
from .models import Complaint, Severity
from .states import ACTIONS

# Actions that are not state changes of their own: dispatched to their own services.
EXTRA_ACTIONS = ("acknowledge", "answer", "follow_up", "raise_major")


class ComplaintDeadlineSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateTimeField(allow_null=True)
    done = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=[MET, MISSED, OPEN, LATE_OPEN, NOT_DUE])
    round = serializers.IntegerField()


_MOMENT = serializers.DateTimeField()


def _moment(value):
    """A moment as the API writes it (``DateTimeField``), or None."""
    return None if value is None else _MOMENT.to_representation(value)


class ComplaintSerializer(ScopedModelSerializer):
    deadlines = serializers.SerializerMethodField()
    work_orders = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    earlier_complaints = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = ["id", "number", "state", "community", "unit", "resident", "channel",
                  "category", "content", "request", "severity", "emotional", "staff_concerned",
                  "supervisor", "plan", "answer", "resolution", "satisfaction", "reopen_count",
                  "manager_acknowledged_at", "received_at", "deadlines", "work_orders",
                  "earlier_complaints"]
        read_only_fields = ["number", "state", "supervisor", "plan", "answer", "resolution",
                            "satisfaction", "reopen_count", "manager_acknowledged_at",
                            "received_at"]
        extra_kwargs = {"community": {"required": False},
                        "channel": {"default": Channel.PHONE}}

    @extend_schema_field(ComplaintDeadlineSerializer(many=True))
    def get_deadlines(self, complaint) -> list:
        # ComplaintDeadlineSerializer's representation, written out: a serializer built for
        # every complaint of a page costs more than the rest of the complaint.
        return [{"name": row.deadline.name, "label": str(row.deadline.label),
                 "due": _moment(row.due), "done": _moment(row.done), "status": row.status,
                 "round": row.round}
                for row in deadline_rows(complaint, timezone.now())]

    def validate(self, attrs):
        if self.instance is None:
            unit = attrs.get("unit")
            if not attrs.get("community") and unit is not None:
                attrs["community"] = unit.building.community
            if not attrs.get("community"):
                raise serializers.ValidationError({"community": [
                    serializers.Field.default_error_messages["required"]]})
        return super().validate(attrs)


class ComplaintUpdateSerializer(ComplaintSerializer):
    """After intake: only ``Complaint.editable_after_intake`` may be corrected (sending any
    other field is refused)."""

    class Meta(ComplaintSerializer.Meta):
        read_only_fields = [name for name in ComplaintSerializer.Meta.fields
                            if name not in Complaint.editable_after_intake]


class ComplaintTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[*ACTIONS, *EXTRA_ACTIONS])
    expected_state = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    supervisor = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False,
        allow_null=True)
    satisfied = serializers.BooleanField(required=False, allow_null=True, default=None)
    satisfaction = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                            max_value=5)

    def validate(self, attrs):
        if attrs["action"] == "follow_up" and attrs.get("satisfied") is None:
            raise serializers.ValidationError({"satisfied": [
                serializers.Field.default_error_messages["required"]]})
        return attrs


class ComplaintFilter(django_filters.FilterSet):
    class Meta:
        model = Complaint
        fields = ["state", "severity", "category", "community", "unit"]


@extend_schema_view(partial_update=extend_schema(request=ComplaintUpdateSerializer,
                                                 responses=ComplaintSerializer))
class ComplaintViewSet(ScopedViewSet):
    base_queryset = Complaint.objects.select_related(
        "community", "unit__building__community", "resident", "staff_concerned", "supervisor",
    ).prefetch_related("work_orders", "earlier_complaints", "rounds")
    serializer_class = ComplaintSerializer
    filterset_class = ComplaintFilter
    search_fields = ["=number"]
    pagination_class = IdsFirstCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return ComplaintUpdateSerializer
        return super().get_serializer_class()

    def perform_update(self, serializer):
        serializer.instance = services.correct_complaint(
            complaint_id=serializer.instance.pk, user=self.request.user,
            changes=dict(serializer.validated_data))

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_complaint(
            by=self.request.user, community=data["community"], unit=data.get("unit"),
            resident=data.get("resident"), channel=data["channel"], category=data["category"],
            content=data["content"], request=data.get("request", ""),
            severity=data.get("severity") or Severity.GENERAL,
            emotional=data.get("emotional", False),
            staff_concerned=data.get("staff_concerned"))

    @extend_schema(request=ComplaintTransitionSerializer, responses=ComplaintSerializer)
    @action(detail=True, methods=["post"], serializer_class=ComplaintTransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        complaint = self.get_object()
        body = ComplaintTransitionSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        name, comment = data["action"], data.get("comment") or data.get("reason") or ""
        expected_state = data.get("expected_state") or None
        if name in EXTRA_ACTIONS and expected_state and complaint.state != expected_state:
            raise ConcurrentChange()
        if name == "acknowledge":
            services.acknowledge_major(complaint_id=complaint.pk, user=request.user)
        elif name == "raise_major":
            services.raise_to_major(complaint_id=complaint.pk, user=request.user,
                                    reason=comment)
        elif name == "answer":
            services.record_answer(complaint_id=complaint.pk, user=request.user, answer=comment)
        elif name == "follow_up":
            services.record_follow_up(
                complaint_id=complaint.pk, user=request.user, satisfied=data["satisfied"],
                satisfaction=data.get("satisfaction"), note=comment)
        else:
            services.transition_complaint(
                complaint_id=complaint.pk, user=request.user, action=name,
                expected_state=expected_state, comment=comment,
                supervisor=data.get("supervisor"))
        complaint = self.get_queryset().get(pk=complaint.pk)
        return Response(
            ComplaintSerializer(complaint, context=self.get_serializer_context()).data,
            status=status.HTTP_200_OK)
