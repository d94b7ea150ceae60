"""The renewal dashboard (续约看板): every contract and policy by time left to its end date
(within each renewal threshold, expired), per community, with who is responsible and the
renewal state; the same table as an Excel workbook."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, Q, Value, When
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..access.roles import may_export
from ..access.scoping import scope
from ..core.params import choice_param, id_param
from ..core.replica import reading_replica
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


# Rows shown in each group; a longer group says how long it is and links to the full lists.
ROWS_PER_GROUP = 50


def _counterparty(agreement) -> str:
    return getattr(agreement, "counterparty", None) or getattr(agreement, "insurer", "")


def bucket_expression(today: datetime.date, steps: tuple[rules.Threshold, ...]) -> Case:
    """``rules.bucket`` of each row's end date, computed by the database: "expired" before
    today, else the code of the latest threshold reached, else NULL."""
    whens = [When(end_date__lt=today, then=Value(rules.EXPIRED))]
    # Latest (nearest the end) first: the first one reached is the row's group.
    whens += [When(end_date__lte=rules.last_end_reached(today, t), then=Value(t.code))
              for t in reversed(steps)]
    return Case(*whens, default=None, output_field=CharField())


def group_q(code: str, today: datetime.date, steps: tuple[rules.Threshold, ...]) -> Q:
    """Agreements on the dashboard (in force, or expired) whose group is ``code``, as a
    condition on their state and end date (their index)."""
    shown = Q(state__in=(*LIVE_STATES, State.EXPIRED))
    if code == rules.EXPIRED:
        return shown & Q(end_date__lt=today)
    ordered = list(reversed(steps))  # nearest the end first
    codes = [t.code for t in ordered]
    if code not in codes:
        return Q(pk__in=[])
    position = codes.index(code)
    condition = shown & Q(end_date__gte=today,
                          end_date__lte=rules.last_end_reached(today, ordered[position]))
    if position:
        condition &= Q(end_date__gt=rules.last_end_reached(today, ordered[position - 1]))
    return condition


def _visible(model, user, community_id):
    queryset = scope(model.objects.all(), user).filter(
        state__in=(*LIVE_STATES, State.EXPIRED))
    if community_id is not None:
        queryset = queryset.filter(community_id=community_id)
    return queryset


def _viewable_models(user) -> list:
    return [m for m in renewable_models()
            if user.has_perm(f"{m._meta.app_label}.view_{m._meta.model_name}")]


# The stand-in for an agreement's key in its kind's change link, drawn once per kind.
_KEY = "__agreement__"


def _rows(agreements, today, thresholds) -> list[Row]:
    """The rows of ``agreements``, in their order. What every agreement of a kind shares (the
    kind's name, its change link, its state labels) is worked out once per kind."""
    kinds: dict = {}
    rows = []
    for agreement in agreements:
        model = type(agreement)
        if model not in kinds:
            opts = model._meta
            link = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[_KEY])
            states = {value: str(label) for value, label in opts.get_field("state").flatchoices}
            kinds[model] = (str(opts.verbose_name), link, states)
        kind, link, states = kinds[model]
        rows.append(Row(
            kind=kind, reference=str(agreement), counterparty=_counterparty(agreement),
            community=agreement.community.name, community_id=agreement.community_id,
            responsible=str(agreement.responsible), state=agreement.state,
            state_label=states.get(agreement.state, agreement.state),
            end_date=agreement.end_date,
            days_left=rules.days_to_expiry(agreement.end_date, today),
            bucket=rules.bucket(agreement.end_date, today, thresholds) or "",
            url=link.replace(_KEY, str(agreement.pk))))
    return rows


def _soonest(agreements: list) -> list:
    """Soonest end first, then by reference (as the rows are shown)."""
    return sorted(agreements, key=lambda a: (a.end_date, str(a)))


def dashboard_rows(user, *, today: datetime.date, community_id: int | None = None) -> list[Row]:
    """Agreements in force within the largest threshold of their end, and expired ones, that
    ``user`` may see, soonest first (every one: the workbook)."""
    thresholds = rules.thresholds()
    horizon = rules.horizon(today, thresholds)
    agreements = []
    for model in _viewable_models(user):
        agreements += _visible(model, user, community_id).filter(
            end_date__lte=horizon).select_related("community", "responsible")
    return _rows(_soonest(agreements), today, thresholds)


def group_counts(user, *, today: datetime.date, community_id: int | None = None
                 ) -> dict[tuple[int, str], int]:
    """How many agreements each community has in each group: one grouped query per kind, on
    the state and end-date index."""
    thresholds = rules.thresholds()
    counts: dict[tuple[int, str], int] = {}
    for model in _viewable_models(user):
        grouped = (_visible(model, user, community_id)
                   .filter(end_date__lte=rules.horizon(today, thresholds))
                   .order_by().annotate(group=bucket_expression(today, thresholds))
                   .exclude(group=None).values("community_id", "group")
                   .annotate(n=Count("pk")))
        for line in grouped:
            key = (line["community_id"], line["group"])
            counts[key] = counts.get(key, 0) + line["n"]
    return counts


def group_rows(user, code: str, *, today: datetime.date, community_id: int | None = None,
               limit: int | None = None) -> list[Row]:
    """The first ``limit`` (``ROWS_PER_GROUP``) agreements of group ``code``, soonest first:
    at most ``limit`` of each kind, read off the end-date index."""
    limit = ROWS_PER_GROUP if limit is None else limit
    thresholds = rules.thresholds()
    agreements = []
    for model in _viewable_models(user):
        queryset = _visible(model, user, community_id).filter(group_q(code, today, thresholds))
        # The end date of the limit-th soonest (off the end-date index), then every row up
        # to it: the ties on that day are sorted by reference like the others.
        last = list(queryset.order_by("end_date", "id").values_list("end_date", flat=True)[
            limit - 1:limit])
        if last:
            queryset = queryset.filter(end_date__lte=last[0])
        agreements += queryset.select_related("community", "responsible")
    # Only the rows shown are drawn: of each kind's soonest, the soonest of all.
    return _rows(_soonest(agreements)[:limit], today, thresholds)


def buckets() -> list[tuple[str, str]]:
    """The dashboard's groups, most urgent first: (code, label)."""
    return [(rules.EXPIRED, str(_("Expired")))] + [
        (t.code, str(t.within())) for t in reversed(rules.thresholds())]


def dashboard_view(request, model_admin):
    if not _viewable_models(request.user):
        raise PermissionDenied
    community_id = id_param(request.GET, "community")
    today = timezone.localdate()
    exportable = [str(m._meta.verbose_name) for m in renewable_models()
                  if may_export(request.user, m)]
    if request.GET.get("format") == "xlsx":
        if not exportable:
            raise PermissionDenied
        with reading_replica():  # an export (core/replica.py)
            rows = dashboard_rows(request.user, today=today, community_id=community_id)
        return _xlsx_response([r for r in rows if r.kind in exportable])
    counts = group_counts(request.user, today=today, community_id=community_id)
    names = dict(scope(Community.objects.filter(
        pk__in={community for community, _code in counts}), request.user)
        .values_list("pk", "name"))
    lists = [(m._meta.verbose_name_plural,
              reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"))
             for m in _viewable_models(request.user)]
    groups = []
    for code, label in buckets():
        size = sum(n for (_community, group), n in counts.items() if group == code)
        query = {RenewalGroupFilter.parameter_name: code}
        if community_id is not None:
            query["community__id__exact"] = community_id
        groups.append({
            "code": code, "label": label, "size": size,
            "rows": group_rows(request.user, code, today=today, community_id=community_id)
            if size else [],
            "more": [(plural, f"{url}?{urlencode(query)}") for plural, url in lists]
            if size > ROWS_PER_GROUP else []})
    summary = [{"community": name, "counts": [counts.get((pk, code), 0)
                                              for code, _label in buckets()]}
               for pk, name in sorted(names.items(), key=lambda item: item[1])]
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


class RenewalGroupFilter(admin.SimpleListFilter):
    """The dashboard's groups on the lists of contracts and policies (its "more" links): in
    force or expired, and in this group."""

    title = _("renewal dashboard group")
    parameter_name = "renewal_group"

    def lookups(self, request, model_admin):
        return buckets()

    def queryset(self, request, queryset):
        value = choice_param(request.GET, self.parameter_name,
                             [code for code, _label in self.lookup_choices])
        if value is None:
            return queryset
        return queryset.filter(group_q(value, timezone.localdate(), rules.thresholds()))


def _xlsx_response(rows: list[Row]) -> HttpResponse:
    labels = dict(buckets())
    return xlsx_response(
        title=_("Renewals"), filename="renewals.xlsx",
        header=[_("Group"), _("Kind"), _("Reference"), _("Counterparty"), _("Community"),
                _("Responsible"), _("State"), _("End date"), _("Days left")],
        rows=([labels.get(r.bucket, ""), r.kind, r.reference, r.counterparty, r.community,
               r.responsible, r.state_label, r.end_date, r.days_left] for r in rows))
