"""The renewal dashboard (续约看板): every contract and policy by time left to its end date
(within each renewal threshold, expired), per community, with who is responsible and the
renewal state; the same table as an Excel workbook."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access.roles import may_export
from ..access.scoping import scope
from ..core.params import id_param
from ..core.spreadsheets import xlsx_response
from ..registry.models import Community
from . import rules
from .scan import renewable_models
from .states import LIVE_STATES, State


@dataclass(frozen=True)
class Row:
    kind: str
    reference: str
    counterparty: str
    community: str
    community_id: int
    responsible: str
    state: str
    state_label: str
    end_date: datetime.date
    days_left: int
    bucket: str
    url: str


def _counterparty(agreement) -> str:
    return getattr(agreement, "counterparty", None) or getattr(agreement, "insurer", "")


def dashboard_rows(user, *, today: datetime.date, community_id: int | None = None) -> list[Row]:
    """Agreements in force within the largest threshold of their end, and expired ones, that
    ``user`` may see, soonest first."""
    thresholds = rules.thresholds()
    horizon = rules.horizon(today, thresholds)
    rows = []
    for model in renewable_models():
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        queryset = scope(model.objects.all(), user).filter(
            state__in=(*LIVE_STATES, State.EXPIRED), end_date__lte=horizon
        ).select_related("community", "responsible")
        if community_id is not None:
            queryset = queryset.filter(community_id=community_id)
        for agreement in queryset:
            left = rules.days_to_expiry(agreement.end_date, today)
            rows.append(Row(
                kind=str(opts.verbose_name), reference=str(agreement),
                counterparty=_counterparty(agreement), community=agreement.community.name,
                community_id=agreement.community_id, responsible=str(agreement.responsible),
                state=agreement.state, state_label=agreement.get_state_display(),
                end_date=agreement.end_date, days_left=left,
                bucket=rules.bucket(agreement.end_date, today, thresholds) or "",
                url=reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                            args=[agreement.pk])))
    return sorted(rows, key=lambda r: (r.end_date, r.reference))


def buckets() -> list[tuple[str, str]]:
    """The dashboard's groups, most urgent first: (code, label)."""
    return [(rules.EXPIRED, str(_("Expired")))] + [
        (t.code, str(t.within())) for t in reversed(rules.thresholds())]


def dashboard_view(request, model_admin):
    if not any(request.user.has_perm(f"{m._meta.app_label}.view_{m._meta.model_name}")
               for m in renewable_models()):
        raise PermissionDenied
    community_id = id_param(request.GET, "community")
    today = timezone.localdate()
    rows = dashboard_rows(request.user, today=today, community_id=community_id)
    exportable = [str(m._meta.verbose_name) for m in renewable_models()
                  if may_export(request.user, m)]
    if request.GET.get("format") == "xlsx":
        if not exportable:
            raise PermissionDenied
        return _xlsx_response([r for r in rows if r.kind in exportable])
    groups = [{"code": code, "label": label, "rows": [r for r in rows if r.bucket == code]}
              for code, label in buckets()]
    summary = [{"community": name, "counts": [
        sum(1 for r in rows if r.community == name and r.bucket == code)
        for code, _label in buckets()]} for name in sorted({r.community for r in rows})]
    export_query = request.GET.copy()
    export_query["format"] = "xlsx"
    return TemplateResponse(request, "property_service/renewal_dashboard.html", {
        **model_admin.admin_site.each_context(request),
        "title": _("Renewals"),
        "today": today,
        "groups": groups,
        "summary": summary,
        "communities": scope(Community.objects.order_by("name"), request.user),
        "selected_community": community_id,
        "export_query": export_query.urlencode() if exportable else "",
    })


def _xlsx_response(rows: list[Row]) -> HttpResponse:
    labels = dict(buckets())
    return xlsx_response(
        title=_("Renewals"), filename="renewals.xlsx",
        header=[_("Group"), _("Kind"), _("Reference"), _("Counterparty"), _("Community"),
                _("Responsible"), _("State"), _("End date"), _("Days left")],
        rows=([labels.get(r.bucket, ""), r.kind, r.reference, r.counterparty, r.community,
               r.responsible, r.state_label, r.end_date, r.days_left] for r in rows))
