"""The figures pages as JSON: ``GET /api/v1/figures/work-orders/`` and
``GET /api/v1/figures/complaints/``: one month (``?month=YYYY-MM``, the latest holding records by
default), optionally of one community, one row per community (and, for repairs, per team or
technician) with each figure and the targets they are set against. The rows are those of the
caller's communities (``access.scoping.scope``), counted by the same code as the pages."""

from __future__ import annotations

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from ..access.scoping import scope
from ..complaints import figures as complaint_figures
from ..complaints.models import Complaint
from ..core.months import latest_month, month_param, this_month
from ..core.params import BadParameter, id_param
from ..core.replica import reading_replica
from ..core.targets import dispatch_standards
from ..workorders import figures as work_order_figures
from ..workorders.models import WorkOrder
from .tokens import ExpiringTokenAuthentication

COMMUNITY = OpenApiParameter("community", int, required=False,
                             description="Only this community's rows (its id).")
MONTH = OpenApiParameter("month", str, required=False, pattern=r"^\d{4}-\d{2}$",
                         description="The month, YYYY-MM, in local time (Asia/Shanghai). "
                                     "Default: the latest month holding records.")
TEAM = OpenApiParameter("team", int, required=False,
                        description="Only the orders of this team (its id).")
GROUP = OpenApiParameter("group", str, required=False,
                         enum=list(work_order_figures.GROUPS),
                         description="Rows per community (default), per team or per "
                                     "technician, within each community.")


def _figure_fields(keys) -> dict:
    return {key: serializers.FloatField(allow_null=True) for key in keys}


class FigureTargetSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    target = serializers.IntegerField(allow_null=True)
    higher_is_better = serializers.BooleanField()


WORK_ORDER_ROW = inline_serializer("WorkOrderFiguresRow", many=True, fields={
    "community": serializers.IntegerField(),
    "community_label": serializers.CharField(),
    "month": serializers.CharField(),
    "team": serializers.IntegerField(allow_null=True),
    "team_label": serializers.CharField(allow_null=True),
    "technician": serializers.IntegerField(allow_null=True),
    "technician_label": serializers.CharField(allow_null=True),
    "received": serializers.IntegerField(),
    **_figure_fields(work_order_figures.FIGURE_KEYS),
    "met": serializers.DictField(child=serializers.BooleanField(allow_null=True)),
})
COMPLAINT_ROW = inline_serializer("ComplaintFiguresRow", many=True, fields={
    "community": serializers.IntegerField(),
    "community_label": serializers.CharField(),
    "month": serializers.CharField(),
    "received": serializers.IntegerField(),
    **_figure_fields(complaint_figures.FIGURE_KEYS),
    "met": serializers.DictField(child=serializers.BooleanField(allow_null=True)),
    "top_categories": serializers.ListField(child=inline_serializer("TopCategory", {
        "label": serializers.CharField(), "count": serializers.IntegerField()})),
})
BAD_PARAMETER = OpenApiResponse(
    inline_serializer("FiguresBadParameter", {
        name: serializers.ListField(child=serializers.CharField(), required=False)
        for name in ("community", "month", "team", "group")}),
    description="A parameter that is not what the call accepts: its message, in the "
                "caller's language.")
REFUSED = OpenApiResponse(inline_serializer("FiguresRefused", {
    "detail": serializers.CharField()}), description="Not logged in, or not allowed.")


def _answer(month, figures, rows, **extra) -> Response:
    return Response({
        "month": f"{month:%Y-%m}",
        "targets": [{"key": f.key, "label": str(f.label), "target": f.target,
                     "higher_is_better": getattr(f, "higher_is_better", True)}
                    for f in figures],
        **extra,
        "results": rows,
    })


class FiguresView(APIView):
    """A figures call: the model's view permission (the roles file), the caller's rows only;
    a bad parameter is a 400 naming it."""

    # The token first: a call without credentials is told to authenticate (401).
    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]
    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.model.objects.none()
        return scope(self.model.objects.all(), self.request.user)

    def handle_exception(self, exc):
        if isinstance(exc, BadParameter):
            exc = ValidationError({exc.name: [str(exc.message)]})
        return super().handle_exception(exc)


class WorkOrderFiguresView(FiguresView):
    """Repair figures of one month: per community, team or technician, with the targets."""

    model = WorkOrder

    @extend_schema(
        operation_id="figures_work_orders", parameters=[COMMUNITY, MONTH, TEAM, GROUP],
        responses={200: inline_serializer("WorkOrderFigures", {
            "month": serializers.CharField(),
            "targets": FigureTargetSerializer(many=True),
            "dispatch_standard_minutes": serializers.DictField(
                child=serializers.IntegerField(),
                help_text="Per priority with a dispatch standard: the minutes from intake "
                          "within which its orders are dispatched."),
            "results": WORK_ORDER_ROW,
        }), 400: BAD_PARAMETER, 401: REFUSED, 403: REFUSED})
    @reading_replica()
    def get(self, request):
        visible = self.get_queryset()
        selection = work_order_figures.select(request.query_params, visible)
        shown = work_order_figures.figures()
        rows = work_order_figures.figure_rows(visible, request.user, selection)
        return _answer(selection.month, shown, [{
            "community": row["community_id"], "community_label": row["community"],
            "month": f"{row['month']:%Y-%m}",
            "team": row["team_id"], "team_label": row["team"],
            "technician": row["technician_id"], "technician_label": row["technician"],
            "received": row["received"],
            **{f.key: row[f.key] for f in shown},
            "met": {f.key: f.met(row[f.key]) for f in shown},
        } for row in rows], dispatch_standard_minutes=dispatch_standards())


class ComplaintFiguresView(FiguresView):
    """Complaint figures of one month, per community, with the targets."""

    model = Complaint

    @extend_schema(
        operation_id="figures_complaints", parameters=[COMMUNITY, MONTH],
        responses={200: inline_serializer("ComplaintFigures", {
            "month": serializers.CharField(),
            "targets": FigureTargetSerializer(many=True),
            "results": COMPLAINT_ROW,
        }), 400: BAD_PARAMETER, 401: REFUSED, 403: REFUSED})
    @reading_replica()
    def get(self, request):
        visible = self.get_queryset()
        month = month_param(request.query_params)
        community_id = id_param(request.query_params, "community")
        chosen = visible if community_id is None else visible.filter(community_id=community_id)
        if month is None:
            month = latest_month(chosen, "received_at") or this_month()
        rows = complaint_figures.figure_rows(visible, request.user, [month], community_id)
        shown = complaint_figures.figures()
        return _answer(month, shown, [{
            "community": row["community_id"], "community_label": row["community"],
            "month": f"{row['month']:%Y-%m}",
            "received": row["received"],
            **{f.key: row[f.key] for f in shown},
            "met": {f.key: complaint_figures.meets_target(row[f.key], f.target) for f in shown},
            "top_categories": [{"label": label, "count": n}
                               for label, n in row["top_categories"]],
        } for row in rows])

