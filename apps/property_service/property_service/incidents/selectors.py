"""Reads of incidents that the form, the printed report and the unit page share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ..access.scoping import scope
from ..registry.selectors import (
    TimelineEntry,
    TimelineMore,
    TimelinePart,
    changelist_url,
    newest,
    register_timeline_source,
)
from .models import Incident


@dataclass(frozen=True)
class TimelineLine:
    at: datetime.datetime
    kind: str  # "event" (state change, records raised), "entry" (told by staff), "step"
    text: str
    by: object = None


def incident_timeline(incident: Incident) -> list[TimelineLine]:
    """Everything that happened, oldest first: the log, the staff's entries and the playbook
    steps as they were ticked."""
    lines = []
    for event in incident.events.select_related("by"):
        text = event.action_label
        if event.to_state and event.from_state and event.from_state != event.to_state:
            text += f": {event.get_from_state_display()} → {event.get_to_state_display()}"
        if event.comment:
            text += f" — {event.comment}"
        lines.append(TimelineLine(event.at, "event", text, event.by))
    for entry in incident.timeline_entries.select_related("by"):
        lines.append(TimelineLine(entry.at, "entry", entry.text, entry.by))
    for item in incident.checklist.filter(done_at__isnull=False).select_related("done_by"):
        lines.append(TimelineLine(item.done_at, "step",
                                  _("Step done: %(step)s") % {"step": item.text}, item.done_by))
    return sorted(lines, key=lambda line: line.at)


@register_timeline_source(permission="property_service.view_incident")
def incident_events(unit, user, limit: int) -> TimelinePart:
    ids = Incident.objects.filter(Q(units=unit) | Q(buildings=unit.building_id)).values("pk")
    incidents, more = newest(scope(Incident.objects.filter(pk__in=ids), user)
                             .order_by("-reported_at", "-id"), limit)
    part = TimelinePart([
        TimelineEntry(
            incident.reported_at, "incident",
            f"{_('Incident')} · {incident.get_kind_display()} · {incident.get_state_display()}",
            incident.location,
            reverse("admin:property_service_incident_change", args=[incident.pk]),
            incident.number,
        )
        for incident in incidents
    ])
    if more:
        part.more = TimelineMore(str(_("All incidents of the community")), changelist_url(
            "incident", community__id__exact=unit.building.community_id))
    return part
