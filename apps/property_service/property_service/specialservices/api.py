"""REST resources: ``special-services`` (the catalogue), ``special-service-orders`` (with
/transition/ for the quote, its answer, the amount charged and the payment) and
``figures/special-services/`` (orders, revenue and satisfaction per community and month)."""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ..api.figures import BAD_PARAMETER, COMMUNITY, MONTH, REFUSED, FiguresView
from ..api.pagination import IdsFirstCursorPagination
from ..api.permissions import ModelViewPermission
from ..api.serializers import ChoiceLabelField, ScopedModelSerializer
from ..core.months import latest_month, month_param, this_month
from ..core.params import id_param
from ..registry.api import ScopedViewSet
from ..workorders.models import Channel, WorkOrder
from . import services
from .figures import figures_for
from .models import SpecialService, SpecialServiceOrder
from .states import PaymentMethod

TRANSITIONS = ("quote", "accept_quote", "decline_quote", "charge", "pay", "waive")
MONEY_FIELD = {"max_digits": 10, "decimal_places": 2, "coerce_to_string": True}


class SpecialServiceSerializer(ScopedModelSerializer):
    label = serializers.CharField(read_only=True)
    price_text = serializers.CharField(source="price_label", read_only=True)

    class Meta:
        model = SpecialService
        fields = ["id", "community", "code", "name", "name_en", "label", "description",
                  "category", "team", "pricing", "price", "price_min", "price_max", "unit",
                  "price_text", "is_active"]


class SpecialServiceFilter(django_filters.FilterSet):
    class Meta:
        model = SpecialService
        fields = ["community", "category", "pricing", "is_active"]


class SpecialServiceViewSet(ScopedViewSet):
    base_queryset = SpecialService.objects.select_related("community", "category", "team")
    serializer_class = SpecialServiceSerializer
    filterset_class = SpecialServiceFilter
    search_fields = ["code", "name", "name_en"]
    pagination_class = IdsFirstCursorPagination


class SpecialServiceOrderSerializer(ScopedModelSerializer):
    number = serializers.CharField(read_only=True)
    work_order_state = serializers.CharField(source="work_order.state", read_only=True)
    work_order_state_label = ChoiceLabelField(WorkOrder._meta.get_field("state"),
                                              source="work_order.state")
    expected_amount = serializers.DecimalField(read_only=True, allow_null=True, **MONEY_FIELD)
    satisfaction = serializers.IntegerField(source="work_order.satisfaction", read_only=True,
                                            allow_null=True)

    class Meta:
        model = SpecialServiceOrder
        fields = ["id", "number", "community", "service", "work_order", "work_order_state",
                  "work_order_state_label", "unit", "resident", "channel", "preferred_at",
                  "notes", "ordered_at", "pricing", "list_price", "quote_status",
                  "quoted_amount", "quote_note", "quoted_by", "quoted_at", "quote_answered_at",
                  "expected_amount", "quantity", "charged_amount", "charge_reason", "charged_at",
                  "payment_status", "payment_method", "paid_at", "waive_reason", "waived_at",
                  "satisfaction"]
        read_only_fields = [f for f in fields if f not in (
            "service", "unit", "resident", "channel", "preferred_at", "notes")]
        extra_kwargs = {"channel": {"default": Channel.PHONE}}

    def validate(self, attrs):
        # What the order service derives (the unit's community, the item's pricing), so the
        # model's own validation sees a whole order; the service checks the rest.
        unit, service = attrs.get("unit"), attrs.get("service")
        if unit is not None:
            attrs["community"] = unit.building.community
        if service is not None:
            attrs["pricing"] = service.pricing
        return super().validate(attrs)


class SpecialServiceTransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(TRANSITIONS))
    # Checked by the service (``rules.amount_problem``): a refusal names the field.
    amount = serializers.CharField(required=False, allow_blank=True, default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    quantity = serializers.CharField(required=False, allow_blank=True, default="",
                                     help_text="Of a fixed-price service's unit (charge).")
    method = serializers.ChoiceField(choices=PaymentMethod.choices, required=False)
    paid_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate(self, attrs):
        if attrs["action"] == "pay" and not attrs.get("method"):
            raise serializers.ValidationError({"method": [
                serializers.Field.default_error_messages["required"]]})
        return attrs


class SpecialServiceOrderFilter(django_filters.FilterSet):
    class Meta:
        model = SpecialServiceOrder
        fields = ["community", "service", "unit", "quote_status", "payment_status"]


class SpecialServiceOrderViewSet(ScopedViewSet):
    base_queryset = SpecialServiceOrder.objects.select_related(
        "community", "service", "work_order", "unit__building__community", "resident",
        "quoted_by")
    serializer_class = SpecialServiceOrderSerializer
    filterset_class = SpecialServiceOrderFilter
    search_fields = ["=work_order__number"]
    pagination_class = IdsFirstCursorPagination
    # After the order every change is a transition: no PATCH.
    http_method_names = ["get", "post", "head", "options"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.order_special_service(
            by=self.request.user, service_id=data["service"].pk, unit=data["unit"],
            resident=data.get("resident"), channel=data["channel"],
            preferred_at=data.get("preferred_at"), notes=data.get("notes", ""))

    @extend_schema(request=SpecialServiceTransitionSerializer,
                   responses=SpecialServiceOrderSerializer)
    @action(detail=True, methods=["post"], serializer_class=SpecialServiceTransitionSerializer,
            permission_classes=[ModelViewPermission])
    def transition(self, request, pk=None):
        order = self.get_object()
        body = SpecialServiceTransitionSerializer(data=request.data,
                                                  context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        name, user = data["action"], request.user
        comment = data.get("comment") or data.get("reason") or ""
        if name == "quote":
            services.quote(order_id=order.pk, user=user, amount=data["amount"], note=comment)
        elif name in ("accept_quote", "decline_quote"):
            services.answer_quote(order_id=order.pk, user=user,
                                  accepted=name == "accept_quote", comment=comment)
        elif name == "charge":
            services.record_charge(order_id=order.pk, user=user, amount=data["amount"],
                                   reason=comment, quantity=data["quantity"])
        elif name == "pay":
            services.record_payment(order_id=order.pk, user=user, method=data["method"],
                                    paid_at=data.get("paid_at"))
        else:
            services.waive_payment(order_id=order.pk, user=user, reason=comment)
        order = self.get_queryset().get(pk=order.pk)
        return Response(SpecialServiceOrderSerializer(
            order, context=self.get_serializer_context()).data, status=status.HTTP_200_OK)


FIGURES_ROW = inline_serializer("SpecialServiceFiguresRow", many=True, fields={
    "community": serializers.IntegerField(),
    "community_label": serializers.CharField(),
    "month": serializers.CharField(),
    "orders": serializers.IntegerField(),
    "charged": serializers.CharField(),
    "paid": serializers.CharField(),
    "waived": serializers.CharField(),
    "satisfaction": serializers.CharField(allow_null=True),
    "ratings": serializers.IntegerField(),
})


class SpecialServiceFiguresView(FiguresView):
    """Special services of one month, per community: orders, revenue charged, paid and
    waived (CNY, as strings), and the average follow-up satisfaction (1-5)."""

    model = SpecialServiceOrder

    @extend_schema(
        operation_id="figures_special_services", parameters=[COMMUNITY, MONTH],
        responses={200: inline_serializer("SpecialServiceFigures", {
            "month": serializers.CharField(), "results": FIGURES_ROW}),
            400: BAD_PARAMETER, 401: REFUSED, 403: REFUSED})
    def get(self, request):
        # Revenue is for the office (who sees the catalogue), not for the technicians.
        if not request.user.has_perm("property_service.view_specialservice"):
            raise PermissionDenied()
        chosen = self.get_queryset()
        month = month_param(request.query_params)
        community_id = id_param(request.query_params, "community")
        if community_id is not None:
            chosen = chosen.filter(community_id=community_id)
        month = month or latest_month(chosen, "ordered_at") or this_month()
        rows = figures_for(chosen, month)
        return Response({"month": f"{month:%Y-%m}", "results": [{
            "community": row.community_id, "community_label": row.community,
            "month": f"{row.month:%Y-%m}", "orders": row.orders,
            "charged": str(row.charged), "paid": str(row.paid), "waived": str(row.waived),
            "satisfaction": None if row.satisfaction is None else str(row.satisfaction),
            "ratings": row.ratings} for row in rows]})

