from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..core.admin import BaseAdmin, WorkflowActionsMixin
from ..core.display import state_and_label
from ..core.filters import ScopedRelatedFilter
from ..core.months import in_month, month_param, this_month
from ..core.params import id_param
from ..registry.models import Unit
from . import services
from .figures import activity_figures, month_figures
from .models import Activity, ActivityFeedback, ActivitySignup
from .rules import activity_rules, has_started, lead_time_met, signup_open
from .selectors import with_places_taken
from .states import RUNNING_STATES, State

FIGURE_NAMES = ("household_share", "satisfaction_share", "average_rating")
SIGNUP_ACTIONS = ("sign_up", "cancel_signup", "attended", "no_show", "walk_in", "feedback")


class ActionForm(forms.Form):
    action = forms.CharField()
    expected_state = forms.CharField(required=False)
    comment = forms.CharField(required=False)
    signup = forms.IntegerField(required=False)
    unit = forms.ModelChoiceField(queryset=Unit.objects.all(), required=False)
    people = forms.IntegerField(required=False, min_value=0, max_value=1000)
    rating = forms.IntegerField(required=False, min_value=0, max_value=10)
    satisfied = forms.TypedChoiceField(required=False, choices=[("yes", "yes"), ("no", "no")],
                                       coerce=lambda v: v == "yes", empty_value=None)


def figure_rows(figures) -> list[dict]:
    """The figures with their targets, as the pages show them."""
    return [{"name": name, "value": getattr(figures, name),
             "target": figures.targets.get(name), "meets": figures.meets(name)}
            for name in FIGURE_NAMES]


@admin.register(Activity)
class ActivityAdmin(WorkflowActionsMixin, BaseAdmin):
    action_form_class = ActionForm
    list_display = ["label", "community", "starts_at", "state_badge", "places"]
    list_filter = ["state", ("community", ScopedRelatedFilter)]
    list_select_related = ["community"]
    search_fields = ["title", "title_en"]
    date_hierarchy = "starts_at"
    change_form_outer_before_template = "property_service/activity_actions.html"
    edit_fields = ["community", "title", "title_en", "description", "place", "starts_at",
                   "ends_at", "signup_opens_at", "signup_closes_at", "capacity",
                   "household_limit"]
    shown_fields = ["state", *edit_fields, "created_by", "published_at", "published_by",
                    "lead_time_override", "held_at", "closed_at", "cancel_reason"]

    def get_queryset(self, request):
        return with_places_taken(super().get_queryset(request))

    def get_fields(self, request, obj=None):
        return self.edit_fields if obj is None else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = set(obj.editable_fields())
        return [name for name in self.shown_fields if name not in editable]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("household_limit", activity_rules().default_household_limit)
        return initial

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.activity_update(activity_id=obj.pk, user=request.user, changes={
                name: data[name] for name in obj.editable_fields() if name in data})
            return
        created = services.activity_create(
            by=request.user, community=data["community"], title=data["title"],
            title_en=data.get("title_en", ""), description=data.get("description", ""),
            place=data["place"], starts_at=data["starts_at"], ends_at=data["ends_at"],
            signup_opens_at=data.get("signup_opens_at"),
            signup_closes_at=data["signup_closes_at"], capacity=data["capacity"],
            household_limit=data.get("household_limit"))
        obj.pk, obj._state.adding = created.pk, False

    @display(description=_("title"), ordering="title")
    def label(self, activity):
        return activity.label

    @display(description=_("state"), ordering="state", label={
        State.PLANNED: "info", State.PUBLISHED: "success", State.SIGNUP_CLOSED: "warning",
        State.HELD: "success", State.CLOSED: "", State.CANCELLED: "danger"})
    def state_badge(self, activity):
        return state_and_label(activity)

    @display(description=_("places taken"))
    def places(self, activity):
        return f"{getattr(activity, 'taken', 0)} / {activity.capacity}"

    def perform_action(self, user, activity, data):
        name = data["action"]
        if name == "sign_up":
            return services.activity_sign_up(activity_id=activity.pk, user=user,
                                             unit=data["unit"], people=data["people"])
        if name == "walk_in":
            return services.walk_in_record(activity_id=activity.pk, user=user,
                                           unit=data["unit"], people=data["people"])
        if name in SIGNUP_ACTIONS:
            signup = data["signup"]
            if name == "cancel_signup":
                return services.signup_cancel(signup_id=signup, user=user)
            if name == "feedback":
                return services.feedback_give(signup_id=signup, user=user,
                                              rating=data["rating"],
                                              satisfied=data["satisfied"],
                                              comment=data["comment"])
            return services.attendance_record(signup_id=signup, user=user,
                                              attended=name == "attended",
                                              people=data["people"])
        return services.transition_activity(
            activity_id=activity.pk, user=user, action=name,
            expected_state=data["expected_state"] or None, comment=data["comment"])

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            user, now = request.user, timezone.now()
            rules = activity_rules()
            organiser = user.has_perm("property_service.organise_activity")
            running = obj.state in RUNNING_STATES and has_started(obj.starts_at, now)
            signups = obj.signups.select_related("unit__building__community", "resident") \
                .prefetch_related("feedback").order_by("status", "signed_up_at", "id")
            context.update({
                "a_act_url": reverse("admin:property_service_activity_act", args=[obj.pk]),
                "a_actions": services.available_actions(obj, user),
                "a_lead_days": rules.lead_days,
                "a_lead_time_met": lead_time_met(obj.starts_at, now, rules.lead_days),
                "a_signup_open": signup_open(state=obj.state, opens_at=obj.signup_opens_at,
                                             closes_at=obj.signup_closes_at, now=now),
                "a_may_sign_up": user.has_perm("property_service.add_activitysignup"),
                "a_take_attendance": organiser and running,
                "a_record_feedback": organiser and obj.state == State.HELD,
                "a_units": Unit.objects.filter(building__community=obj.community_id)
                .select_related("building").order_by("building__name", "entrance", "number")
                [:2000],
                "a_signups": signups,
                "a_figures": figure_rows(activity_figures(obj)),
                "a_totals": activity_figures(obj),
                "a_events": obj.events.select_related("by"),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return [
            path("figures/", self.admin_site.admin_view(self.figures_view),
                 name="property_service_activity_figures"),
        ] + super().get_urls()

    def figures_view(self, request):
        """The activities' figures per community for a month, against the targets."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        month = month_param(request.GET) or this_month()
        community_id = id_param(request.GET, "community")
        rows = [{"row": row, "figures": figure_rows(row.figures)}
                for row in month_figures(request.user, month, community_id)]
        start_activities = self.get_queryset(request).filter(
            state__in=(State.HELD, State.CLOSED))
        if community_id is not None:
            start_activities = start_activities.filter(community_id=community_id)
        activities = [{"activity": a, "totals": activity_figures(a),
                       "figures": figure_rows(activity_figures(a))}
                      for a in in_month(start_activities, "starts_at", month)
                      .select_related("community").order_by("starts_at", "id")[:100]]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Activity figures"),
            "month": month,
            "rows": rows,
            "activities": activities,
        }
        return TemplateResponse(request, "property_service/activity_figures.html", context)


@admin.register(ActivitySignup)
class ActivitySignupAdmin(BaseAdmin):
    list_display = ["activity", "unit", "people", "status", "attendance", "attended_people",
                    "channel", "signed_up_at"]
    list_filter = ["status", "attendance", "channel", ("activity__community",
                                                        ScopedRelatedFilter)]
    list_select_related = ["activity__community", "unit__building__community"]
    search_fields = ["=unit__number"]
    search_help_text = _("Exact unit number.")
    autocomplete_fields = ["unit", "resident"]
    add_fields = ["activity", "unit", "resident", "people"]
    shown_fields = ["activity", "unit", "resident", "people", "status", "channel", "walk_in",
                    "attendance", "attended_people", "signed_up_at", "cancelled_at",
                    "recorded_by"]

    def get_fields(self, request, obj=None):
        return self.add_fields if obj is None else self.shown_fields

    def get_readonly_fields(self, request, obj=None):
        # After the sign-up every change is an action on the activity's page.
        return [] if obj is None else self.shown_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "activity" in form.base_fields:
            form.base_fields["activity"].queryset = form.base_fields["activity"].queryset \
                .filter(state=State.PUBLISHED)
        return form

    def save_model(self, request, obj, form, change):
        if change:
            return
        data = form.cleaned_data
        created = services.activity_sign_up(
            activity_id=data["activity"].pk, user=request.user, unit=data["unit"],
            people=data["people"], resident=data.get("resident"))
        obj.pk, obj._state.adding = created.pk, False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActivityFeedback)
class ActivityFeedbackAdmin(BaseAdmin):
    list_display = ["signup", "rating", "satisfied", "channel", "given_at"]
    list_filter = ["satisfied", "channel", ("signup__activity__community",
                                            ScopedRelatedFilter)]
    list_select_related = ["signup__activity__community", "signup__unit__building"]
    fields = ["signup", "rating", "satisfied", "comment", "channel", "given_at",
              "recorded_by"]
    readonly_fields = fields

    # Recorded on the activity's page (or in the portal): listed and read here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
