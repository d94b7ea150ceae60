"""REST resource: follow-up visits (list, detail, a visit added by hand, and /transition/ to
record the outcome, mark the resident unreachable or cancel)."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api.pagination import IdsFirstCursorPagination
from ..api.permissions import ModelViewPermission
from ..api.serializers import ScopedModelSerializer
from ..registry.api import ScopedViewSet
from . import services
from .models import TRANSITIONS, Kind, Visit


class VisitSerializer(ScopedModelSerializer):
    on_time = serializers.BooleanField(read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "kind", "state", "community", "unit", "resident", "occupancy",
                  "work_order", "step", "planned_on", "due_at", "assignee", "outcome",
                  "satisfaction", "done_at", "done_by", "on_time"]
        read_only_fields = ["state", "community", "occupancy", "work_order", "step",
                            "planned_on", "assignee", "outcome", "satisfaction", "done_at",
                            "done_by"]
        extra_kwargs = {"kind": {"required": False}}
        # The rules' once-per-source constraints are theirs: a visit added by hand has no
        # source, and the service decides what may be added.
        validators = []

    def validate(self, attrs):
        if self.instance is None:
            # What the model needs and the caller does not give: the unit's community, the
            # kind of a visit added by hand, the day it is planned for (the service sets the
            # same).
            unit, due_at = attrs.get("unit"), attrs.get("due_at")
            if unit is not None:
                attrs["community"] = unit.building.community
            attrs.setdefault("kind", Kind.OTHER)
            if due_at is not None:
                attrs["planned_on"] = timezone.localdate(due_at)
        return super().validate(attrs)


class VisitTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(TRANSITIONS))
    expected_state = serializers.CharField(required=False, allow_blank=True)
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    satisfaction = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                            max_value=5)

    def validate(self, attrs):
        if attrs["action"] == "done" and attrs.get("satisfaction") is None:
            raise serializers.ValidationError({"satisfaction": [
                serializers.Field.default_error_messages["required"]]})
        return attrs


class VisitFilter(django_filters.FilterSet):
    class Meta:
        model = Visit
        fields = ["state", "kind", "community", "unit", "assignee"]


class VisitViewSet(ScopedViewSet):
    base_queryset = Visit.objects.select_related(
        "community", "unit__building__community", "resident", "assignee", "done_by",
        "occupancy", "work_order")
    serializer_class = VisitSerializer
    filterset_class = VisitFilter
    pagination_class = IdsFirstCursorPagination
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.visit_create(
            by=self.request.user, unit=data["unit"], resident=data.get("resident"),
            due_at=data.get("due_at"), kind=data.get("kind") or Kind.OTHER)

    @extend_schema(request=VisitTransitionSerializer, responses=VisitSerializer)
    @action(detail=True, methods=["post"], serializer_class=VisitTransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        visit = self.get_object()
        body = VisitTransitionSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        text = data.get("outcome") or data.get("comment") or ""
        expected = data.get("expected_state") or None
        if data["action"] == "cancel":
            services.visit_cancel(visit_id=visit.pk, user=request.user, reason=text,
                                  expected_state=expected)
        else:
            services.visit_record(visit_id=visit.pk, user=request.user,
                                  reached=data["action"] == "done", outcome=text,
                                  satisfaction=data.get("satisfaction"),
                                  expected_state=expected)
        visit = self.get_queryset().get(pk=visit.pk)
        return Response(VisitSerializer(visit, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK)
