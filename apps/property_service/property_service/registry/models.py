"""Registry (档案): communities, buildings, units, residents and who lives where."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Right
from django.utils.translation import gettext_lazy as _

from ..core.models import TimeStampedModel
from ..core.validators import (
    normalize_phone,
    validate_id_number,
    validate_phone,
    validate_plate,
)


def check_date_order(start, end, *, end_field: str = "end_date") -> None:
    if start and end and end < start:
        raise ValidationError({end_field: _("The end date cannot be before the start date.")})


def check_places_in_community(community_id, *, buildings=(), units=()) -> None:
    """Buildings and units named on a record of one community (an incident, a notice) must
    all belong to that community."""
    errors = {}
    foreign = [str(b) for b in buildings if b.community_id != community_id]
    if foreign:
        errors["buildings"] = _("These buildings are in another community: %(names)s.") % {
            "names": ", ".join(foreign)}
    foreign = [str(u) for u in units if u.building.community_id != community_id]
    if foreign:
        errors["units"] = _("These units are in another community: %(names)s.") % {
            "names": ", ".join(foreign)}
    if errors:
        raise ValidationError(errors)


def periods_overlap(start_a, end_a, start_b, end_b) -> bool:
    """Closed date ranges; an open end (None) runs for ever."""
    far = datetime.date.max
    return start_a <= (end_b or far) and start_b <= (end_a or far)


class Community(TimeStampedModel):
    """A residential community (小区/项目) the company manages."""

    # Row-level scope: the lookup from this model to its community (see access.scoping).
    community_path = "pk"

    code = models.SlugField(_("code"), max_length=20, unique=True,
                            help_text=_("Short code used in numbers and imports, e.g. JHY."))
    name = models.CharField(_("name"), max_length=100, unique=True)
    city = models.CharField(_("city"), max_length=50, blank=True)
    district = models.CharField(_("district"), max_length=50, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    service_phone = models.CharField(_("service phone"), max_length=20, blank=True,
                                     validators=[validate_phone])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Building(TimeStampedModel):
    """A building (楼栋) inside a community."""

    community_path = "community"

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="buildings",
                                  verbose_name=_("community"))
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. 3栋 or Block 3"))
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    entrances = models.PositiveSmallIntegerField(_("entrances"), default=1,
                                                 validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["community__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"],
                                    name="building_name_unique_in_community",
                                    violation_error_message=_(
                                        "This community already has a building of this name.")),
        ]

    # The links its name reads: read with it where it is shown by name.
    shown_with = ("community",)

    def __str__(self):
        return f"{self.community.name} {self.name}"


class Unit(TimeStampedModel):
    """A unit (房屋): a flat, shop or parking unit, numbered inside its building and entrance."""

    community_path = "building__community"
    resident_path = "pk"

    class Use(models.TextChoices):
        RESIDENTIAL = "residential", _("Residential")
        COMMERCIAL = "commercial", _("Commercial")
        PARKING = "parking", _("Parking")

    class Status(models.TextChoices):
        VACANT = "vacant", _("Vacant")
        OCCUPIED = "occupied", _("Occupied")
        RENOVATING = "renovating", _("Renovating")

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="units",
                                 verbose_name=_("building"))
    entrance = models.CharField(_("entrance"), max_length=10, blank=True,
                                help_text=_("单元, e.g. 2; leave empty if the building has one."))
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=20, help_text=_("e.g. 301"))
    area = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=2, null=True,
                               blank=True, validators=[MinValueValidator(0)])
    use = models.CharField(_("use"), max_length=16, choices=Use.choices, default=Use.RESIDENTIAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.VACANT)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building__community__code", "building__name", "entrance", "number"]
        permissions = [("export_unit", _("Can export the unit register"))]
        constraints = [
            models.UniqueConstraint(fields=["building", "entrance", "number"],
                                    name="unit_number_unique_in_building",
                                    violation_error_message=_(
                                        "This building already has a unit with this entrance "
                                        "and number.")),
        ]
        indexes = [
            models.Index(fields=["number"]),
            # The status and use filters within the buildings a page of the list is drawn from
            # (core.lists.ParentOrderedPaginator counts each filter's rows per building).
            models.Index(fields=["status", "building"], name="unit_status_building_idx"),
            models.Index(fields=["use", "building"], name="unit_use_building_idx"),
        ]

    shown_with = ("building__community",)

    def __str__(self):
        return f"{self.building} {self.label}"

    @property
    def label(self) -> str:
        """Short label inside the community: 2-301 (entrance-number) or 301."""
        return f"{self.entrance}-{self.number}" if self.entrance else self.number

    @property
    def community(self) -> Community:
        return self.building.community


class Resident(TimeStampedModel):
    """A person the company serves (业主/住户). Phone, ID number and email are personal data."""

    # A resident belongs to the community that registered them and to every community where they
    # hold a unit.
    community_path = ("community", "occupancies__unit__building__community")
    # Masked for users without the personal-data permission (see core.personal_data).
    personal_fields = ("phone", "id_number", "email")

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", "简体中文"
        EN = "en", "English"

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="residents",
                                  verbose_name=_("registered in"))
    name = models.CharField(_("full name"), max_length=50, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, validators=[validate_phone],
                             db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, null=True, blank=True,
                                 unique=True, validators=[validate_id_number],
                                 error_messages={
                                     "unique": _("A resident with this ID number already exists."),
                                 })
    email = models.EmailField(_("email"), blank=True)
    # The digits a masked phone still shows, searchable by everyone (``registry.lookups``).
    phone_tail = models.GeneratedField(
        expression=Right("phone", 4), output_field=models.CharField(max_length=4),
        db_persist=True, verbose_name=_("last four digits of the phone"))
    language = models.CharField(_("language"), max_length=8, choices=Language.choices,
                                default=Language.ZH_HANS)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["phone_tail"], name="resident_phone_tail_idx"),
            # A community's residents in the list's order, without sorting them.
            models.Index(fields=["community", "name", "id"], name="resident_community_name_idx"),
            # The language filter (a few residents read English) in the list's order.
            models.Index(fields=["language", "name", "id"], name="resident_language_name_idx"),
        ]
        permissions = [
            ("view_personal_data", _("Can view residents' phone and ID numbers unmasked")),
            ("export_resident", _("Can export the resident register")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        self.phone = normalize_phone(self.phone)
        # Empty ID numbers are stored as NULL so that the uniqueness applies to real numbers only.
        self.id_number = (self.id_number or "").strip().upper() or None


class Occupancy(TimeStampedModel):
    """Who lives in or owns a unit, and when (入住/迁出)."""

    community_path = "unit__building__community"

    class Relation(models.TextChoices):
        OWNER = "owner", _("Owner")
        TENANT = "tenant", _("Tenant")
        FAMILY = "family", _("Family member")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="occupancies",
                             verbose_name=_("unit"))
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="occupancies",
                                 verbose_name=_("resident"))
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to"), null=True, blank=True)
    is_primary_contact = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        verbose_name = _("occupancy")
        verbose_name_plural = _("occupancies")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["unit", "end_date"]),
            # The move-ins of the last weeks, whose first-month visits are planned daily.
            models.Index(fields=["start_date"], name="occupancy_start_idx"),
            # The move-outs since the unit statuses' last daily run.
            models.Index(fields=["end_date"], name="occupancy_end_idx"),
        ]

    shown_with = ("resident", "unit__building__community")

    def __str__(self):
        return f"{self.resident} · {self.unit} ({self.get_relation_display()})"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or datetime.date.today()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)

    def clean(self):
        check_date_order(self.start_date, self.end_date)
        if not (self.unit_id and self.resident_id and self.start_date):
            return
        others = Occupancy.objects.filter(unit_id=self.unit_id, resident_id=self.resident_id)
        if self.pk:
            others = others.exclude(pk=self.pk)
        for other in others.only("start_date", "end_date"):
            if periods_overlap(self.start_date, self.end_date, other.start_date, other.end_date):
                raise ValidationError(
                    _("This resident already has an occupancy of this unit from %(start)s "
                      "to %(end)s, which overlaps these dates.")
                    % {"start": other.start_date, "end": other.end_date or _("open")}
                )


def current_occupancy_q(on: datetime.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}start_date__lte": on}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": on})
    )


class Vehicle(TimeStampedModel):
    """A resident's vehicle registered with the community (车辆登记)."""

    community_path = "community"

    class Kind(models.TextChoices):
        CAR = "car", _("Car")
        EV = "ev", _("Electric car")
        MOTORBIKE = "motorbike", _("Motorbike / e-bike")
        OTHER = "other", _("Other")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="vehicles",
                                  verbose_name=_("community"))
    plate = models.CharField(_("licence plate"), max_length=10, unique=True,
                             validators=[validate_plate],
                             error_messages={
                                 "unique": _("A vehicle with this licence plate already exists."),
                             })
    owner = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="vehicles",
                              verbose_name=_("owner"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CAR)
    brand = models.CharField(_("brand and colour"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["plate"]

    def __str__(self):
        return self.plate

    def clean(self):
        self.plate = (self.plate or "").replace(" ", "").upper()


class ParkingSpace(TimeStampedModel):
    """A parking space (车位) and, when allocated, who holds it and until when (租赁登记)."""

    community_path = "community"

    class Kind(models.TextChoices):
        OWNED = "owned", _("Owned")
        LEASED = "leased", _("Leased")
        PUBLIC = "public", _("Public / visitor")

    class Status(models.TextChoices):
        FREE = "free", _("Free")
        ALLOCATED = "allocated", _("Allocated")
        OUT_OF_SERVICE = "out_of_service", _("Out of service")

    community = models.ForeignKey(Community, on_delete=models.PROTECT,
                                  related_name="parking_spaces", verbose_name=_("community"))
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. B1-023"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.LEASED)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.FREE, db_index=True)
    holder = models.ForeignKey(Resident, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="parking_spaces", verbose_name=_("holder"))
    vehicle = models.ForeignKey(Vehicle, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="parking_spaces", verbose_name=_("vehicle"))
    start_date = models.DateField(_("allocated from"), null=True, blank=True)
    end_date = models.DateField(_("allocated until"), null=True, blank=True)

    class Meta:
        verbose_name = _("parking space")
        verbose_name_plural = _("parking spaces")
        ordering = ["community__code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["community", "code"],
                                    name="parking_code_unique_in_community",
                                    violation_error_message=_(
                                        "This community already has a parking space with this "
                                        "code.")),
        ]

    def __str__(self):
        return f"{self.community.name} {self.code}"

    def clean(self):
        check_date_order(self.start_date, self.end_date)
        if self.status == self.Status.ALLOCATED and not self.holder_id:
            raise ValidationError({"holder": _("An allocated parking space needs a holder.")})
        if self.status != self.Status.ALLOCATED and (self.holder_id or self.vehicle_id):
            raise ValidationError(
                {"status": _("A parking space with a holder or vehicle must be allocated.")}
            )
        if self.vehicle_id and self.holder_id and self.vehicle.owner_id != self.holder_id:
            raise ValidationError({"vehicle": _("The vehicle must belong to the holder.")})
        if self.vehicle_id and self.vehicle.community_id != self.community_id:
            raise ValidationError({"vehicle": _("The vehicle is registered in another community.")})
