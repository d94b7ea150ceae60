"""Notices in the portal: a resident reads those of their community and building, published and
not expired, urgent first; each read is recorded once. The notices resource of the API."""

import datetime

from django.utils import timezone
from property_service.notices import services
from property_service.notices.models import NoticeRead

from tests.factories.registry import BuildingFactory


def publish(by, publisher, community, title, **kwargs):
    notice = services.create_notice(by=by, community=community, title=title, body="正文",
                                    **kwargs)
    return services.transition_notice(notice_id=notice.pk, user=publisher, action="publish")


def test_a_resident_reads_the_notices_meant_for_them(client, resident_a, make_staff, place_a,
                                                      place_b):
    staff = make_staff("Property Manager")
    other_building = BuildingFactory(community=place_a.community, name="9栋")
    whole = publish(staff, staff, place_a.community, "小区停车场划线施工")
    mine = publish(staff, staff, place_a.community, "本栋停水通知", buildings=[place_a.building],
                   urgent=True, kind="outage")
    publish(staff, staff, place_a.community, "9栋电梯维保", buildings=[other_building])
    publish(staff, staff, place_b.community, "另一个小区的通知")
    services.create_notice(by=staff, community=place_a.community, title="草稿", body="x")
    expired = publish(staff, staff, place_a.community, "过期通知")
    expired.expire_at = timezone.now() - datetime.timedelta(minutes=1)
    expired.save(update_fields=["expire_at"])
    client.force_login(resident_a)
    page = client.get("/portal/notices/").content.decode()
    titles = [t for t in ("本栋停水通知", "小区停车场划线施工", "9栋电梯维保", "另一个小区的通知",
                          "草稿", "过期通知") if t in page]
    assert titles == ["本栋停水通知", "小区停车场划线施工"]
    assert page.index("本栋停水通知") < page.index("小区停车场划线施工")  # urgent pinned
    hidden = [n for n in services.Notice.objects.exclude(pk__in=[whole.pk, mine.pk])]
    for notice in hidden:
        assert client.get(f"/portal/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/portal/notices/{mine.pk}/").status_code == 200
    client.get(f"/portal/notices/{mine.pk}/")
    assert NoticeRead.objects.filter(notice=mine).count() == 1
    assert 'data-read="1"' in client.get("/portal/notices/").content.decode()


def test_staff_see_read_receipts_and_publish_through_the_api(client, resident_a, make_staff,
                                                              place_a):
    supervisor = make_staff("CS Supervisor", communities=[place_a.community])
    client.force_login(supervisor)
    response = client.post("/api/v1/notices/", {
        "community": place_a.community.pk, "title": "电梯年检", "body": "周五上午电梯年检",
        "kind": "service", "buildings": [place_a.building.pk]}, content_type="application/json")
    assert response.status_code == 201, response.json()
    notice_id = response.json()["id"]
    response = client.post(f"/api/v1/notices/{notice_id}/transition/", {"action": "publish"},
                           content_type="application/json")
    assert response.json()["state"] == "published"
    client.force_login(resident_a)
    client.get(f"/portal/notices/{notice_id}/")
    client.force_login(supervisor)
    assert client.get(f"/api/v1/notices/{notice_id}/").json()["read_count"] == 1
    response = client.patch(f"/api/v1/notices/{notice_id}/", {"title": "改"},
                            content_type="application/json")
    assert response.status_code == 400


def test_the_api_refuses_buildings_of_another_community(client, make_staff, place_a, place_b):
    client.force_login(make_staff("CS Supervisor"))
    response = client.post("/api/v1/notices/", {
        "community": place_a.community.pk, "title": "x", "body": "y",
        "buildings": [place_b.building.pk]}, content_type="application/json")
    assert response.status_code == 400 and "buildings" in response.json()
