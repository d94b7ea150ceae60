"""REST resources of the registry: communities, buildings, units, residents, occupancies."""

from __future__ import annotations

import django_filters
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import filters, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from ..access.scoping import scope, sees_all_communities
from ..api.pagination import IdsFirstCursorPagination
from ..api.serializers import ScopedModelSerializer
from ..core.models import PersonalDataAccess
from ..core.params import IdFilter
from ..core.personal_data import (
    can_view_personal_data,
    log_lookup,
    masked_value,
    reveal_personal_data,
)
from ..core.versions import ensure_unchanged, version_token
from .lookups import find_by_number, full_number, id_number_refusal, search_residents
from .models import Building, Community, Occupancy, Resident, Unit
from .selectors import search_units
from .services import occupancy_create

IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description=_("The record's ETag as last read: the update is refused (409) if the record "
                  "changed since. Without it, the update is not compared."))


class ScopedViewSet(viewsets.ModelViewSet):
    """Every resource: the scoped queryset is the only way to reach rows. A record's answer
    carries its version as ``ETag``; an update sent with ``If-Match`` is refused (409) if the
    record changed since."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    base_queryset = None
    shown_object = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return self.base_queryset.none()
        return scope(self.base_queryset.all(), self.request.user)

    def get_object(self):
        self.shown_object = super().get_object()
        return self.shown_object

    @extend_schema(parameters=[IF_MATCH])
    def update(self, request, *args, **kwargs):
        expected = request.headers.get("If-Match", "").strip()
        with transaction.atomic():
            if expected and expected != "*":
                ensure_unchanged(self.get_object(), expected.removeprefix("W/").strip('"'))
            return super().update(request, *args, **kwargs)

    @extend_schema(parameters=[IF_MATCH])
    def partial_update(self, request, *args, **kwargs):
        return super().partial_update(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.action in ("retrieve", "update", "partial_update") and \
                response.status_code == 200 and version_token(self.shown_object):
            response["ETag"] = f'"{version_token(self.shown_object)}"'
        return response


class CommunitySerializer(ScopedModelSerializer):
    class Meta:
        model = Community
        fields = ["id", "code", "name", "city", "district", "address", "service_phone",
                  "is_active"]


class CommunityViewSet(ScopedViewSet):
    base_queryset = Community.objects.all()
    serializer_class = CommunitySerializer
    filterset_fields = ["is_active", "city"]
    search_fields = ["^code", "^name"]

    def perform_create(self, serializer):
        if not sees_all_communities(self.request.user):
            # A user limited to some communities could not see a community they add.
            raise PermissionDenied()
        super().perform_create(serializer)


class BuildingSerializer(ScopedModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "community", "name", "floors", "entrances"]


class BuildingViewSet(ScopedViewSet):
    base_queryset = Building.objects.select_related("community")
    serializer_class = BuildingSerializer
    filterset_fields = ["community"]
    search_fields = ["^name"]


class UnitSerializer(ScopedModelSerializer):
    community = serializers.IntegerField(source="building.community_id", read_only=True)
    community_label = serializers.CharField(source="building.community.name", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "building", "community", "community_label", "entrance", "floor",
                  "number", "area", "use", "status", "note"]


class UnitFilter(django_filters.FilterSet):
    community = IdFilter(field_name="building__community")

    class Meta:
        model = Unit
        fields = ["building", "community", "status", "use", "number"]


class UnitSearch(filters.SearchFilter):
    """``search``: a unit number, entrance and number, building and number or a building name
    (``registry.selectors.search_units``)."""

    def filter_queryset(self, request, queryset, view):
        term = " ".join(self.get_search_terms(request))
        return search_units(queryset, term) if term else queryset


class UnitViewSet(ScopedViewSet):
    base_queryset = Unit.objects.select_related("building__community")
    serializer_class = UnitSerializer
    filterset_class = UnitFilter
    filter_backends = [DjangoFilterBackend, UnitSearch]
    search_fields = ["=number", "^building__name"]
    pagination_class = IdsFirstCursorPagination


class ResidentSerializer(ScopedModelSerializer):
    """Personal data is masked unless the view revealed it (and logged that)."""

    class Meta:
        model = Resident
        fields = ["id", "community", "name", "phone", "id_number", "email", "language", "note"]
        # Uniqueness of the ID number is answered by ``id_number_refusal``, not by a validator
        # that would confirm another community's resident.
        extra_kwargs = {"id_number": {"required": False, "allow_null": True, "validators": []}}

    def validate(self, attrs):
        if attrs.get("id_number"):
            request = self.context["request"]
            refusal = id_number_refusal(
                user=request.user, id_number=attrs["id_number"],
                exclude_pk=self.instance.pk if self.instance else None,
                channel=PersonalDataAccess.Channel.API,
                deferred_log=self.context.get("deferred_lookups"))
            if refusal:
                raise serializers.ValidationError({"id_number": [refusal]})
        return super().validate(attrs)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        revealed = self.context.get("personal_data_revealed", False)
        for field in Resident.personal_fields:
            if data.get(field) is not None:
                data[field] = masked_value(data[field], revealed=revealed)
        return data


class ResidentFilter(django_filters.FilterSet):
    """``phone`` and ``id_number`` find residents by the full number (``registry.lookups``)."""

    unit = IdFilter(field_name="occupancies__unit", distinct=True)
    phone = django_filters.CharFilter(method="by_number", label=_("Full phone number"))
    id_number = django_filters.CharFilter(method="by_number", label=_("Full ID number"))

    class Meta:
        model = Resident
        fields = ["community", "language", "unit", "phone", "id_number"]

    def by_number(self, queryset, name, value):
        number = full_number(value)
        if number is None or number[0] != name:
            return queryset.none()
        return find_by_number(queryset, user=self.request.user, field=name, value=number[1],
                              channel=PersonalDataAccess.Channel.API)


class ResidentSearch(filters.SearchFilter):
    """``search``: a name from the start, the last four digits of the phone, or a full phone
    or ID number (``registry.lookups``)."""

    def filter_queryset(self, request, queryset, view):
        term = " ".join(self.get_search_terms(request))
        found = search_residents(queryset, user=request.user, term=term,
                                 channel=PersonalDataAccess.Channel.API)
        return found if found is not None else super().filter_queryset(request, queryset, view)


class ResidentViewSet(ScopedViewSet):
    base_queryset = Resident.objects.select_related("community")
    serializer_class = ResidentSerializer
    filterset_class = ResidentFilter
    filter_backends = [DjangoFilterBackend, ResidentSearch]
    search_fields = ["^name"]
    pagination_class = IdsFirstCursorPagination

    # Rows whose personal data this response carries; logged once the response is final.
    _served: list = ()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["personal_data_revealed"] = can_view_personal_data(self.request.user)
        # An update is refused inside a rolled-back transaction: its lookups are logged after.
        context["deferred_lookups"] = self._deferred_lookups
        return context

    def initial(self, request, *args, **kwargs):
        self._deferred_lookups = []
        super().initial(request, *args, **kwargs)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._served = page if page is not None else []
        return page

    def get_object(self):
        obj = super().get_object()
        self._served = [obj]
        return obj

    def perform_create(self, serializer):
        super().perform_create(serializer)
        self._served = [serializer.instance]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        for entry in getattr(self, "_deferred_lookups", ()):
            log_lookup(**entry)
        if self._served and response.status_code < 400 and request.method != "DELETE":
            reveal_personal_data(user=request.user,
                                 resident_ids=[r.pk for r in self._served],
                                 channel=PersonalDataAccess.Channel.API)
        return response


class OccupancySerializer(ScopedModelSerializer):
    class Meta:
        model = Occupancy
        fields = ["id", "unit", "resident", "relation", "start_date", "end_date",
                  "is_primary_contact"]

    def create(self, validated_data):
        # A move-in: saved by the service, which plans what follows it.
        request = self.context["request"]
        return occupancy_create(by=request.user, occupancy=Occupancy(**validated_data))


class OccupancyViewSet(ScopedViewSet):
    base_queryset = Occupancy.objects.select_related("unit__building__community", "resident")
    serializer_class = OccupancySerializer
    filterset_fields = ["unit", "resident", "relation"]
