"""The caller's own notifications: read-only, plus marking one as read."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from ..core.models import Notification
from ..core.notifications import mark_read
from .serializers import ChoiceLabelField


class NotificationSerializer(serializers.ModelSerializer):
    # A plain serializer: nothing here links to community rows, and nothing is written.
    kind_label = ChoiceLabelField(Notification._meta.get_field("kind"), source="kind")
    read = serializers.BooleanField(read_only=True)
    target_type = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "message", "created_at", "read", "read_at",
                  "target_type", "target_id"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="app_label.model"))
    def get_target_type(self, notification):
        content_type = notification.target_type
        if content_type is None:
            return None
        return f"{content_type.app_label}.{content_type.model}"


class NotificationFilter(django_filters.FilterSet):
    read = django_filters.BooleanFilter(method="filter_read")

    class Meta:
        model = Notification
        fields = ["read", "kind"]

    def filter_read(self, queryset, name, value):
        return queryset.filter(read_at__isnull=not value)


class NotificationViewSet(viewsets.ReadOnlyModelViewSet):
    """Any signed-in user, whatever their roles, reaches their own notifications and no one
    else's (another user's id is 404, like a missing one)."""

    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated]
    filterset_class = NotificationFilter

    def get_queryset(self):
        return Notification.objects.filter(user_id=self.request.user.pk).select_related(
            "target_type")

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = mark_read(user=request.user, notification_id=self.get_object().pk)
        return Response(self.get_serializer(notification).data)
