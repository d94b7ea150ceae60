"""REST resource: enquiries (with /transition/), each deadline and whether it was met, and what
an enquiry was converted into."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api.pagination import IdsFirstCursorPagination
from ..api.permissions import ModelViewPermission
from ..api.serializers import ScopedModelSerializer
from ..complaints.models import Category as ComplaintCategory
from ..registry.api import ScopedViewSet
from ..workorders.models import Channel, WorkOrderCategory
from . import services
from .deadlines import STATUSES, deadline_rows
from .models import Enquiry
from .states import ACTIONS


class EnquiryDeadlineSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateTimeField(allow_null=True)
    done = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=STATUSES)


class ConvertedToSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="work_order or complaint")
    id = serializers.IntegerField()
    number = serializers.CharField()


class EnquirySerializer(ScopedModelSerializer):
    # API.md names the resident's words ``content``.
    content = serializers.CharField(source="question", max_length=4000)
    deadlines = serializers.SerializerMethodField()
    converted_to = serializers.SerializerMethodField()

    class Meta:
        model = Enquiry
        fields = ["id", "number", "state", "community", "unit", "resident", "channel", "topic",
                  "content", "complex", "handler", "answer", "resolution", "close_reason",
                  "received_at", "deadlines", "converted_to"]
        read_only_fields = ["number", "state", "handler", "answer", "resolution",
                            "close_reason", "received_at"]
        extra_kwargs = {"community": {"required": False},
                        "channel": {"default": Channel.PHONE}}

    @extend_schema_field(EnquiryDeadlineSerializer(many=True))
    def get_deadlines(self, enquiry) -> list:
        rows = [{"name": row.deadline.name, "label": str(row.deadline.label), "due": row.due,
                 "done": row.done, "status": row.status}
                for row in deadline_rows(enquiry, timezone.now())]
        return EnquiryDeadlineSerializer(rows, many=True).data

    @extend_schema_field(ConvertedToSerializer(allow_null=True))
    def get_converted_to(self, enquiry) -> dict | None:
        record, kind = ((enquiry.work_order, services.INTO_WORK_ORDER) if enquiry.work_order_id
                        else (enquiry.complaint, services.INTO_COMPLAINT)
                        if enquiry.complaint_id else (None, None))
        if record is None:
            return None
        return {"type": kind, "id": record.pk, "number": record.number}

    def validate(self, attrs):
        unit = attrs.get("unit")
        if not attrs.get("community") and unit is not None:
            attrs["community"] = unit.building.community
        if not attrs.get("community"):
            raise serializers.ValidationError({"community": [
                serializers.Field.default_error_messages["required"]]})
        return super().validate(attrs)


class EnquiryTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    expected_state = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    handler = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True), required=False,
        allow_null=True)
    into = serializers.ChoiceField(choices=[services.INTO_WORK_ORDER, services.INTO_COMPLAINT],
                                   required=False)
    work_order_category = serializers.PrimaryKeyRelatedField(
        queryset=WorkOrderCategory.objects.filter(is_active=True), required=False,
        allow_null=True)
    # The complaint's own validation checks the subject (a code of complaints' ``category``).
    complaint_category = serializers.CharField(required=False, allow_blank=True,
                                               help_text=", ".join(ComplaintCategory.values))

    def validate(self, attrs):
        if attrs["action"] == "convert" and not attrs.get("into"):
            raise serializers.ValidationError({"into": [
                serializers.Field.default_error_messages["required"]]})
        return attrs


class EnquiryFilter(django_filters.FilterSet):
    class Meta:
        model = Enquiry
        fields = ["state", "topic", "community", "unit", "complex", "handler"]


class EnquiryViewSet(ScopedViewSet):
    base_queryset = Enquiry.objects.select_related(
        "community", "unit__building__community", "resident", "handler", "work_order",
        "complaint")
    serializer_class = EnquirySerializer
    filterset_class = EnquiryFilter
    search_fields = ["=number"]
    pagination_class = IdsFirstCursorPagination
    # After intake every change is a transition: no PATCH.
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_enquiry(
            by=self.request.user, community=data["community"], unit=data.get("unit"),
            resident=data.get("resident"), channel=data["channel"],
            topic=data.get("topic") or "other", question=data["question"],
            complex=data.get("complex", False))

    @extend_schema(request=EnquiryTransitionSerializer, responses=EnquirySerializer)
    @action(detail=True, methods=["post"], serializer_class=EnquiryTransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        enquiry = self.get_object()
        body = EnquiryTransitionSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        comment = data.get("comment") or data.get("reason") or ""
        expected_state = data.get("expected_state") or None
        if data["action"] == "convert":
            services.convert_enquiry(
                enquiry_id=enquiry.pk, user=request.user, into=data["into"],
                expected_state=expected_state, comment=comment,
                work_order_category=data.get("work_order_category"),
                complaint_category=data.get("complaint_category") or "")
        else:
            services.transition_enquiry(
                enquiry_id=enquiry.pk, user=request.user, action=data["action"],
                expected_state=expected_state, comment=comment, handler=data.get("handler"))
        enquiry = self.get_queryset().get(pk=enquiry.pk)
        return Response(EnquirySerializer(enquiry, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK)
