"""REST resources of contracts and insurance policies: one base, each kind names its fields.

Reads add ``days_to_expiry`` and ``renewal_step``; ``POST .../<id>/transition/`` fires
``activate``, ``negotiate``, ``renew`` (with the successor's number, ``end_date`` and figure)
and ``terminate`` (with a ``reason``). Once in force only a few fields may still be corrected.
"""

from __future__ import annotations

from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.response import Response

from ..api.pagination import IdsFirstCursorPagination
from ..api.permissions import ModelViewPermission
from ..api.serializers import ScopedModelSerializer
from ..registry.api import ScopedViewSet
from . import services
from .selectors import search_agreements
from .states import ACTIONS

COMMON_FIELDS = ["id", "community", "state", "start_date", "end_date", "currency",
                 "responsible", "days_to_expiry", "renewal_step", "successor", "terminated_on",
                 "termination_reason", "notes", "created_at"]
COMMON_READ_ONLY = ["state", "renewal_step", "successor", "terminated_on", "termination_reason",
                    "created_at"]


class AgreementSerializer(ScopedModelSerializer):
    days_to_expiry = serializers.SerializerMethodField()

    def get_days_to_expiry(self, agreement) -> int:
        return agreement.days_to_expiry(timezone.localdate())

    # Once in force, only the model's ``editable_in_force`` may be sent in a PATCH (the base
    # serializer refuses the rest).


class AgreementTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    expected_state = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    number = serializers.CharField(required=False, allow_blank=True, max_length=50,
                                   help_text="renew: the successor's contract or policy number")
    start_date = serializers.DateField(required=False, allow_null=True,
                                       help_text="renew: default the day after the end date")
    end_date = serializers.DateField(required=False, allow_null=True,
                                     help_text="renew: the successor's end date")
    amount = serializers.DecimalField(required=False, allow_null=True, max_digits=14,
                                      decimal_places=2, min_value=0,
                                      help_text="renew: the successor's value or premium")


class AgreementSearchFilter(SearchFilter):
    """``?search=``: the beginning of the number, or words of the other party's name
    (``search_agreements``)."""

    def filter_queryset(self, request, queryset, view):
        terms = self.get_search_terms(request)
        return search_agreements(queryset, " ".join(terms)) if terms else queryset


class AgreementViewSet(ScopedViewSet):
    """Subclasses set ``amount_field`` (what a renewal restates with the model's number)."""

    pagination_class = IdsFirstCursorPagination
    filter_backends = [DjangoFilterBackend, AgreementSearchFilter]
    http_method_names = ["get", "post", "patch", "head", "options"]
    amount_field = ""

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_agreement(model=self.base_queryset.model,
                                                        by=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = services.correct_agreement(
            model=self.base_queryset.model, pk=serializer.instance.pk, user=self.request.user,
            changes=dict(serializer.validated_data))

    @extend_schema(request=AgreementTransitionSerializer)
    @action(detail=True, methods=["post"], serializer_class=AgreementTransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        agreement = self.get_object()
        body = AgreementTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        successor = None
        if data["action"] == "renew":
            successor = {self.base_queryset.model.number_field: data.get("number"),
                         "start_date": data.get("start_date"), "end_date": data.get("end_date"),
                         self.amount_field: data.get("amount")}
        services.transition_agreement(
            model=self.base_queryset.model, pk=agreement.pk, user=request.user,
            action=data["action"], expected_state=data.get("expected_state") or None,
            comment=data.get("comment") or data.get("reason") or "", successor=successor)
        agreement = self.get_queryset().get(pk=agreement.pk)
        serializer = type(self).serializer_class(agreement,
                                                 context=self.get_serializer_context())
        return Response(serializer.data, status=status.HTTP_200_OK)
