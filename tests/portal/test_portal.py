"""The residents' portal: a resident reports, follows and rates their own requests, and can
reach nothing of another unit."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from property_service.complaints.models import Complaint, ComplaintAttachment
from property_service.portal import services
from property_service.portal.models import Invitation
from property_service.registry.models import Occupancy, Resident
from property_service.workorders.models import WorkOrder, WorkOrderPhoto

from tests.factories.workorders import WorkOrderFactory
from tests.portal.conftest import PASSWORD
from tests.workorders.conftest import category

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def png(name="leak.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def report(client, unit, **data):
    return client.post("/portal/repairs/new/", {
        "unit": unit.pk, "category": category("water_leak").pk,
        "description": "卫生间天花板漏水", **data})


def test_a_resident_reports_a_leak_with_a_photo_and_sees_its_deadline(client, resident_a,
                                                                      place_a):
    client.force_login(resident_a)
    response = report(client, place_a.unit, photos=[png()])
    assert response.status_code == 302, response.content.decode()
    order = WorkOrder.objects.get()
    assert response.status_code == 302 and response.url == f"/portal/repairs/{order.pk}/"
    assert (order.channel, order.resident, order.unit) == ("app", place_a.resident,
                                                            place_a.unit)
    assert order.photos.count() == 1
    page = client.get(response.url).content.decode()
    assert order.number in page
    assert timezone.localtime(order.complete_by).strftime("%Y-%m-%d %H:%M") in page
    photo = order.photos.get()
    assert client.get(f"/portal/photos/{photo.pk}/").status_code == 200


@pytest.mark.parametrize("upload,message", [
    (png("leak.png", b"%PDF-1.7 not an image"), "Upload a photo"),
    (png("big.png", PNG + b"\x00" * (10 * 1024 * 1024)), "at most 10 MB"),
])
def test_a_bad_upload_gets_a_clear_message_and_nothing_is_saved(client, resident_a, place_a,
                                                                upload, message):
    client.force_login(resident_a)
    response = report(client, place_a.unit, photos=[upload])
    assert response.status_code == 200 and message in response.content.decode()
    assert not WorkOrder.objects.exists() and not WorkOrderPhoto.objects.exists()


def test_a_resident_cannot_report_for_another_unit(client, resident_a, place_b):
    client.force_login(resident_a)
    response = report(client, place_b.unit)
    assert response.status_code == 200 and not WorkOrder.objects.exists()


def test_nothing_of_another_unit_is_reachable(client, resident_a, neighbour, place_a, place_b):
    mine = WorkOrderFactory(unit=place_a.unit, resident=place_a.resident)
    theirs = WorkOrderFactory(unit=neighbour.resident_account.resident.occupancies.get().unit)
    far = WorkOrderFactory(unit=place_b.unit)
    photo = WorkOrderPhoto.objects.create(work_order=theirs, image=png())
    complaint = Complaint.objects.create(
        community=place_b.community, unit=place_b.unit, channel="app", category="noise",
        content="楼上噪音", number="TS-TEST-1")
    attachment = ComplaintAttachment.objects.create(
        complaint=complaint, file=SimpleUploadedFile("a.pdf", b"%PDF-1.7 x"))
    client.force_login(resident_a)
    listing = client.get("/portal/repairs/").content.decode()
    assert mine.number in listing and theirs.number not in listing and far.number not in listing
    for url in (f"/portal/repairs/{theirs.pk}/", f"/portal/repairs/{far.pk}/",
                f"/portal/photos/{photo.pk}/", f"/portal/complaints/{complaint.pk}/",
                f"/portal/attachments/{attachment.pk}/"):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/portal/repairs/{theirs.pk}/accept/", {"accepted": "yes"})
    assert response.status_code == 404
    assert "TS-TEST-1" not in client.get("/portal/complaints/").content.decode()


def test_residents_reach_neither_the_back_office_nor_the_api(client, resident_a, place_a):
    client.force_login(resident_a)
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/work-orders/").status_code == 403
    assert client.get("/api/v1/units/").status_code == 403


def test_staff_are_sent_to_the_back_office(client, make_staff, place_a):
    client.force_login(make_staff("CS Agent", communities=[place_a.community]))
    response = client.get("/portal/", follow=True)
    assert "Staff use the back office" in response.content.decode()


def test_the_resident_accepts_or_rejects_the_repair(client, resident_a, place_a):
    done = WorkOrderFactory(unit=place_a.unit, state="completed")
    poor = WorkOrderFactory(unit=place_a.unit, state="completed")
    client.force_login(resident_a)
    assert "Yes, accept the repair" in client.get(f"/portal/repairs/{done.pk}/").content.decode()
    open_order = WorkOrderFactory(unit=place_a.unit, state="in_progress")
    page = client.get(f"/portal/repairs/{open_order.pk}/").content.decode()
    assert "Yes, accept the repair" not in page
    client.post(f"/portal/repairs/{done.pk}/accept/", {"accepted": "yes"})
    client.post(f"/portal/repairs/{poor.pk}/accept/", {"accepted": "no", "comment": "还在漏"})
    done.refresh_from_db(), poor.refresh_from_db()
    assert done.state == "follow_up" and done.follow_ups.count() == 1
    assert poor.state == "rework" and poor.events.last().by == resident_a


def test_a_rejection_needs_a_reason(client, resident_a, place_a):
    order = WorkOrderFactory(unit=place_a.unit, state="completed")
    client.force_login(resident_a)
    response = client.post(f"/portal/repairs/{order.pk}/accept/", {"accepted": "no"},
                           follow=True)
    assert "comment is required" in response.content.decode()
    order.refresh_from_db()
    assert order.state == "completed"


@pytest.mark.parametrize("fixed,score,state", [("yes", "5", "closed"), ("no", "4", "rework"),
                                               ("yes", "2", "rework")])
def test_the_residents_rating_closes_or_reopens_the_order(client, resident_a, place_a, fixed,
                                                          score, state):
    order = WorkOrderFactory(unit=place_a.unit, state="completed")
    client.force_login(resident_a)
    client.post(f"/portal/repairs/{order.pk}/accept/", {"accepted": "yes"})
    client.post(f"/portal/repairs/{order.pk}/rate/",
                {"fixed": fixed, "satisfaction": score, "comment": "师傅很专业"})
    order.refresh_from_db()
    assert order.state == state and order.satisfaction == int(score)


def test_a_resident_files_a_complaint_and_rates_its_resolution(client, resident_a, place_a,
                                                              make_staff):
    from property_service.complaints import services as complaint_services

    client.force_login(resident_a)
    response = client.post("/portal/complaints/new/", {
        "unit": place_a.unit.pk, "category": "noise", "content": "楼上夜间装修噪音",
        "attachments": [SimpleUploadedFile("n.pdf", b"%PDF-1.7 recording")]})
    complaint = Complaint.objects.get()
    assert response.url == f"/portal/complaints/{complaint.pk}/"
    assert complaint.channel == "app" and complaint.attachments.count() == 1
    page = client.get(response.url).content.decode()
    assert 'data-deadline="handover"' in page and 'id="rating"' not in page
    supervisor = make_staff("CS Supervisor", communities=[place_a.community])
    for action, comment in (("assign", ""), ("contact", ""), ("agree_plan", "协调施工时间"),
                            ("resolve", "已限制施工时间")):
        complaint_services.transition_complaint(complaint_id=complaint.pk, user=supervisor,
                                                action=action, comment=comment)
    assert 'id="rating"' in client.get(f"/portal/complaints/{complaint.pk}/").content.decode()
    client.post(f"/portal/complaints/{complaint.pk}/rate/",
                {"fixed": "yes", "satisfaction": "5"})
    complaint.refresh_from_db()
    assert complaint.state == "closed" and complaint.satisfaction == 5


def test_an_invitation_code_registers_a_new_household_member_once(client, place_a):
    invitation = services.create_invitation(by=None, unit=place_a.unit, relation="tenant")
    data = {"code": invitation.code.lower(), "name": "王小明", "phone": "13800001111",
            "username": "wangxm", "password": PASSWORD}
    response = client.post("/portal/register/", data)
    assert response.status_code == 302
    resident = Resident.objects.get(name="王小明")
    assert Occupancy.objects.get(resident=resident).unit == place_a.unit
    invitation.refresh_from_db()
    assert invitation.used_at and invitation.account.resident == resident
    client.logout()
    again = client.post("/portal/register/", {**data, "username": "other", "phone": "13800002222"})
    assert "not valid" in again.content.decode()
    assert Resident.objects.filter(name="王小明").count() == 1


def test_a_code_for_a_known_resident_links_to_them(client, place_a):
    invitation = services.create_invitation(by=None, unit=place_a.unit,
                                            resident=place_a.resident)
    client.post("/portal/register/", {"code": invitation.code, "name": "x", "phone": "x",
                                      "username": "owner_a", "password": PASSWORD})
    assert place_a.resident.portal_account.user.username == "owner_a"


def test_an_expired_code_is_refused(client, place_a):
    invitation = services.create_invitation(by=None, unit=place_a.unit)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.post("/portal/register/", {
        "code": invitation.code, "name": "李四", "phone": "13800003333", "username": "lisi",
        "password": PASSWORD})
    assert "not valid" in response.content.decode() and not Resident.objects.filter(
        name="李四").exists()


def test_a_failed_registration_leaves_the_code_usable(client, place_a, resident_a):
    invitation = services.create_invitation(by=None, unit=place_a.unit)
    response = client.post("/portal/register/", {
        "code": invitation.code, "name": "赵六", "phone": "13800004444",
        "username": "resident_a", "password": PASSWORD})
    assert "username is taken" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.is_usable and not Resident.objects.filter(name="赵六").exists()


def test_a_resident_who_moved_out_reaches_nothing(client, resident_a, place_a):
    order = WorkOrderFactory(unit=place_a.unit)
    client.force_login(resident_a)
    assert order.number in client.get("/portal/repairs/").content.decode()
    place_a.occupancy.end_date = timezone.localdate() - datetime.timedelta(days=1)
    place_a.occupancy.save()
    client.logout()
    client.force_login(resident_a)
    response = client.get("/portal/repairs/")
    assert response.status_code == 200 and order.number not in response.content.decode()
    assert client.get(f"/portal/repairs/{order.pk}/").status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_racing_with_one_code_cannot_both_register(place_a):
    from property_service.core.errors import ActionError

    from tests.helpers import run_together

    code = services.create_invitation(by=None, unit=place_a.unit).code

    def register(n):
        return lambda: services.register_with_code(
            code=code, name=f"住户{n}", phone=f"1380000{n:04d}", username=f"racer{n}",
            password=PASSWORD)

    results = run_together(register(1), register(2))
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, ActionError)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert Resident.objects.filter(name__startswith="住户").count() == 1
