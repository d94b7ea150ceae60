from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..access.scoping import scope
from ..core.admin import BaseAdmin, BigTableListMixin, WorkflowActionsMixin
from ..core.display import state_and_label
from ..core.filters import ScopedRelatedFilter
from ..core.lists import count_cap, count_label
from ..core.months import month_param, this_month
from ..core.params import choice_param
from ..registry.models import Community
from . import services
from .models import State, Visit
from .selectors import (
    QUEUES,
    plan_rows,
    queue_condition,
    queue_counts,
    queue_labels,
    sources,
    visit_events,
    visit_rate,
)


class QueueFilter(admin.SimpleListFilter):
    """The visit plan's queues, each with its size."""

    title = _("queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        cap = count_cap()
        counts = queue_counts(request.user, timezone.now(), cap, only=("visit",))["visit"]
        return [(name, f"{label} ({count_label(counts[name], cap)})")
                for name, label in queue_labels().items()]

    def queryset(self, request, queryset):
        if self.value() in QUEUES:
            visit = sources()[0]
            return queryset.filter(state=State.PLANNED).filter(
                queue_condition(visit, self.value(), request.user, timezone.now()))
        return queryset


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("done", "done"), ("unreachable", "unreachable"),
                                        ("cancel", "cancel"), ("assign", "assign")])
    expected_state = forms.CharField(required=False)
    outcome = forms.CharField(required=False)
    satisfaction = forms.IntegerField(required=False, min_value=1, max_value=5)
    assignee = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_active=True),
                                      required=False)


@admin.register(Visit)
class VisitAdmin(BigTableListMixin, WorkflowActionsMixin, BaseAdmin):
    action_form_class = ActionForm
    list_display = ["unit", "kind", "state_badge", "planned_on", "due_at", "assignee",
                    "done_at", "satisfaction"]
    list_filter = [QueueFilter, "state", "kind", ("community", ScopedRelatedFilter)]
    list_select_related = ["unit__building__community", "assignee"]
    search_fields = ["=unit__number"]
    search_help_text = _("Exact unit number.")
    date_hierarchy = "due_at"
    change_form_outer_before_template = "property_service/visit_actions.html"
    fields = ["kind", "state", "community", "unit", "resident", "occupancy", "work_order",
              "step", "planned_on", "due_at", "assignee", "outcome", "satisfaction", "done_at",
              "done_by"]
    add_fields = ["unit", "resident", "due_at"]
    autocomplete_fields = ["unit", "resident"]

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        # Every change goes through the actions above the form.
        return [] if obj is None else self.fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        created = services.visit_create(by=request.user, unit=data["unit"],
                                         resident=data.get("resident"), due_at=data["due_at"])
        obj.pk, obj._state.adding = created.pk, False

    @display(description=_("state"), ordering="state", label={
        State.PLANNED: "info", State.DONE: "success", State.UNREACHABLE: "warning",
        State.CANCELLED: ""})
    def state_badge(self, visit):
        return state_and_label(visit)

    def perform_action(self, user, visit, data):
        name, expected = data["action"], data["expected_state"] or None
        if name == "assign":
            return services.visit_assign(visit_id=visit.pk, user=user,
                                         assignee=data["assignee"])
        if name == "cancel":
            return services.visit_cancel(visit_id=visit.pk, user=user, reason=data["outcome"],
                                         expected_state=expected)
        return services.visit_record(visit_id=visit.pk, user=user, reached=name == "done",
                                     outcome=data["outcome"],
                                     satisfaction=data["satisfaction"],
                                     expected_state=expected)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            user = request.user
            planned = obj.state == State.PLANNED
            context.update({
                "v_act_url": reverse("admin:property_service_visit_act", args=[obj.pk]),
                "v_can_record": planned and user.has_perm("property_service.record_visit"),
                "v_can_plan": planned and user.has_perm("property_service.plan_visit"),
                "v_staff": _visit_staff(obj) if planned
                and user.has_perm("property_service.plan_visit") else [],
                "v_events": visit_events(obj, user),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path("plan/", self.admin_site.admin_view(self.plan_view),
                 name="property_service_visit_plan"),
        ] + super().get_urls()

    def plan_view(self, request):
        """The visit plan: the queues of the visits, the complaints' follow-ups and the repairs'
        follow-up calls side by side, and the visit rate per community for a month."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        now = timezone.now()
        queue = choice_param(request.GET, "queue", QUEUES) or "due_today"
        month = month_param(request.GET) or this_month()
        cap = count_cap()
        counts = queue_counts(request.user, now, cap)
        labels = queue_labels()
        context = {
            **self.admin_site.each_context(request),
            "title": _("Follow-up visit plan"),
            "queue": queue,
            "queues": [{"key": key, "label": labels[key],
                        "counts": [(source.label, count_label(counts[source.key][key], cap))
                                   for source in sources()]} for key in QUEUES],
            "rows": plan_rows(request.user, queue, now),
            "month": month,
            "rates": visit_rate(self.get_queryset(request), month),
            "communities": scope(Community.objects.order_by("name"), request.user),
        }
        return TemplateResponse(request, "property_service/visit_plan.html", context)


def _visit_staff(visit):
    """Who a visit can be given to (``visit_assign`` checks the same)."""
    from ..access.scoping import works_for_community_q

    users = get_user_model().objects.filter(works_for_community_q(visit.community_id)).distinct()
    return [u for u in users.order_by("username")[:200]
            if u.has_perm("property_service.record_visit")]
