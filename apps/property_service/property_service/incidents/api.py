"""REST resource: incidents (with /transition/, checklist ticks, timeline entries and the
printable report)."""

from __future__ import annotations

import django_filters
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from ..api.permissions import ModelViewPermission
from ..api.renderers import PDFRenderer
from ..api.serializers import ScopedModelSerializer
from ..core.params import IdFilter
from ..registry.api import ScopedViewSet
from ..registry.models import check_places_in_community
from . import services
from .models import Incident, IncidentChecklistItem
from .report import report_filename, report_pdf
from .selectors import incident_timeline
from .states import ACTIONS


class ChecklistItemSerializer(ScopedModelSerializer):
    text = serializers.CharField(read_only=True)
    done = serializers.BooleanField(read_only=True)

    class Meta:
        model = IncidentChecklistItem
        fields = ["id", "position", "text", "text_zh", "text_en", "done", "done_at", "done_by"]
        read_only_fields = fields


class TimelineLineSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["event", "entry", "step"])
    text = serializers.CharField()
    by = serializers.IntegerField(source="by.pk", allow_null=True, default=None)
    by_label = serializers.CharField(source="by", allow_null=True, default=None)


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    filename = serializers.CharField()
    description = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class IncidentSerializer(ScopedModelSerializer):
    checklist = ChecklistItemSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    work_orders = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    notices = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Incident
        fields = ["id", "number", "state", "kind", "community", "location", "buildings", "units",
                  "reported_at", "contained_at", "resolved_at", "people_affected",
                  "reported_by", "summary", "actions_taken", "injuries_damage", "cause",
                  "corrective_actions", "approved_by", "approved_at", "closed_at", "checklist",
                  "attachments", "work_orders", "notices"]
        read_only_fields = ["number", "state", "contained_at", "reported_by", "approved_by",
                            "approved_at", "closed_at"]
        extra_kwargs = {"community": {"required": False}}

    def validate(self, attrs):
        buildings, units = attrs.get("buildings"), attrs.get("units")
        if self.instance is None and not attrs.get("community"):
            place = (buildings or [None])[0] or (units or [None])[0]
            if place is not None:
                attrs["community"] = getattr(place, "community", None) or \
                    place.building.community
            else:
                raise serializers.ValidationError({"community": [
                    serializers.Field.default_error_messages["required"]]})
        attrs = super().validate(attrs)
        community = attrs.get("community") or self.instance.community
        check_places_in_community(
            community.pk,
            buildings=self._current(buildings, "buildings"),
            units=self._current(units, "units"))
        return attrs

    def _current(self, given, name: str):
        """The places given, else (on an update) those the incident has; none on a create."""
        if given is not None:
            return given
        return getattr(self.instance, name).all() if self.instance is not None else []


class IncidentDetailSerializer(IncidentSerializer):
    timeline = serializers.SerializerMethodField()

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "timeline"]

    @extend_schema_field(TimelineLineSerializer(many=True))
    def get_timeline(self, incident) -> list:
        return TimelineLineSerializer(incident_timeline(incident), many=True).data


class IncidentUpdateSerializer(IncidentDetailSerializer):
    """While the report is written: its parts, the times and the places may be corrected
    (``Incident.editable_after_intake``); a PATCH of anything else is refused, naming it."""

    class Meta(IncidentDetailSerializer.Meta):
        read_only_fields = [name for name in IncidentDetailSerializer.Meta.fields
                            if name not in Incident.editable_after_intake]


class IncidentTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    expected_state = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TickSerializer(serializers.Serializer):
    item = serializers.IntegerField(help_text="The checklist step's id.")
    done = serializers.BooleanField(required=False, default=True,
                                    help_text="false: undo the tick.")


class TimelineEntrySerializer(serializers.Serializer):
    text = serializers.CharField()
    at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                   help_text="Empty: now.")


class IncidentFilter(django_filters.FilterSet):
    unit = IdFilter(field_name="units", distinct=True)
    building = IdFilter(field_name="buildings", distinct=True)

    class Meta:
        model = Incident
        fields = ["state", "kind", "community", "unit", "building"]


@extend_schema_view(
    retrieve=extend_schema(responses=IncidentDetailSerializer),
    create=extend_schema(request=IncidentSerializer, responses=IncidentDetailSerializer),
    partial_update=extend_schema(request=IncidentUpdateSerializer,
                                 responses=IncidentDetailSerializer),
)
class IncidentViewSet(ScopedViewSet):
    base_queryset = Incident.objects.select_related("community").prefetch_related(
        "buildings", "units", "work_orders", "notices", "attachments", "checklist")
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    search_fields = ["=number"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return IncidentUpdateSerializer
        if self.action in ("retrieve", "create"):
            return IncidentDetailSerializer
        return super().get_serializer_class()

    def _detail(self, incident, code=status.HTTP_200_OK):
        incident = self.get_queryset().get(pk=incident.pk)
        return Response(IncidentDetailSerializer(
            incident, context=self.get_serializer_context()).data, status=code)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_incident(
            by=self.request.user, community=data["community"], kind=data["kind"],
            location=data["location"], reported_at=data.get("reported_at"),
            buildings=data.get("buildings", ()), units=data.get("units", ()),
            people_affected=data.get("people_affected", 0),
            **{name: data[name] for name in services.REPORT_FIELDS
               if name in data and name not in ("location", "people_affected")})

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        places = {name: data.pop(name) for name in ("buildings", "units") if name in data}
        serializer.instance = services.update_incident(
            incident_id=serializer.instance.pk, user=self.request.user, **places, **data)

    def update(self, request, *args, **kwargs):
        super().update(request, *args, **kwargs)
        return self._detail(self.get_object())

    @extend_schema(request=IncidentTransitionSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=IncidentTransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        incident = self.get_object()
        body = IncidentTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.transition_incident(incident_id=incident.pk, user=request.user,
                                     action=data["action"],
                                     expected_state=data.get("expected_state") or None,
                                     comment=data["comment"])
        return self._detail(incident)

    @extend_schema(request=TickSerializer, responses=IncidentDetailSerializer)
    @action(detail=True, methods=["post"], serializer_class=TickSerializer,
            permission_classes=[ModelViewPermission])
    def tick(self, request, pk=None):
        """Tick a step of the response checklist (or undo it with ``"done": false``)."""
        incident = self.get_object()
        body = TickSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.tick_checklist_item(incident_id=incident.pk, item_id=body.validated_data["item"],
                                     user=request.user, done=body.validated_data["done"])
        return self._detail(incident)

    @extend_schema(request=TimelineEntrySerializer, responses={201: IncidentDetailSerializer})
    @action(detail=True, methods=["post"], serializer_class=TimelineEntrySerializer,
            permission_classes=[ModelViewPermission])
    def timeline(self, request, pk=None):
        """Add what happened when to the report's timeline."""
        incident = self.get_object()
        body = TimelineEntrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.add_timeline_entry(incident_id=incident.pk, user=request.user,
                                    text=body.validated_data["text"],
                                    at=body.validated_data["at"])
        return self._detail(incident, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PDFRenderer])
    def report(self, request, pk=None):
        """The printable incident report (PDF) in the caller's language."""
        incident = self.get_object()
        response = HttpResponse(report_pdf(incident), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{report_filename(incident)}"'
        return response
