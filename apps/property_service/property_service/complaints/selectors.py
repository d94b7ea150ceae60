from django.urls import reverse

from ..access.scoping import scope
from ..registry.selectors import TimelineEntry, register_timeline_source
from .models import Complaint


@register_timeline_source(permission="property_service.view_complaint")
def complaint_events(unit, user):
    for complaint in scope(Complaint.objects.filter(unit=unit), user):
        yield TimelineEntry(
            complaint.received_at, "complaint",
            f"{complaint.number} · {complaint.get_category_display()}",
            f"{complaint.get_state_display()} · {complaint.content[:80]}",
            reverse("admin:property_service_complaint_change", args=[complaint.pk]),
        )
