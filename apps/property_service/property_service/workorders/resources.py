"""Excel/CSV import of historical work orders (and export of orders).

A historical order arrives finished (closed or cancelled) with its own number, which is the
import key: the same file imported twice creates nothing new. Its deadlines are computed from
the SLA policy of its priority, so the figures treat old and new orders alike.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, widgets

from ..access.scoping import scope
from ..core.resources import ChoiceWidget, ScopedForeignKeyWidget, ScopedResource
from ..registry.models import Community, Unit
from . import sla
from .models import Channel, Priority, WorkOrder, WorkOrderCategory, WorkOrderEvent
from .states import State

HISTORICAL_STATES = (State.CLOSED, State.CANCELLED)


class UnitInRowWidget(widgets.ForeignKeyWidget):
    """The unit named by the row's community, building and entrance columns and this number."""

    user = None

    def __init__(self):
        super().__init__(Unit, field="number")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        row = row or {}
        units = scope(Unit.objects.all(), self.user).filter(
            building__community__code=row.get("community"),
            building__name=row.get("building"), entrance=str(row.get("entrance") or ""),
            number=str(value).strip())
        unit = units.first()
        if unit is None:
            raise ValueError(_("Unit %(building)s %(entrance)s-%(number)s does not exist or is "
                               "not in your communities.") % {
                "building": row.get("building"), "entrance": row.get("entrance") or "",
                "number": value})
        return unit


class WorkOrderResource(ScopedResource):
    number = fields.Field(attribute="number", column_name="number",
                          widget=widgets.CharWidget(allow_blank=False))
    community = fields.Field(attribute="community", column_name="community",
                             widget=ScopedForeignKeyWidget(Community, field="code"))
    building = fields.Field(attribute="unit__building__name", column_name="building",
                            readonly=True)
    entrance = fields.Field(attribute="unit__entrance", column_name="entrance", readonly=True)
    unit = fields.Field(attribute="unit", column_name="unit", widget=UnitInRowWidget())
    location = fields.Field(attribute="location", column_name="location",
                            widget=widgets.CharWidget(allow_blank=True))
    category = fields.Field(attribute="category", column_name="category",
                            widget=ScopedForeignKeyWidget(WorkOrderCategory, field="code"))
    priority = fields.Field(attribute="priority", column_name="priority",
                            widget=ChoiceWidget(Priority))
    channel = fields.Field(attribute="channel", column_name="channel",
                           widget=ChoiceWidget(Channel))
    state = fields.Field(attribute="state", column_name="state", readonly=True,
                         widget=ChoiceWidget(State))
    description = fields.Field(attribute="description", column_name="description")
    reported_at = fields.Field(attribute="reported_at", column_name="reported_at",
                               widget=widgets.DateTimeWidget())
    completed_at = fields.Field(attribute="completed_at", column_name="completed_at",
                                widget=widgets.DateTimeWidget())
    closed_at = fields.Field(attribute="closed_at", column_name="closed_at",
                             widget=widgets.DateTimeWidget())
    satisfaction = fields.Field(attribute="satisfaction", column_name="satisfaction",
                                widget=widgets.IntegerWidget())

    class Meta(ScopedResource.Meta):
        model = WorkOrder
        fields = ("number", "community", "building", "entrance", "unit", "location", "category",
                  "priority", "channel", "state", "description", "reported_at", "completed_at",
                  "closed_at", "satisfaction")
        export_order = fields
        import_id_fields = ("number",)

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["unit"].widget.user = user

    def init_instance(self, row=None):
        # The state is fixed when the order is created; django-fsm forbids setting it later.
        state = ChoiceWidget(State).clean((row or {}).get("state"))
        if state not in HISTORICAL_STATES:
            raise ValueError(_("Only finished orders can be imported: state must be closed or "
                               "cancelled."))
        return WorkOrder(state=state)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(exclude=[*errors.keys(), "state"],
                                validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            instance.team = instance.team or instance.category.default_team
            policy = sla.policy_for(community_id=instance.community_id,
                                    priority=instance.priority)
            due = sla.deadlines(policy, instance.reported_at)
            instance.respond_by, instance.complete_by = due.respond_by, due.complete_by
        if instance.state == State.CLOSED and instance.closed_at is None:
            instance.closed_at = instance.completed_at or instance.reported_at

    def after_save_instance(self, instance, row, **kwargs):
        if not kwargs.get("dry_run") and not instance.events.exists():
            WorkOrderEvent.objects.create(work_order=instance, action="imported", by=self.user,
                                          to_state=instance.state, at=instance.reported_at,
                                          comment=_("Imported from a file"))
