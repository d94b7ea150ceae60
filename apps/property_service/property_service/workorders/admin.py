from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..access.scoping import scope, works_for_community_q
from ..complaints.jobs import chase_every_complaint_again
from ..core.admin import (
    BaseAdmin,
    BaseTabularInline,
    BigTableListMixin,
    ImportExportAdmin,
    OwnedRowsInline,
    RulesAdminMixin,
    WorkflowActionsMixin,
)
from ..core.display import StaffChoiceField, display_name, state_and_label
from ..core.filters import ScopedRelatedFilter, queue_filter
from ..core.intake import locked_fields
from ..core.models import CalendarDay, CalendarYear, PersonalDataAccess, WorkingCalendar
from ..core.params import id_param
from ..core.throttle import Throttled
from ..core.workcalendar import provisional_years, provisional_years_among
from ..registry.prefill import PrefillFromRegistryMixin
from ..registry.selectors import place_for_intake
from . import services
from .figures import figures_view
from .jobs import chase_every_order_again
from .models import (
    FollowUp,
    Priority,
    SlaPolicy,
    Team,
    TeamMember,
    WorkOrder,
    WorkOrderCategory,
    WorkOrderPhoto,
)
from .permissions import available_actions, may_fire, may_use_clock
from .resources import WorkOrderResource
from .selectors import queue_conditions, search_work_orders
from .sheet import sheet_filename, sheet_pdf
from .sla import SlaState, order_sla_state, policy_for
from .states import IN_PLACE_ACTIONS, OPEN_STATES, State

# The queues (``selectors.queue_conditions``), as tabs and as a filter.
QueueFilter = queue_filter(queue_conditions)


class PhotoInline(OwnedRowsInline):
    """Photos belong to their order: whoever may edit the order may add and remove them."""

    model = WorkOrderPhoto
    fields = ["kind", "image", "open_file", "uploaded_at"]
    file_view = "photo"


class ActionForm(forms.Form):
    """The fields any action may need; the service says which are required."""

    action = forms.CharField()
    expected_state = forms.CharField(required=False)
    comment = forms.CharField(required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    assignee = StaffChoiceField(queryset=get_user_model().objects.all(), required=False)
    appointment_at = forms.DateTimeField(required=False)
    parts_note = forms.CharField(required=False)
    priority = forms.CharField(required=False)
    answered = forms.BooleanField(required=False)
    result = forms.CharField(required=False)
    satisfaction = forms.IntegerField(required=False, min_value=1, max_value=5)


class CategoryDefaultPriorityForm:
    """Mixed into the add form: an empty priority is the category's default (as the API
    reads it), so that the record validates before the service takes it."""

    def clean(self):
        data = super().clean()
        if not data.get("priority") and data.get("category") is not None:
            data["priority"] = data["category"].default_priority
        return data


@admin.register(WorkOrder)
class WorkOrderAdmin(PrefillFromRegistryMixin, BigTableListMixin, WorkflowActionsMixin,
                     ImportExportAdmin):
    resource_classes = [WorkOrderResource]
    action_form_class = ActionForm
    list_display = ["number", "state_badge", "priority", "sla_badge", "where", "category",
                    "team", "assignee_name", "reported_at", "is_repeat"]
    list_filter = [QueueFilter, "state", "priority", ("community", ScopedRelatedFilter),
                   ("team", ScopedRelatedFilter), "category", "is_repeat", "channel"]
    list_select_related = ["community", "unit__building__community", "category", "team",
                           "assignee"]
    list_row_fields = ("number", "state", "priority", "respond_by", "complete_by",
                       "responded_at", "completed_at", "paused_at", "location", "reported_at",
                       "is_repeat", "community__name", "unit__entrance", "unit__number",
                       "unit__building__name", "unit__building__community__name", "category",
                       "team", "assignee__username", "assignee__first_name",
                       "assignee__last_name")
    # The search itself is search_work_orders: each kind of number on its own index.
    search_fields = ["=number", "=unit__number", "=resident__phone"]
    search_help_text = _("Exact order number (WO-202611-00042), exact unit number or the "
                         "resident's exact phone number.")
    autocomplete_fields = ["unit", "resident"]
    inlines = [PhotoInline]
    date_hierarchy = "reported_at"
    # Outside the admin form: the action forms must not nest inside it.
    change_form_outer_before_template = "property_service/work_order_actions.html"
    change_form_outer_after_template = "property_service/work_order_timeline.html"
    add_fields = ["community", "unit", "location", "resident", "channel", "category", "priority",
                  "description"]
    change_fields = ["number", "state", "community", "unit", "location", "resident", "channel",
                     "category", "priority", "description", "team", "assignee_name",
                     "appointment_at", "parts_note", "reported_at", "respond_by",
                     "responded_at", "complete_by", "completed_at", "first_completed_at",
                     "rework_started_at", "closed_at", "paused_at",
                     "satisfaction", "resident_comment", "cancel_reason", "is_repeat"]

    def get_search_results(self, request, queryset, search_term):
        try:
            return search_work_orders(queryset, search_term, user=request.user,
                                      channel=PersonalDataAccess.Channel.ADMIN), False
        except Throttled as error:
            messages.error(request, error.message)
            return queryset.none(), False

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.change_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return locked_fields(obj, self.change_fields)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "priority" in form.base_fields:
            # Starts empty (the category's default), as its help says.
            form = type(form.__name__, (CategoryDefaultPriorityForm, form), {})
            field = form.base_fields["priority"]
            field.required = False
            field.choices = [("", _("The category's default"))] + list(Priority.choices)
            field.initial = ""
            field.help_text = _("Empty: the category's default.")
        return form

    class Media:
        # Picking the resident fills in their unit and its community (the add form).
        js = ["property_service/work_order_form.js"]

    def save_model(self, request, obj, form, change):
        if change:
            services.correct_work_order(order_id=obj.pk, user=request.user, changes={
                name: form.cleaned_data[name] for name in form.changed_data})
            return
        data = form.cleaned_data
        created = services.create_work_order(
            by=request.user, community=data["community"], unit=data.get("unit"),
            location=data.get("location", ""), resident=data.get("resident"),
            channel=data["channel"], category=data["category"],
            priority=data.get("priority") or None, description=data["description"])
        obj.pk, obj.number, obj._state.adding = created.pk, created.number, False

    @display(description=_("state"), ordering="state", label={
        State.NEW: "info", State.DISPATCHED: "info", State.ACCEPTED: "info",
        State.IN_PROGRESS: "warning", State.COMPLETED: "success", State.FOLLOW_UP: "success",
        State.CLOSED: "success", State.REWORK: "danger", State.CANCELLED: ""})
    def state_badge(self, order):
        return state_and_label(order)

    @display(description=_("SLA"), label=SlaState.COLOURS)
    def sla_badge(self, order):
        state = order_sla_state(order, timezone.now())
        return state, SlaState.LABELS[state]

    @display(description=_("technician"), ordering="assignee")
    def assignee_name(self, order):
        return display_name(order.assignee) or self.get_empty_value_display()

    @display(description=_("where"))
    def where(self, order):
        return str(order.unit) if order.unit_id else order.location

    def get_urls(self):
        return [
            path("photo/<int:photo_id>/", self.admin_site.admin_view(self.photo_view),
                 name="property_service_workorder_photo"),
            path("figures/", self.admin_site.admin_view(
                lambda request: figures_view(request, self)),
                name="property_service_workorder_figures"),
            path("place/", self.admin_site.admin_view(self.place_view),
                 name="property_service_workorder_place"),
            path("<int:object_id>/sheet/", self.admin_site.admin_view(self.sheet_view),
                 name="property_service_workorder_sheet"),
        ] + super().get_urls()

    def place_view(self, request):
        """The unit and community of the picked resident or unit, for the add form."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        unit = place_for_intake(user=request.user, unit_id=id_param(request.GET, "unit"),
                                resident_id=id_param(request.GET, "resident"))
        if unit is None:
            return JsonResponse({"unit": None, "community": None})
        return JsonResponse({"unit": {"id": unit.pk, "text": str(unit)},
                             "community": unit.building.community_id})

    def sheet_view(self, request, object_id):
        """The printable work order (PDF), in the user's language: whoever may open the order
        may print it."""
        order = get_object_or_404(self.get_queryset(request).select_related(
            "community", "unit__building__community", "resident", "category", "team",
            "assignee"), pk=object_id)
        if not self.has_view_permission(request, order):
            raise PermissionDenied
        url = request.build_absolute_uri(
            reverse("admin:property_service_workorder_change", args=[order.pk]))
        response = HttpResponse(sheet_pdf(order, url=url), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{sheet_filename(order)}"'
        return response

    def photo_view(self, request, photo_id):
        return self.owned_file_response(request, WorkOrderPhoto.objects.all(), photo_id,
                                        owner="work_order", file_field="image")

    def perform_action(self, user, order, data):
        action = data["action"]
        if action == "pause":
            return services.pause_clock(order_id=order.pk, user=user, reason=data["comment"])
        if action == "resume":
            return services.resume_clock(order_id=order.pk, user=user, note=data["comment"])
        if action == "change_priority":
            return services.change_priority(
                order_id=order.pk, user=user, priority=data["priority"],
                comment=data["comment"], expected_state=data["expected_state"] or None)
        if action == "follow_up":
            return services.record_follow_up(
                order_id=order.pk, user=user, answered=data["answered"],
                result=data["result"], satisfaction=data["satisfaction"], note=data["comment"])
        return services.transition_work_order(
            order_id=order.pk, user=user, action=action,
            expected_state=data["expected_state"] or None, comment=data["comment"],
            team=data["team"], assignee=data["assignee"],
            appointment_at=data["appointment_at"], parts_note=data["parts_note"])

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            user = request.user
            context.update({
                "wo_actions": available_actions(obj, user),
                "wo_act_url": reverse("admin:property_service_workorder_act", args=[obj.pk]),
                "wo_sheet_url": reverse("admin:property_service_workorder_sheet",
                                        args=[obj.pk]),
                "wo_teams": scope(Team.objects.all(), user),
                "wo_members": TeamMember.objects.filter(
                    works_for_community_q(obj.community_id, prefix="user__"),
                    team__in=scope(Team.objects.all(), user)).select_related("user", "team")
                .distinct(),
                "wo_can_pause": may_use_clock(obj, user),
                "wo_can_prioritise": may_fire(obj, user, IN_PLACE_ACTIONS["change_priority"])
                and obj.state in OPEN_STATES,
                "wo_priorities": Priority.choices,
                "wo_pending_follow_up": obj.follow_ups.filter(
                    status=FollowUp.Status.PENDING).last()
                if user.has_perm("property_service.follow_up_workorder")
                and obj.state == State.FOLLOW_UP else None,
                "wo_events": obj.events.select_related("by"),
                "wo_pauses": obj.pauses.select_related("paused_by", "resumed_by"),
                "wo_earlier": obj.earlier_reports.all(),
                "wo_sla": SlaState.LABELS[order_sla_state(obj, timezone.now())],
                "provisional_years": provisional_years_among(
                    [obj.respond_by, obj.complete_by],
                    provisional_years(policy_for(community_id=obj.community_id,
                                                  priority=obj.priority).calendar),
                    timezone.get_default_timezone()),
                "wo_satisfaction_choices": range(1, 6),
                "wo_follow_up_results": FollowUp.Result.choices,
            })
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(FollowUp)
class FollowUpAdmin(BaseAdmin):
    list_display = ["work_order", "due_at", "overdue_at", "status", "attempts", "result",
                    "satisfaction", "done_by_name"]
    list_filter = ["status", ("community", ScopedRelatedFilter)]
    list_select_related = ["work_order", "done_by"]
    search_fields = ["=work_order__number"]
    readonly_fields = ["work_order", "due_at", "overdue_at", "status", "attempts", "result",
                       "satisfaction", "note", "done_by_name", "done_at"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    @display(description=_("called by"), ordering="done_by")
    def done_by_name(self, follow_up):
        return display_name(follow_up.done_by) or self.get_empty_value_display()


class TeamMemberInline(BaseTabularInline):
    model = TeamMember
    fields = ["user", "on_duty", "is_lead", "last_assigned_at"]
    readonly_fields = ["last_assigned_at"]
    autocomplete_fields = ["user"]
    show_change_link = False


@admin.register(Team)
class TeamAdmin(RulesAdminMixin, BaseAdmin):
    # A pool's taking time is chased.
    after_change = (chase_every_order_again,)
    list_display = ["__str__", "kind", "community", "dispatch_mode", "take_within_minutes"]
    list_filter = ["kind", "dispatch_mode"]
    search_fields = ["^code", "^name", "^name_en"]
    inlines = [TeamMemberInline]


@admin.register(WorkOrderCategory)
class WorkOrderCategoryAdmin(BaseAdmin):
    list_display = ["__str__", "default_team", "default_priority", "major_works", "is_active"]
    list_filter = ["default_priority", "major_works", "is_active"]
    list_select_related = ["default_team"]
    search_fields = ["^code", "^name", "^name_en"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(RulesAdminMixin, BaseAdmin):
    after_change = (chase_every_order_again,)
    list_display = ["__str__", "respond_within", "respond_unit", "complete_within",
                    "complete_unit", "warn_at_percent", "manager_after_minutes",
                    "follow_up_due_hours", "follow_up_overdue_hours"]
    list_filter = ["priority"]
    list_select_related = ["community", "calendar"]


class CalendarDayInline(BaseTabularInline):
    model = CalendarDay
    fields = ["date", "is_workday", "name"]
    show_change_link = False


class CalendarYearInline(BaseTabularInline):
    """Which years the calendar holds and whether each is the official notice or an estimate:
    written by the seeding and by entering a notice, never by hand."""

    model = CalendarYear
    fields = ["year", "provisional", "source_label"]
    readonly_fields = fields
    show_change_link = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkingCalendar)
class WorkingCalendarAdmin(RulesAdminMixin, BaseAdmin):
    after_change = (chase_every_order_again, chase_every_complaint_again)
    list_display = ["name", "workday_start", "workday_end", "weekdays", "is_default",
                    "provisional_years"]
    inlines = [CalendarYearInline, CalendarDayInline]

    @display(description=_("provisional years"))
    def provisional_years(self, calendar):
        years = [str(row.year) for row in calendar.years.all() if row.provisional]
        return ", ".join(years) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("years")
