"""Excel/CSV import and export of units and residents.

Rows are matched on natural keys (community code + building + entrance + number for units; ID
number, or community + name + phone, for residents), so importing the same file twice creates
no duplicates. Column headers are stable keys so an exported file can be imported again.
"""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from ..core.models import PersonalDataAccess
from ..core.personal_data import log_lookup, masked_value, reveal_personal_data
from ..core.resources import ChoiceWidget, ScopedForeignKeyWidget, ScopedResource
from ..core.throttle import Throttled
from .lookups import IdNumberHolders, id_number_refusal, normalize_id_number
from .models import Building, Community, Resident, Unit

REPEATED_ROW = _("This resident is on more than one row of the file (the same ID number, or "
                 "the same community, name and phone without one): keep one row.")


class BuildingInCommunityWidget(ScopedForeignKeyWidget):
    """A building named in the row's ``community`` column (buildings repeat across communities)."""

    def __init__(self):
        super().__init__(Building, field="name")

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = super().get_queryset(value, row, *args, **kwargs)
        return queryset.filter(community__code=(row or {}).get("community"))

    def row_key(self, row) -> tuple:
        return (row.get("community"),)


class UnitResource(ScopedResource):
    community = fields.Field(attribute="building__community__code", column_name="community",
                             readonly=True)
    building = fields.Field(attribute="building", column_name="building",
                            widget=BuildingInCommunityWidget())
    entrance = fields.Field(attribute="entrance", column_name="entrance",
                            widget=widgets.CharWidget(allow_blank=True))
    number = fields.Field(attribute="number", column_name="number", widget=widgets.CharWidget())
    use = fields.Field(attribute="use", column_name="use", widget=ChoiceWidget(Unit.Use))
    status = fields.Field(attribute="status", column_name="status",
                          widget=ChoiceWidget(Unit.Status))
    note = fields.Field(attribute="note", column_name="note",
                        widget=widgets.CharWidget(allow_blank=True))

    class Meta(ScopedResource.Meta):
        model = Unit
        fields = ("community", "building", "entrance", "number", "floor", "area", "use",
                  "status", "note")
        export_order = fields
        import_id_fields = ("building", "entrance", "number")

    def before_import_row(self, row, **kwargs):
        for key in ("use", "status"):
            if not row.get(key):
                row[key] = Unit._meta.get_field(key).default


class ResidentResource(ScopedResource):
    community = fields.Field(attribute="community", column_name="community",
                             widget=ScopedForeignKeyWidget(Community, field="code"))
    phone = fields.Field(attribute="phone", column_name="phone", widget=widgets.CharWidget())
    id_number = fields.Field(attribute="id_number", column_name="id_number",
                             widget=widgets.CharWidget(allow_blank=False))
    language = fields.Field(attribute="language", column_name="language",
                            widget=ChoiceWidget(Resident.Language))
    email = fields.Field(attribute="email", column_name="email",
                         widget=widgets.CharWidget(allow_blank=True))
    note = fields.Field(attribute="note", column_name="note",
                        widget=widgets.CharWidget(allow_blank=True))

    class Meta(ScopedResource.Meta):
        model = Resident
        fields = ("community", "name", "phone", "id_number", "email", "language", "note")
        export_order = fields
        import_id_fields = ("id_number",)
        # Saved a batch at a time; what the rows need from the database is read once, before
        # the first row (``before_import``).
        use_bulk = True
        batch_size = 1000

    revealed = False
    _lookups: list = ()
    _holders: IdNumberHolders | None = None
    _known: dict = {}
    _repeated: frozenset = frozenset()
    _row_key: tuple = ()

    @staticmethod
    def match_key(row) -> tuple:
        """How a row finds its resident: by ID number, else by community, name and phone."""
        id_number = normalize_id_number(str(row.get("id_number") or ""))
        if id_number:
            return ("id_number", id_number)
        return ("person", row.get("community"), str(row.get("name") or "").strip(),
                str(row.get("phone") or "").strip())

    def import_data(self, *args, **kwargs):
        # A preview (and a failed import) is rolled back: the lookups it made are logged after.
        self._lookups = []
        try:
            return super().import_data(*args, **kwargs)
        finally:
            for entry in self._lookups:
                log_lookup(**entry)

    def before_import(self, dataset, **kwargs):
        keys = [self.match_key(dict(zip(dataset.headers, values, strict=False)))
                for values in dataset]
        id_numbers = sorted({key[1] for key in keys if key[0] == "id_number"})
        names = sorted({key[2] for key in keys if key[0] == "person"})
        self._holders = IdNumberHolders(user=self.user, id_numbers=id_numbers)
        # The residents the rows name, among those the user sees (as ``get_instance`` found
        # them one by one): the first in the register's order when several match. Their
        # communities are read apart: joined, the few communities would drive the query, and
        # every resident of theirs would be read to find a batch's numbers.
        known = {}
        queryset = self.get_queryset().prefetch_related("community").order_by("name", "pk")
        batch = IdNumberHolders.BATCH
        for start in range(0, len(id_numbers), batch):
            for resident in queryset.filter(id_number__in=id_numbers[start:start + batch]):
                known.setdefault(("id_number", resident.id_number), resident)
        for start in range(0, len(names), batch):
            for resident in queryset.filter(name__in=names[start:start + batch]):
                known.setdefault(("person", resident.community.code, resident.name,
                                  resident.phone), resident)
        self._known = known
        self._repeated = frozenset(key for key, count in Counter(keys).items() if count > 1)

    def before_import_row(self, row, **kwargs):
        if not row.get("language"):
            row["language"] = Resident.Language.ZH_HANS
        self._row_key = self.match_key(row)

    def get_instance(self, instance_loader, row):
        return self._known.get(self.match_key(row))

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if self._row_key in self._repeated:
            errors.setdefault("id_number" if self._row_key[0] == "id_number" else "name",
                              ValidationError(REPEATED_ROW))
        if "id_number" not in errors:
            try:
                refusal = id_number_refusal(
                    user=self.user, id_number=instance.id_number, exclude_pk=instance.pk,
                    channel=PersonalDataAccess.Channel.IMPORT, deferred_log=self._lookups,
                    holders=self._holders)
            except Throttled as error:
                refusal = error.message
            if refusal:
                errors["id_number"] = ValidationError(refusal)
        # The community was just found among the user's (the column's widget) and the ID
        # number's holders before the first row: neither is asked again here.
        exclude = [*errors, *(["community"] if instance.community_id is not None else [])]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_export(self, queryset, **kwargs):
        queryset = queryset if queryset is not None else self.get_queryset()
        self.revealed = reveal_personal_data(
            user=self.user, resident_ids=queryset.values_list("pk", flat=True),
            channel=PersonalDataAccess.Channel.EXPORT,
        )

    def dehydrate_phone(self, resident):
        return masked_value(resident.phone, revealed=self.revealed)

    def dehydrate_id_number(self, resident):
        return masked_value(resident.id_number, revealed=self.revealed)

    def dehydrate_email(self, resident):
        return masked_value(resident.email, revealed=self.revealed)
