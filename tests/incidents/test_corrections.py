"""What an incident still lets staff correct, declared once (``Incident.editable_after_intake``:
the report's parts, its times and the places affected; the type and community stay as
reported) and followed by the incident page, the API and the service."""

import datetime

import pytest
from django.contrib import admin
from property_service.core.errors import ActionError
from property_service.incidents import services
from property_service.incidents.models import Incident

REPORTED = datetime.datetime(2026, 11, 23, 10, tzinfo=datetime.UTC)
CORRECTABLE = {"location", "people_affected", "contained_at", "resolved_at", "summary",
               "actions_taken", "injuries_damage", "cause", "corrective_actions", "buildings",
               "units"}


@pytest.mark.parametrize("state", ["open", "contained"])
def test_the_incident_page_leaves_editable_exactly_what_the_incident_declares(rf, guard, state):
    incident_admin = admin.site._registry[Incident]
    request = rf.get("/")
    request.user = guard
    record = Incident(state=state)
    readonly = set(incident_admin.get_readonly_fields(request, record))
    editable = set(incident_admin.change_fields) - readonly
    assert editable == set(Incident.editable_after_intake) == CORRECTABLE


def test_the_api_accepts_exactly_what_the_incident_declares(rf, guard):
    from property_service.incidents.api import IncidentUpdateSerializer

    request = rf.patch("/")
    request.user = guard
    fields = IncidentUpdateSerializer(context={"request": request}).fields
    assert {name for name, field in fields.items() if not field.read_only} == CORRECTABLE


def test_the_service_refuses_a_locked_field_with_a_message(guard, new_incident):
    incident = new_incident(reported_at=REPORTED)
    with pytest.raises(ActionError) as refused:
        services.update_incident(incident_id=incident.pk, user=guard, kind="fire",
                                 summary="改了")
    assert refused.value.field == "kind"
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.kind, stored.summary) == ("elevator_entrapment", "")
