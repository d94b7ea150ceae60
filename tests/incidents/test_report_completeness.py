"""What a report needs before it goes to the manager besides its written parts: its timeline,
and the people hurt / damage whenever people were affected or damage was claimed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from property_service.core.errors import ActionError
from property_service.incidents import services
from property_service.incidents.models import Incident
from property_service.incidents.states import State
from property_service.insurance.models import Claim

from tests.factories.incidents import IncidentFactory
from tests.factories.renewals import InsurancePolicyFactory
from tests.helpers import admin_url
from tests.incidents.conftest import REPORT, TIMELINE_TEXT, act

WITHOUT_INJURIES = {k: v for k, v in REPORT.items() if k != "injuries_damage"}


def written(incident, user, *, timeline=True, **report):
    if timeline:
        services.add_timeline_entry(incident_id=incident.pk, user=user, text=TIMELINE_TEXT)
    services.update_incident(incident_id=incident.pk, user=user, **report)
    act(incident, user, "contain")
    return incident


def test_a_report_with_people_affected_cannot_be_submitted_without_the_people_hurt_and_damage(
        new_incident, guard):
    incident = written(new_incident(people_affected=2), guard, **WITHOUT_INJURIES)
    with pytest.raises(ActionError, match="still empty: people hurt / damage") as refused:
        act(incident, guard, "draft_report")
    assert "describe the people hurt and the damage" in str(refused.value)
    assert Incident.objects.get(pk=incident.pk).state == State.CONTAINED
    services.update_incident(incident_id=incident.pk, user=guard,
                             injuries_damage="两名住户受惊，无人受伤。")
    assert act(incident, guard, "draft_report").state == State.REPORT_DRAFTED


def test_a_report_with_damage_claimed_cannot_be_submitted_without_the_people_hurt_and_damage(
        new_incident, guard, place_a):
    incident = written(new_incident(people_affected=0), guard, **WITHOUT_INJURIES)
    policy = InsurancePolicyFactory(community=place_a.community,
                                    start_date=datetime.date(2026, 1, 1),
                                    end_date=datetime.date(2026, 12, 31))
    Claim.objects.create(number="LP-TEST-00001", policy=policy, incident=incident,
                         loss_date=datetime.date(2026, 6, 1), description="电梯轿厢门损坏",
                         amount_claimed=Decimal("8000"))
    with pytest.raises(ActionError, match="people hurt / damage"):
        act(incident, guard, "draft_report")


def test_a_report_with_nobody_affected_and_no_damage_needs_no_people_hurt_section(
        new_incident, guard):
    incident = written(new_incident(people_affected=0), guard, **WITHOUT_INJURIES)
    assert act(incident, guard, "draft_report").state == State.REPORT_DRAFTED


def test_a_report_with_an_empty_timeline_cannot_be_submitted(new_incident, guard):
    incident = written(new_incident(), guard, timeline=False, **REPORT)
    with pytest.raises(ActionError, match="still empty: timeline"):
        act(incident, guard, "draft_report")
    assert Incident.objects.get(pk=incident.pk).state == State.CONTAINED


def test_a_submitted_report_with_people_affected_must_describe_them(place_a):
    incident = IncidentFactory(community=place_a.community, state=State.REPORT_DRAFTED,
                               people_affected=3, **WITHOUT_INJURIES)
    with pytest.raises(ValidationError) as refused:
        incident.full_clean(exclude=["state"])
    assert "injuries_damage" in refused.value.message_dict
    IncidentFactory.build(community=place_a.community, state=State.OPEN, number="YJ-X",
                          people_affected=3, **WITHOUT_INJURIES).full_clean(exclude=["state"])


def test_the_api_refuses_an_incomplete_report_with_a_400_and_says_what_is_missing(
        client, guard, new_incident):
    incident = written(new_incident(people_affected=2), guard, timeline=False,
                       **WITHOUT_INJURIES)
    client.force_login(guard)
    response = client.post(f"/api/v1/incidents/{incident.pk}/transition/",
                           {"action": "draft_report"}, content_type="application/json")
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "people hurt / damage" in detail and "timeline" in detail
    assert Incident.objects.get(pk=incident.pk).state == State.CONTAINED


def test_the_admin_shows_what_an_incomplete_report_lacks_in_chinese(client, guard,
                                                                    new_incident):
    incident = written(new_incident(people_affected=2), guard, timeline=False,
                       **WITHOUT_INJURIES)
    client.force_login(guard)
    response = client.post(admin_url("incident", "act", incident.pk),
                           {"action": "draft_report", "expected_state": "contained"},
                           follow=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = response.content.decode()
    assert response.status_code == 200
    assert "人员伤亡" in page or "伤亡" in page
    assert Incident.objects.get(pk=incident.pk).state == State.CONTAINED
