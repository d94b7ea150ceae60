"""REST resources: insurance policies (物业保险) and claims (理赔)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from ..api.permissions import ModelViewPermission
from ..api.serializers import ScopedModelSerializer
from ..registry.api import ScopedViewSet
from ..renewals.api import (
    COMMON_FIELDS,
    COMMON_READ_ONLY,
    AgreementSerializer,
    AgreementTransitionSerializer,
    AgreementViewSet,
)
from . import claims
from .claim_states import CLAIM_ACTIONS
from .models import Claim, InsurancePolicy


class InsurancePolicySerializer(AgreementSerializer):
    class Meta:
        model = InsurancePolicy
        fields = [*COMMON_FIELDS, "kind", "insurer", "policy_number", "insured_assets", "cover",
                  "sum_insured", "premium"]
        read_only_fields = COMMON_READ_ONLY


class InsurancePolicyFilter(django_filters.FilterSet):
    end_before = django_filters.DateFilter(field_name="end_date", lookup_expr="lte")

    class Meta:
        model = InsurancePolicy
        fields = ["state", "kind", "community", "responsible", "end_before"]


@extend_schema_view(transition=extend_schema(request=AgreementTransitionSerializer,
                                            responses=InsurancePolicySerializer))
class InsurancePolicyViewSet(AgreementViewSet):
    base_queryset = InsurancePolicy.objects.select_related("community", "responsible")
    serializer_class = InsurancePolicySerializer
    filterset_class = InsurancePolicyFilter
    search_fields = ["policy_number", "insurer"]
    amount_field = "premium"


class ClaimSerializer(ScopedModelSerializer):
    class Meta:
        model = Claim
        fields = ["id", "number", "policy", "incident", "loss_date", "description",
                  "amount_claimed", "insurer_reference", "state", "submitted_on", "decided_on",
                  "amount_approved", "rejection_reason", "amount_paid", "paid_on", "created_at"]
        read_only_fields = ["number", "state", "submitted_on", "decided_on", "amount_approved",
                            "rejection_reason", "amount_paid", "paid_on", "created_at"]


class ClaimTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(CLAIM_ACTIONS))
    expected_state = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(required=False, allow_null=True, max_digits=14,
                                      decimal_places=2,
                                      help_text="approve: the amount approved; pay: received")
    insurer_reference = serializers.CharField(required=False, allow_blank=True, max_length=50,
                                              default="")


@extend_schema_view(partial_update=extend_schema(responses=ClaimSerializer))
class ClaimViewSet(ScopedViewSet):
    base_queryset = Claim.objects.select_related("policy")
    serializer_class = ClaimSerializer
    filterset_fields = ["state", "policy", "incident"]
    search_fields = ["=number", "insurer_reference"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = claims.create_claim(by=self.request.user,
                                                  **serializer.validated_data)

    def perform_update(self, serializer):
        # What the claim's state leaves correctable (``Claim.editable_fields``); the
        # serializer refuses a PATCH of anything else, naming the field.
        serializer.instance = claims.correct_claim(
            claim_id=serializer.instance.pk, user=self.request.user,
            changes=dict(serializer.validated_data))

    @extend_schema(request=ClaimTransitionSerializer, responses=ClaimSerializer)
    @action(detail=True, methods=["post"], serializer_class=ClaimTransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        claim = self.get_object()
        body = ClaimTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        claims.transition_claim(
            claim_id=claim.pk, user=request.user, action=data["action"],
            expected_state=data.get("expected_state") or None,
            comment=data.get("comment") or data.get("reason") or "", amount=data.get("amount"),
            insurer_reference=data.get("insurer_reference") or "")
        claim = self.get_queryset().get(pk=claim.pk)
        return Response(ClaimSerializer(claim, context=self.get_serializer_context()).data)
