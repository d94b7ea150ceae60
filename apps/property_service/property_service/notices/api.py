"""REST resource: notices (通知/公告), drafted and published by staff; ``read_count`` is how
many residents' accounts opened it in the portal."""

from __future__ import annotations

from django.db.models import Count
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api.permissions import ModelViewPermission
from ..api.serializers import ScopedModelSerializer
from ..registry.api import ScopedViewSet
from ..registry.models import check_places_in_community
from . import services
from .models import Notice
from .states import ACTIONS


class NoticeSerializer(ScopedModelSerializer):
    read_count = serializers.IntegerField(read_only=True,
                                          help_text="Residents' accounts that opened it")

    class Meta:
        model = Notice
        fields = ["id", "community", "buildings", "title", "body", "kind", "urgent",
                  "publish_at", "expire_at", "state", "published_at", "published_by",
                  "withdrawn_at", "withdraw_reason", "source_incident", "read_count",
                  "created_at"]
        read_only_fields = ["state", "published_at", "published_by", "withdrawn_at",
                            "withdraw_reason", "source_incident", "created_at"]

    def validate(self, attrs):
        community = attrs.get("community") or getattr(self.instance, "community", None)
        if community is not None and "buildings" in attrs:
            check_places_in_community(community.pk, buildings=attrs["buildings"])
        return super().validate(attrs)


class NoticeTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    expected_state = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


@extend_schema_view(partial_update=extend_schema(responses=NoticeSerializer))
class NoticeViewSet(ScopedViewSet):
    base_queryset = Notice.objects.select_related("community").prefetch_related(
        "buildings").annotate(read_count=Count("reads", distinct=True))
    serializer_class = NoticeSerializer
    filterset_fields = ["state", "kind", "urgent", "community"]
    search_fields = ["^title"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.create_notice(by=self.request.user, **data)

    def perform_update(self, serializer):
        # What the notice still lets change (``Notice.editable_fields``: a draft's text, places
        # and dates); the serializer refuses a PATCH of anything else, naming the field.
        notice = services.correct_notice(notice_id=serializer.instance.pk,
                                         user=self.request.user,
                                         changes=dict(serializer.validated_data))
        serializer.instance = self.get_queryset().get(pk=notice.pk)  # with its read count

    @extend_schema(request=NoticeTransitionSerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"], serializer_class=NoticeTransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        notice = self.get_object()
        body = NoticeTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        services.transition_notice(
            notice_id=notice.pk, user=request.user, action=data["action"],
            expected_state=data.get("expected_state") or None,
            comment=data.get("comment") or data.get("reason") or "")
        notice = self.get_queryset().get(pk=notice.pk)
        return Response(NoticeSerializer(notice, context=self.get_serializer_context()).data)
