from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import PAGE_VAR
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.template_utils import HistoricalRecordContextHelper
from unfold.decorators import display

from ..access.scoping import community_ids, may_access_community, scope, sees_all_communities
from ..core.admin import (
    MAX_PAGE,
    BaseAdmin,
    BaseTabularInline,
    BigTableListMixin,
    ImportExportAdmin,
)
from ..core.filters import ScopedRelatedFilter
from ..core.lists import ParentOrderedPaginator
from ..core.masking import mask
from ..core.models import PersonalDataAccess
from ..core.params import parse_id, parse_int
from ..core.personal_data import can_view_personal_data, reveal_personal_data
from ..core.throttle import Throttled
from .lookups import id_number_refusal, search_residents
from .models import (
    Building,
    Community,
    Occupancy,
    ParkingSpace,
    Resident,
    Unit,
    Vehicle,
    current_occupancy_q,
)
from .prefill import add_url
from .resources import ResidentResource, UnitResource
from .selectors import report_targets, search_units, timeline
from .services import occupancy_create


@admin.register(Community)
class CommunityAdmin(BaseAdmin):
    list_display = ["code", "name", "city", "district", "service_phone", "is_active"]
    list_filter = ["is_active", "city"]
    search_fields = ["^code", "^name"]
    search_help_text = _("Code or name, from the start.")

    def has_add_permission(self, request):
        # A user limited to some communities could not see a community they add.
        return super().has_add_permission(request) and sees_all_communities(request.user)


@admin.register(Building)
class BuildingAdmin(BaseAdmin):
    list_display = ["name", "community", "floors", "entrances"]
    list_filter = [("community", ScopedRelatedFilter)]
    list_select_related = ["community"]
    search_fields = ["^name", "^community__name"]
    search_help_text = _("Building or community name, from the start.")
    autocomplete_fields = ["community"]


class MovesInThroughTheService:
    """A new occupancy entered in a list of occupancies (a unit's, a resident's) is a move-in:
    saved by ``occupancy_create``, which plans what follows it; changes to existing ones are
    saved as usual."""

    def save_formset(self, request, form, formset, change):
        if formset.model is not Occupancy:
            return super().save_formset(request, form, formset, change)
        for occupancy in formset.save(commit=False):
            if occupancy.pk is None:
                occupancy_create(by=request.user, occupancy=occupancy)
            else:
                occupancy.save()
        for occupancy in formset.deleted_objects:
            occupancy.delete()
        formset.save_m2m()


class OccupancyInline(BaseTabularInline):
    model = Occupancy
    fields = ["resident", "relation", "start_date", "end_date", "is_primary_contact"]
    autocomplete_fields = ["resident"]
    verbose_name_plural = _("residents")


class BuildingOfCommunityFilter(ScopedRelatedFilter):
    """The buildings of the community chosen in the list's community filter (or of the user's
    only community): a company has thousands of buildings, too many to list, each with its
    link, on every page of units."""

    community_parameter = "building__community__id__exact"
    building_parameter = "building__id__exact"  # its own (Django's lookup_kwarg)

    def field_choices(self, field, request, model_admin):
        community = parse_id(request.GET.get(self.community_parameter, ""))
        if community is None:
            ids = community_ids(request.user)
            if ids is None or len(ids) != 1:
                return []
            community = next(iter(ids))
        return [(pk, name) for pk, name in scope(
            Building.objects.filter(community_id=community), request.user)
            .order_by("name").values_list("pk", "name")]


@admin.register(Unit)
class UnitAdmin(MovesInThroughTheService, BigTableListMixin, ImportExportAdmin):
    resource_classes = [UnitResource]
    list_display = ["__str__", "community_name", "entrance", "number", "floor", "area", "use",
                    "status"]
    list_filter = [("building__community", ScopedRelatedFilter),
                   ("building", BuildingOfCommunityFilter), "status", "use"]
    list_select_related = ["building__community"]
    # The search itself is search_units: the buildings first, then the units on their indexes.
    search_fields = ["=number", "^building__name"]
    search_help_text = _("Exact unit number (1502), entrance and number (2-1502), building and "
                         "number (6栋 2-1502, 6-2-1502), or building name from the start.")
    autocomplete_fields = ["building"]
    inlines = [OccupancyInline]
    change_form_outer_before_template = "property_service/story_actions.html"
    change_form_after_template = "property_service/story.html"
    fieldsets = [
        (None, {"fields": ["building", "entrance", "floor", "number"]}),
        (_("Details"), {"fields": ["area", "use", "status", "note"]}),
    ]

    def get_search_results(self, request, queryset, search_term):
        return search_units(queryset, search_term), False

    def get_paginator(self, request, queryset, per_page, orphans=0,
                      allow_empty_first_page=True):
        # The list's order starts with the building's community and name: a page is chosen
        # among the units of the first buildings in that order, of the community and building
        # the list is filtered by (not among the company's, most of them without a row).
        buildings = scope(Building.objects.order_by("community__code", "name", "id"),
                          request.user)
        community = parse_id(request.GET.get(BuildingOfCommunityFilter.community_parameter, ""))
        if community is not None:
            buildings = buildings.filter(community_id=community)
        building = parse_id(request.GET.get(BuildingOfCommunityFilter.building_parameter, ""))
        if building is not None:
            buildings = buildings.filter(pk=building)
        return ParentOrderedPaginator(
            queryset, per_page, orphans, allow_empty_first_page,
            page_hint=parse_int(request.GET.get(PAGE_VAR), minimum=1, maximum=MAX_PAGE) or 1,
            parents=buildings, parent_field="building",
            parent_ordering=tuple(Unit._meta.ordering[:2]))

    @display(description=_("community"), ordering="building__community__code")
    def community_name(self, unit):
        return unit.building.community.name

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            context.update(story_context(obj, request.user, title=_("Unit history")))
        return super().render_change_form(request, context, add, change, form_url, obj)


def story_context(subject, user, *, title) -> dict:
    """The page's timeline and its buttons to file a repair or a complaint about the subject
    (for the units and communities the user works for, with the permission to add them)."""
    return {"story": timeline(subject, user), "story_title": title,
            "story_subject": subject._meta.model_name,
            "story_reports": report_buttons(subject, user)}


def report_buttons(subject, user) -> list[dict]:
    may_repair = user.has_perm("property_service.add_workorder")
    may_complain = user.has_perm("property_service.add_complaint")
    if not (may_repair or may_complain):
        return []
    targets = report_targets(subject)
    units = scope(Unit.objects.filter(pk__in=[t.unit.pk for t in targets if t.unit]), user)
    open_units = set(units.values_list("pk", flat=True))
    buttons = []
    for target in targets:
        if (target.unit.pk not in open_units if target.unit
                else not may_access_community(user, target.community_id)):
            continue
        ids = {"community_id": target.community_id,
               "unit_id": target.unit.pk if target.unit else None,
               "resident_id": target.resident.pk if target.resident else None}
        buttons.append({
            "label": f"{target.unit.building.name} {target.unit.label}"
            if target.unit and len(targets) > 1 else "",
            "repair_url": add_url("workorder", **ids) if may_repair else "",
            "complaint_url": add_url("complaint", **ids) if may_complain else "",
        })
    return buttons


class PersonalDataHistoryHelper(HistoricalRecordContextHelper):
    """History deltas of a resident with personal data masked unless revealed."""

    revealed = False

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if change.field in Resident.personal_fields and not self.revealed:
            return mask(value)
        return value


class ResidentOccupancyInline(BaseTabularInline):
    model = Occupancy
    fk_name = "resident"
    fields = ["unit", "relation", "start_date", "end_date", "is_primary_contact"]
    autocomplete_fields = ["unit"]
    verbose_name_plural = _("units")


class ResidentForm(forms.ModelForm):
    """An ID number another resident has is answered as ``registry.lookups`` decides."""

    user = None  # set per request by the admin

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number")
        try:
            refusal = id_number_refusal(user=self.user, id_number=value,
                                        exclude_pk=self.instance.pk,
                                        channel=PersonalDataAccess.Channel.ADMIN)
        except Throttled as error:
            raise forms.ValidationError(error.message) from None
        if refusal:
            raise forms.ValidationError(refusal)
        return value


@admin.register(Resident)
class ResidentAdmin(MovesInThroughTheService, BigTableListMixin, ImportExportAdmin):
    """Phone, ID number and email are masked everywhere for users without the personal-data
    permission, and in lists for everyone; a form shows them in full to permitted users, and
    each such view is logged."""

    resource_classes = [ResidentResource]
    list_display = ["name", "community", "masked_phone", "current_units", "language"]
    list_filter = [("community", ScopedRelatedFilter), "language"]
    list_select_related = ["community"]
    search_fields = ["^name"]
    search_help_text = _("Name from the start, the last four digits of the phone, or the full "
                         "phone or ID number.")
    autocomplete_fields = ["community"]
    inlines = [ResidentOccupancyInline]
    form = ResidentForm
    change_form_outer_before_template = "property_service/story_actions.html"
    change_form_after_template = "property_service/story.html"
    base_fields = ["community", "name", "phone", "id_number", "email", "language", "note"]

    def get_queryset(self, request):
        today = timezone.localdate()
        current = Occupancy.objects.filter(current_occupancy_q(today)).select_related(
            "unit__building__community"
        )
        return super().get_queryset(request).prefetch_related(
            Prefetch("occupancies", queryset=current, to_attr="current_occupancies")
        )

    def lookup_allowed(self, lookup, value, request=None):
        # ?phone__startswith=139 would let a masked user read a number digit by digit.
        field = lookup.split("__", 1)[0]
        if field in Resident.personal_fields and not can_view_personal_data(
                getattr(request, "user", None)):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_search_results(self, request, queryset, search_term):
        try:
            found = search_residents(queryset, user=request.user, term=search_term,
                                     channel=PersonalDataAccess.Channel.ADMIN)
        except Throttled as error:
            messages.error(request, error.message)
            return queryset.none(), False
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, search_term)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def _masked_form(self, request, obj) -> bool:
        return obj is not None and not can_view_personal_data(request.user)

    def get_fields(self, request, obj=None):
        if self._masked_form(request, obj):
            return [f"masked_{f}" if f in Resident.personal_fields else f
                    for f in self.base_fields]
        return list(self.base_fields)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if self._masked_form(request, obj):
            readonly += [f"masked_{f}" for f in Resident.personal_fields]
        return readonly

    @display(description=_("phone"))
    def masked_phone(self, resident):
        return mask(resident.phone)

    @display(description=_("ID number"))
    def masked_id_number(self, resident):
        return mask(resident.id_number) or "—"

    @display(description=_("email"))
    def masked_email(self, resident):
        return mask(resident.email) or "—"

    @display(description=_("current units"))
    def current_units(self, resident):
        return ", ".join(
            f"{o.unit.building.name} {o.unit.label}"
            for o in getattr(resident, "current_occupancies", [])
        )

    def _reveal(self, request, resident) -> bool:
        return reveal_personal_data(user=request.user, resident_ids=[resident.pk],
                                    channel=PersonalDataAccess.Channel.ADMIN)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            self._reveal(request, obj)
            context.update(story_context(obj, request.user, title=_("Resident's story")))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        resident = self._get_scoped_object_or_404(request, object_id)
        request._personal_data_revealed = self._reveal(request, resident)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        resident = self._get_scoped_object_or_404(request, object_id)
        self._reveal(request, resident)
        return super().history_form_view(request, object_id, version_id,
                                         extra_context=extra_context)

    def get_historical_record_context_helper(self, request, historical_record):
        helper = PersonalDataHistoryHelper(self.model, historical_record)
        helper.revealed = getattr(request, "_personal_data_revealed", False)
        return helper


@admin.register(Occupancy)
class OccupancyAdmin(BaseAdmin):
    list_display = ["resident", "unit", "relation", "start_date", "end_date",
                    "is_primary_contact"]
    list_filter = [("unit__building__community", ScopedRelatedFilter), "relation"]
    list_select_related = ["resident", "unit__building__community"]
    search_fields = ["^resident__name", "=unit__number"]
    search_help_text = _("Resident name from the start, or the exact unit number.")
    autocomplete_fields = ["unit", "resident"]
    date_hierarchy = "start_date"

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        occupancy_create(by=request.user, occupancy=obj)


@admin.register(Vehicle)
class VehicleAdmin(BaseAdmin):
    list_display = ["plate", "owner", "community", "kind", "brand"]
    list_filter = [("community", ScopedRelatedFilter), "kind"]
    list_select_related = ["owner", "community"]
    search_fields = ["^plate", "^owner__name"]
    search_help_text = _("Plate or owner name, from the start.")
    autocomplete_fields = ["community", "owner"]


@admin.register(ParkingSpace)
class ParkingSpaceAdmin(BaseAdmin):
    list_display = ["code", "community", "kind", "status", "holder", "vehicle", "start_date",
                    "end_date"]
    list_filter = [("community", ScopedRelatedFilter), "kind", "status"]
    list_select_related = ["community", "holder", "vehicle"]
    search_fields = ["^code", "^holder__name", "^vehicle__plate"]
    search_help_text = _("Code, holder name or plate, from the start.")
    autocomplete_fields = ["community", "holder", "vehicle"]
