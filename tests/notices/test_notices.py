"""Notices (通知/公告): drafted, published and withdrawn by the right people, in their
community, urgent ones first."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from property_service.core.errors import ActionError, NotAllowed
from property_service.notices import services
from property_service.notices.models import Notice

from tests.factories.incidents import NoticeFactory
from tests.helpers import admin_url


@pytest.fixture
def desk(make_staff, place_a):
    return make_staff("Front Desk", communities=[place_a.community], username="desk_a")


@pytest.fixture
def supervisor(make_staff, place_a):
    return make_staff("CS Supervisor", communities=[place_a.community], username="sup_a")


def draft(by, place, **kwargs):
    fields = {"community": place.community, "title": "二次供水水箱清洗",
              "body": "本周六9:00-12:00停水。", "kind": "service"}
    fields.update(kwargs)
    return services.create_notice(by=by, **fields)


def test_the_front_desk_drafts_and_a_supervisor_publishes(desk, supervisor, place_a):
    notice = draft(desk, place_a, buildings=[place_a.building])
    assert notice.state == "draft" and notice.created_by == desk
    with pytest.raises(NotAllowed):
        services.transition_notice(notice_id=notice.pk, user=desk, action="publish")
    published = services.transition_notice(notice_id=notice.pk, user=supervisor,
                                           action="publish")
    assert published.state == "published" and published.published_by == supervisor
    assert published.publish_at is not None and published.is_showing()
    assert list(published.events.values_list("action", flat=True)) == ["created", "publish"]


def test_withdrawing_needs_a_reason_and_is_logged(supervisor, place_a):
    notice = draft(supervisor, place_a)
    services.transition_notice(notice_id=notice.pk, user=supervisor, action="publish")
    with pytest.raises(ActionError, match="comment is required"):
        services.transition_notice(notice_id=notice.pk, user=supervisor, action="withdraw")
    withdrawn = services.transition_notice(notice_id=notice.pk, user=supervisor,
                                           action="withdraw", comment="时间有变")
    assert withdrawn.state == "withdrawn" and withdrawn.withdraw_reason == "时间有变"
    assert not withdrawn.is_showing()
    with pytest.raises(NotAllowed):
        services.transition_notice(notice_id=notice.pk, user=supervisor, action="publish")


def test_a_notice_must_expire_after_it_is_published(desk, place_a):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        draft(desk, place_a, publish_at=now, expire_at=now - datetime.timedelta(hours=1))
    assert "expire_at" in refused.value.message_dict
    assert not Notice.objects.exists()


def test_an_already_expired_draft_cannot_be_published(desk, supervisor, place_a):
    notice = NoticeFactory(community=place_a.community,
                           expire_at=timezone.now() - datetime.timedelta(days=1))
    with pytest.raises(ActionError, match="already expired"):
        services.transition_notice(notice_id=notice.pk, user=supervisor, action="publish")


def test_buildings_of_another_community_are_refused(desk, place_a, place_b):
    with pytest.raises(ValidationError) as refused:
        draft(desk, place_a, buildings=[place_b.building])
    assert "another community" in str(refused.value.message_dict["buildings"])


def test_urgent_notices_are_listed_first(client, desk, place_a):
    now = timezone.now()
    NoticeFactory(community=place_a.community, title="普通通知", publish_at=now)
    NoticeFactory(community=place_a.community, title="紧急停电通知", urgent=True,
                  publish_at=now - datetime.timedelta(days=3))
    assert list(Notice.objects.values_list("title", flat=True)) == ["紧急停电通知", "普通通知"]
    client.force_login(desk)
    page = client.get(admin_url("notice", "changelist")).content.decode()
    assert page.index("紧急停电通知") < page.index("普通通知")


def test_the_admin_lists_only_the_users_communities(client, desk, place_a, place_b):
    NoticeFactory(community=place_a.community, title="AAA的通知")
    theirs = NoticeFactory(community=place_b.community, title="BBB的通知")
    client.force_login(desk)
    page = client.get(admin_url("notice", "changelist")).content.decode()
    assert "AAA的通知" in page and "BBB的通知" not in page
    assert client.get(admin_url("notice", "change", theirs.pk)).status_code in (302, 404)


def test_the_front_desk_adds_a_notice_in_the_admin_and_a_supervisor_publishes_it(
        client, desk, supervisor, place_a):
    client.force_login(desk)
    response = client.post(admin_url("notice", "add"), {
        "community": place_a.community.pk, "buildings": [place_a.building.pk],
        "title": "电梯年检", "body": "周三电梯年检，请走楼梯。", "kind": "service"})
    assert response.status_code == 302, response.content.decode()[:2000]
    notice = Notice.objects.get()
    assert notice.created_by == desk and list(notice.buildings.all()) == [place_a.building]
    page = client.get(admin_url("notice", "change", notice.pk)).content.decode()
    assert 'data-action="publish"' not in page
    client.force_login(supervisor)
    page = client.get(admin_url("notice", "change", notice.pk)).content.decode()
    assert 'data-action="publish"' in page
    client.post(admin_url("notice", "act", notice.pk),
                {"action": "publish", "expected_state": "draft"})
    notice.refresh_from_db()
    assert notice.state == "published" and notice.published_by == supervisor


@pytest.mark.parametrize("role,status", [("Front Desk", 200), ("CS Supervisor", 200),
                                         ("Security", 403), ("Maintenance", 403),
                                         ("Cleaning", 403), ("Admin & Finance", 403)])
def test_who_reaches_the_notices(client, make_staff, role, status):
    client.force_login(make_staff(role))
    assert client.get(admin_url("notice", "changelist")).status_code == status
