from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import display

from ..core.admin import BaseAdmin, WorkflowActionsMixin
from ..core.display import state_and_label
from ..core.filters import ScopedRelatedFilter
from ..core.intake import locked_fields
from ..registry.models import check_places_in_community
from . import services
from .models import Notice
from .states import State


class ActionForm(forms.Form):
    action = forms.CharField()
    expected_state = forms.CharField(required=False)
    comment = forms.CharField(required=False)


class NoticeForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        community_id = data["community"].pk if data.get("community") else \
            self.instance.community_id
        if community_id and data.get("buildings"):
            check_places_in_community(community_id, buildings=data["buildings"])
        return data


@admin.register(Notice)
class NoticeAdmin(WorkflowActionsMixin, BaseAdmin):
    form = NoticeForm
    action_form_class = ActionForm
    list_display = ["title", "state_badge", "kind", "urgent", "community", "publish_at",
                    "expire_at", "read_count"]
    list_filter = ["state", "kind", "urgent", ("community", ScopedRelatedFilter)]
    list_select_related = ["community"]
    search_fields = ["^title"]
    search_help_text = _("Title, from the start.")
    autocomplete_fields = ["community", "buildings"]
    date_hierarchy = "publish_at"
    change_form_outer_before_template = "property_service/notice_actions.html"
    draft_fields = ["community", *Notice.editable_in_draft]
    record_fields = ["state", "source_incident", "created_by", "published_at", "published_by",
                     "withdrawn_at", "withdraw_reason"]

    def get_fields(self, request, obj=None):
        return self.draft_fields if obj is None else [*self.draft_fields, *self.record_fields]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(read_count=Count("reads", distinct=True))

    @display(description=_("read by residents"), ordering="read_count")
    def read_count(self, notice):
        return notice.read_count

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # What the notice still lets change (``Notice.editable_fields``).
        return locked_fields(obj, self.get_fields(request, obj))

    def save_model(self, request, obj, form, change):
        if change:
            services.correct_notice(notice_id=obj.pk, user=request.user, changes={
                name: form.cleaned_data[name] for name in form.changed_data})
            return
        data = form.cleaned_data
        created = services.create_notice(
            by=request.user, community=data["community"], buildings=data.get("buildings") or (),
            title=data["title"], body=data["body"], kind=data["kind"],
            urgent=data.get("urgent", False), publish_at=data.get("publish_at"),
            expire_at=data.get("expire_at"))
        obj.pk, obj._state.adding = created.pk, False

    def save_related(self, request, form, formsets, change):
        # The services set the buildings.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @display(description=_("state"), ordering="state", label={
        State.DRAFT: "info", State.PUBLISHED: "success", State.WITHDRAWN: ""})
    def state_badge(self, notice):
        return state_and_label(notice)

    def perform_action(self, user, notice, data):
        return services.transition_notice(
            notice_id=notice.pk, user=user, action=data["action"],
            expected_state=data["expected_state"] or None, comment=data["comment"])

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            context.update({
                "n_actions": services.available_actions(obj, request.user),
                "n_act_url": reverse("admin:property_service_notice_act", args=[obj.pk]),
                "n_events": obj.events.select_related("by"),
                "n_may_open_incident": obj.source_incident_id and request.user.has_perm(
                    "property_service.view_incident"),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)
