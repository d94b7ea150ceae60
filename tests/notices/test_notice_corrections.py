"""What a notice still lets staff change, declared once (``Notice.editable_fields``: a draft's
text, buildings, kind and dates; nothing once residents were shown it) and followed by the
back office and the API alike; each change goes through the service and is in the log."""

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from property_service.core.errors import ActionError, NotAllowed
from property_service.core.intake import editable_fields
from property_service.notices import services
from property_service.notices.models import Notice

from tests.helpers import admin_url

MOMENT = datetime.datetime(2026, 11, 25, 10, tzinfo=datetime.UTC)
DRAFT_FIELDS = {"buildings", "title", "body", "kind", "urgent", "publish_at", "expire_at"}


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)


@pytest.fixture
def desk(make_staff, place_a):
    return make_staff("Front Desk", communities=[place_a.community], username="desk_a")


@pytest.fixture
def supervisor(make_staff, place_a):
    return make_staff("CS Supervisor", communities=[place_a.community], username="sup_a")


@pytest.fixture
def notice(desk, place_a):
    return services.create_notice(by=desk, community=place_a.community, title="二次供水水箱清洗",
                                  body="本周六9:00-12:00停水。", kind="service")


@pytest.fixture
def published(notice, supervisor):
    return services.transition_notice(notice_id=notice.pk, user=supervisor, action="publish")


def patch(client, notice, body, **headers):
    return client.patch(f"/api/v1/notices/{notice.pk}/", body, content_type="application/json",
                        **headers)


@pytest.mark.parametrize("state,editable", [("draft", DRAFT_FIELDS), ("published", set()),
                                            ("withdrawn", set())])
def test_the_back_office_leaves_editable_exactly_what_the_notice_declares(rf, desk, state,
                                                                        editable):
    notice_admin = admin.site._registry[Notice]
    record = Notice(state=state)
    request = rf.get("/")
    fields = set(notice_admin.get_fields(request, record))
    readonly = set(notice_admin.get_readonly_fields(request, record))
    assert fields - readonly == editable == set(editable_fields(record))


def test_a_draft_is_rewritten_in_the_api_through_the_service(client, desk, notice, place_a):
    client.force_login(desk)
    response = patch(client, notice, {"title": "水箱清洗停水通知",
                                      "buildings": [place_a.building.pk]})
    assert response.status_code == 200, response.json()
    assert response.json()["read_count"] == 0
    stored = Notice.objects.get(pk=notice.pk)
    assert stored.title == "水箱清洗停水通知"
    assert list(stored.buildings.all()) == [place_a.building]
    event = stored.events.last()
    assert (event.action, event.by) == ("corrected", desk)
    assert "title" in event.comment and "buildings" in event.comment


@pytest.mark.parametrize("field,value", [("state", "published"), ("published_at", None),
                                         ("community", None)])
def test_a_patch_of_what_a_draft_does_not_let_change_is_refused_naming_it(
        client, desk, notice, place_b, field, value):
    if field == "community":
        value = place_b.community.pk
    client.force_login(desk)
    response = patch(client, notice, {field: value, "title": "改了"})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    stored = Notice.objects.get(pk=notice.pk)
    assert (stored.state, stored.title, stored.published_at) == ("draft", notice.title, None)


def test_a_published_notice_refuses_a_patch_naming_the_field(client, supervisor, published):
    client.force_login(supervisor)
    response = patch(client, published, {"title": "改了"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    message = response.json()["title"][0]
    assert message and not any("a" <= ch <= "z" for ch in message.lower())
    assert Notice.objects.get(pk=published.pk).title == published.title
    assert published.events.last().action == "publish"


def test_the_service_refuses_to_rewrite_a_published_notice(supervisor, published):
    with pytest.raises(ActionError) as refused:
        services.correct_notice(notice_id=published.pk, user=supervisor,
                                changes={"body": "改了"})
    assert refused.value.field == "body"
    assert Notice.objects.get(pk=published.pk).body == published.body


def test_someone_who_may_not_change_notices_cannot_rewrite_one(make_staff, place_a, notice):
    with pytest.raises(NotAllowed):
        services.correct_notice(notice_id=notice.pk,
                                user=make_staff("Maintenance", communities=[place_a.community]),
                                changes={"title": "改了"})


def test_a_draft_cannot_be_sent_to_buildings_of_another_community(desk, notice, place_b):
    with pytest.raises(ValidationError):
        services.correct_notice(notice_id=notice.pk, user=desk,
                                changes={"buildings": [place_b.building]})
    assert not Notice.objects.get(pk=notice.pk).buildings.exists()


def _form_data(page, **changes):
    form = page.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    data.update(changes, _save="Save", record_version=page.context.get("record_version", ""))
    return {name: value for name, value in data.items() if value is not False}


def test_the_notice_page_saves_a_draft_through_the_service(client, desk, notice, place_a):
    client.force_login(desk)
    page = client.get(admin_url("notice", "change", notice.pk))
    response = client.post(admin_url("notice", "change", notice.pk), _form_data(
        page, body="本周六9:00-15:00停水。", buildings=[place_a.building.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Notice.objects.get(pk=notice.pk)
    assert stored.body == "本周六9:00-15:00停水。"
    assert list(stored.buildings.all()) == [place_a.building]
    assert stored.events.last().action == "corrected"


def test_the_notice_page_of_a_published_notice_changes_nothing(client, supervisor, published):
    client.force_login(supervisor)
    page = client.get(admin_url("notice", "change", published.pk))
    assert not page.context["adminform"].form.fields
