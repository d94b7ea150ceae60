"""REST resource: contracts (合同台账)."""

import django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view

from ..renewals.api import (
    COMMON_FIELDS,
    COMMON_READ_ONLY,
    AgreementSerializer,
    AgreementTransitionSerializer,
    AgreementViewSet,
)
from .models import Contract


class ContractSerializer(AgreementSerializer):
    class Meta:
        model = Contract
        fields = [*COMMON_FIELDS, "kind", "number", "counterparty", "value",
                  "notice_period_days", "auto_renew", "renewal_terms"]
        read_only_fields = COMMON_READ_ONLY


class ContractFilter(django_filters.FilterSet):
    end_before = django_filters.DateFilter(field_name="end_date", lookup_expr="lte")

    class Meta:
        model = Contract
        fields = ["state", "kind", "community", "responsible", "end_before"]


@extend_schema_view(transition=extend_schema(request=AgreementTransitionSerializer,
                                            responses=ContractSerializer))
class ContractViewSet(AgreementViewSet):
    base_queryset = Contract.objects.select_related("community", "responsible")
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    search_fields = ["number", "counterparty"]
    amount_field = "value"
