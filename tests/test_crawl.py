"""Follow every link a user can reach in the back office and the API, and look for what they must
not see: another community's rows, or personal data they may not see unmasked. This catches the
side paths (history, filters, inline forms, autocompletes) a page-by-page test would miss."""

import datetime
import html
import re

import pytest

from tests.conftest import ID_A, ID_B, PHONE_A, PHONE_B, ROLE_NAMES
from tests.factories.registry import ParkingSpaceFactory, VehicleFactory

SKIP = ("/logout", "/delete/", "/password/", "/import/", "/export/", "/i18n/")
LINK = re.compile(r'href="(/(?:admin|api)/[^"#]*)"')
API_LINK = re.compile(r'"(http://testserver/api/v1/[^"]*)"')


@pytest.fixture
def world(place_a, place_b, make_staff, settings, tmp_path):
    from django.utils import timezone
    from property_service.activities import services as activities
    from property_service.enquiries import services as enquiries
    from property_service.incidents import services as incidents
    from property_service.notices import services as notices
    from property_service.reports.jobs import generate_monthly_reports
    from property_service.seasonal.jobs import draft_seasonal_notices
    from property_service.seasonal.models import GreetingTemplate, SeasonalReminder
    from property_service.specialservices import services as special_services
    from property_service.specialservices.models import SpecialService
    from property_service.surveys import services as surveys
    from property_service.surveys.models import Questionnaire
    from property_service.surveys.quarters import quarter_of

    settings.MEDIA_ROOT = tmp_path / "media"

    guard = make_staff("Security")
    organiser = make_staff("Property Manager")
    desk = make_staff("Front Desk")
    for place in (place_a, place_b):
        code = place.community.code
        incident = incidents.create_incident(
            by=guard, community=place.community, kind="power_cut", location=f"{code}-机房",
            units=[place.unit], buildings=[place.building], summary=f"{code}停电")
        incidents.tick_checklist_item(incident_id=incident.pk, user=guard,
                                      item_id=incident.checklist.first().pk)
        incidents.add_timeline_entry(incident_id=incident.pk, user=guard, text=f"{code}-抢修")
        incidents.raise_outage_notice(incident_id=incident.pk, user=guard)
        notices.create_notice(by=guard, community=place.community, title=f"{code}停水通知",
                              body="停水", buildings=[place.building])
        enquiries.create_enquiry(by=None, community=place.community, unit=place.unit,
                                 resident=place.resident, channel="phone", topic="fees",
                                 question=f"{code}物业费怎么交？", complex=True)
        starts = timezone.now() + datetime.timedelta(days=60)
        activity = activities.activity_create(
            by=organiser, community=place.community, title=f"{code}中秋赏月会", place="花园",
            starts_at=starts, ends_at=starts + datetime.timedelta(hours=2),
            signup_closes_at=starts - datetime.timedelta(days=1), capacity=50)
        activities.transition_activity(activity_id=activity.pk, user=organiser,
                                       action="publish")
        activities.activity_sign_up(activity_id=activity.pk, user=organiser, unit=place.unit,
                                    people=2, resident=place.resident)
        special_services.order_special_service(
            by=desk, service_id=SpecialService.objects.get(code="indoor_repair").pk,
            unit=place.unit, resident=place.resident, channel="phone", notes=f"{code}-特约")
    for place, plate in ((place_a, "沪A12345"), (place_b, "粤B54321")):
        vehicle = VehicleFactory(community=place.community, owner=place.resident, plate=plate)
        ParkingSpaceFactory(community=place.community, code=f"P-{place.community.code}",
                            holder=place.resident, vehicle=vehicle, status="allocated")
        place.resident.email = f"secret.{place.community.code.lower()}@example.com"
        place.resident.phone = "13000000000"
        place.resident.save()  # history with an old and a new phone
        place.resident.phone = PHONE_A if place is place_a else PHONE_B
        place.resident.save()
    questionnaire = Questionnaire.objects.get(code="quarterly")
    supervisor = make_staff("CS Supervisor")
    for place in (place_a, place_b):
        survey = surveys.survey_create(by=supervisor, community=place.community,
                                       questionnaire=questionnaire,
                                       period=quarter_of(timezone.localdate()))
        surveys.survey_transition(survey_id=survey.pk, user=supervisor, action="open")
        answers = [{"question": q.pk, "value": 4} if q.kind == "scale_5"
                   else {"question": q.pk, "value": 8} if q.kind == "scale_10"
                   else {"question": q.pk, "option": q.options.first().pk}
                   if q.kind == "choice" else {"question": q.pk,
                                               "text": f"{place.community.code}-问卷意见"}
                   for q in questionnaire.questions.all()]
        surveys.survey_record_response(by=supervisor, survey_id=survey.pk, unit=place.unit,
                                       resident=place.resident, channel="phone",
                                       answers=answers)
    generate_monthly_reports()  # a management report per community
    typhoon = GreetingTemplate.objects.get(community=None, code="typhoon_season")
    for place in (place_a, place_b):
        SeasonalReminder.objects.create(community=place.community, template=typhoon,
                                        name=f"{place.community.code}台风季", month=10, day=1)
    draft_seasonal_notices(today=datetime.date(2026, 9, 26))  # greetings and reminders
    return place_a, place_b


def crawl(client, limit=400, errors=None):
    seen, queue, pages = set(), ["/admin/", "/api/v1/"], []
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or any(part in url for part in SKIP):
            continue
        seen.add(url)
        response = client.get(url, HTTP_ACCEPT="text/html,application/json")
        if errors is not None and response.status_code >= 500:
            errors.append((url, response.status_code))
        if response.status_code != 200:
            continue
        text = response.content.decode("utf-8", errors="replace")
        pages.append((url, text))
        links = [html.unescape(h).split("?")[0] for h in LINK.findall(text)]
        links += [h.replace("http://testserver", "").split("?")[0] for h in API_LINK.findall(text)]
        queue += [link for link in links if link not in seen]
    return pages


def leaks(pages, secrets):
    return sorted({(url, s) for url, text in pages for s in secrets if s in text})


@pytest.mark.parametrize("role", ["Front Desk", "Security", "Maintenance", "Admin & Finance"])
def test_masked_roles_reach_no_personal_data_anywhere(client, make_staff, world, role):
    client.force_login(make_staff(role))
    pages = crawl(client)
    assert len(pages) > 10
    assert leaks(pages, [PHONE_A, PHONE_B, "13000000000", ID_A, ID_B, "secret.aaa@"]) == []


def test_a_limited_user_reaches_nothing_of_another_community(client, make_staff, world):
    place_a, _ = world
    client.force_login(make_staff("System Manager", communities=[place_a.community]))
    pages = crawl(client)
    reached = {url for url, _ in pages}
    assert f"/admin/property_service/resident/{place_a.resident.pk}/history/" in reached
    assert f"/api/v1/units/{place_a.unit.pk}/" in reached or "/api/v1/units/" in reached
    assert "/admin/property_service/incident/" in reached
    assert "/admin/property_service/managementreport/" in reached
    assert "/admin/property_service/survey/" in reached
    assert "/api/v1/survey-responses/" in reached
    assert "/admin/property_service/activity/" in reached
    assert "/admin/property_service/activity/figures/" in reached
    assert "/admin/property_service/specialserviceorder/" in reached
    assert "/admin/property_service/schedulednotice/" in reached
    assert leaks(pages, ["Community BBB", "BBB-1栋", "Resident BBB", "粤B54321", "P-BBB",
                         "BBB-机房", "BBB停电", "BBB-抢修", "BBB停水通知", "BBB-问卷意见",
                         "BBB中秋赏月会", "BBB-特约", "BBB台风季",
                         PHONE_B, ID_B, "secret.bbb@"]) == []


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_no_page_a_role_can_reach_fails(client, make_staff, world, role):
    from django.utils import timezone
    from property_service.workorders import services
    from property_service.workorders.models import WorkOrderCategory

    place_a, _ = world
    agent = make_staff("CS Agent")
    order = services.create_work_order(
        by=agent, community=place_a.community, unit=place_a.unit, channel="phone",
        category=WorkOrderCategory.objects.get(code="water_leak"), description="漏水",
        reported_at=timezone.now())
    services.pause_clock(order_id=order.pk, user=agent, reason="等待住户")
    client.force_login(make_staff(role))
    errors = []
    pages = crawl(client, limit=250, errors=errors)
    assert pages and errors == []
