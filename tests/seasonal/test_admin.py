"""The back office: drafts listed with approve and reject for the approvers only, templates and
community dates editable, bad template text refused."""

import datetime

from django.urls import reverse
from property_service.seasonal.jobs import draft_seasonal_notices
from property_service.seasonal.models import GreetingTemplate, ScheduledNotice
from property_service.seasonal.states import State


def drafted(clock, place_a):
    clock.set("2026-09-26 00:40")
    draft_seasonal_notices(today=datetime.date(2026, 9, 26))
    return ScheduledNotice.objects.get(community=place_a.community,
                                       occasion_key="holiday:national_day")


def test_the_manager_approves_from_the_drafts_page(client, clock, place_a, manager):
    draft = drafted(clock, place_a)
    client.force_login(manager)
    listing = client.get(reverse("admin:property_service_schedulednotice_changelist"))
    assert draft.title in listing.content.decode()
    page = client.get(reverse("admin:property_service_schedulednotice_change", args=[draft.pk]))
    text = page.content.decode()
    assert 'data-action="approve"' in text and 'data-action="reject"' in text
    act = reverse("admin:property_service_schedulednotice_act", args=[draft.pk])
    client.post(act, {"action": "reject", "expected_state": "pending", "comment": ""})
    assert ScheduledNotice.objects.get(pk=draft.pk).state == State.PENDING
    client.post(act, {"action": "approve", "expected_state": "pending"})
    draft.refresh_from_db()
    assert draft.state == State.PUBLISHED and draft.notice.state == "published"


def test_an_agent_sees_the_draft_without_the_actions_and_cannot_approve(
        client, clock, place_a, agent):
    draft = drafted(clock, place_a)
    client.force_login(agent)
    page = client.get(reverse("admin:property_service_schedulednotice_change", args=[draft.pk]))
    assert page.status_code == 200 and 'data-action="approve"' not in page.content.decode()
    client.post(reverse("admin:property_service_schedulednotice_act", args=[draft.pk]),
                {"action": "approve", "expected_state": "pending"})
    assert ScheduledNotice.objects.get(pk=draft.pk).state == State.PENDING


def test_staff_of_another_community_do_not_see_the_draft(client, clock, place_a, manager_b):
    draft = drafted(clock, place_a)
    client.force_login(manager_b)
    response = client.get(reverse("admin:property_service_schedulednotice_change",
                                  args=[draft.pk]))
    assert response.status_code in (302, 404)
    listing = client.get(reverse("admin:property_service_schedulednotice_changelist"))
    assert "Community AAA" not in listing.content.decode()


def test_a_template_with_an_unknown_placeholder_is_refused(client, place_a, manager):
    template = GreetingTemplate.objects.get(code="national_day", community=None)
    client.force_login(manager)
    response = client.post(reverse("admin:property_service_greetingtemplate_add"), {
        "community": place_a.community.pk, "code": "national_day", "occasion": "holiday",
        "holiday_names": "", "lead_days": 5, "name_zh": "国庆", "name_en": "",
        "title_zh": "{holiday}快乐", "body_zh": "正文", "title_en": "", "body_en": ""})
    assert response.status_code == 200 and "holiday" in response.content.decode()
    assert not GreetingTemplate.objects.filter(community=place_a.community).exists()
    response = client.post(reverse("admin:property_service_greetingtemplate_add"), {
        "community": place_a.community.pk, "code": "national_day", "occasion": "holiday",
        "holiday_names": "", "lead_days": 3, "name_zh": "国庆", "name_en": "",
        "title_zh": "{occasion}快乐", "body_zh": "正文", "title_en": "", "body_en": ""})
    assert response.status_code == 302
    assert template.code == GreetingTemplate.objects.get(community=place_a.community).code


def test_a_manager_adds_a_seasonal_reminder(client, place_a, manager):
    typhoon = GreetingTemplate.objects.get(code="typhoon_season", community=None)
    client.force_login(manager)
    response = client.post(reverse("admin:property_service_seasonalreminder_add"), {
        "community": place_a.community.pk, "name": "冬季消防", "template": typhoon.pk,
        "month": 2, "day": 30, "lead_days": "", "is_active": "on"})
    assert response.status_code == 200
    response = client.post(reverse("admin:property_service_seasonalreminder_add"), {
        "community": place_a.community.pk, "name": "冬季消防", "template": typhoon.pk,
        "month": 11, "day": 15, "lead_days": "", "is_active": "on"})
    assert response.status_code == 302
