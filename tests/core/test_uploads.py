"""No uploaded file runs as a page of the app: its stored name takes the extension of the kind
its content shows, only photos and PDFs are stored, and every file is served with that kind's
type, no sniffing, a sandbox and (unless it is an image) as a download."""


import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from property_service.complaints.models import ComplaintAttachment
from property_service.core.files import detect_kind, stored_name
from property_service.incidents.models import IncidentAttachment
from property_service.renewals.models import AgreementDocument
from property_service.workorders.models import WorkOrder, WorkOrderPhoto

from tests.factories.renewals import ContractFactory
from tests.factories.workorders import WorkOrderFactory
from tests.portal.conftest import PASSWORD
from tests.workorders.conftest import category

SCRIPT = b"<html><script>fetch('/api/v1/notices/',{method:'POST'})</script></html>"
PNG_PAGE = b"\x89PNG\r\n\x1a\n" + SCRIPT
PDF_PAGE = b"%PDF-1.7\n" + SCRIPT


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def resident_a(place_a):
    from property_service.portal import services

    return services.create_account(by=None, resident=place_a.resident, username="resident_a",
                                   password=PASSWORD).user


@pytest.fixture
def superuser(make_staff):
    return make_staff(None, is_superuser=True, is_staff=True)


def assert_served_safely(response, content_type, *, download: bool):
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]  # default-src 'none'
    assert response["Content-Disposition"].startswith("attachment" if download else "inline")
    assert ".html" not in response["Content-Disposition"]


def test_the_stored_name_takes_the_extension_of_the_content_never_the_clients():
    assert stored_name(ContentFile(PNG_PAGE), "x.html") == "x.png"
    assert stored_name(ContentFile(PDF_PAGE), "报告.pdf.html") == "报告.pdf"
    assert stored_name(ContentFile(b"\xff\xd8\xff\xe0 jpeg"), "../../etc/passwd") == "passwd.jpg"
    assert stored_name(ContentFile(PNG_PAGE), "...") == "file.png"
    with pytest.raises(ValidationError):
        stored_name(ContentFile(SCRIPT), "x.png")


def test_a_webp_needs_its_own_marker_not_just_riff():
    assert detect_kind(ContentFile(b"RIFF\x00\x00\x00\x00WEBPVP8 ")).extension == "webp"
    assert detect_kind(ContentFile(b"RIFF\x00\x00\x00\x00WAVEfmt ")) is None


def test_a_page_disguised_as_a_repair_photo_is_stored_and_served_as_a_png(
        client, resident_a, place_a, superuser):
    client.force_login(resident_a)
    response = client.post("/portal/repairs/new/", {
        "unit": place_a.unit.pk, "category": category("water_leak").pk,
        "description": "卫生间天花板漏水",
        "photos": [SimpleUploadedFile("x.html", PNG_PAGE, content_type="text/html")]})
    assert response.status_code == 302, response.content.decode()[:500]
    photo = WorkOrder.objects.get().photos.get()
    assert photo.image.name.endswith("/x.png")
    assert_served_safely(client.get(f"/portal/photos/{photo.pk}/"), "image/png", download=False)
    client.force_login(superuser)
    assert_served_safely(client.get(f"/admin/property_service/workorder/photo/{photo.pk}/"),
                         "image/png", download=False)


def test_a_page_disguised_as_a_complaint_pdf_is_downloaded_as_a_pdf(client, resident_a,
                                                                     place_a, superuser):
    client.force_login(resident_a)
    response = client.post("/portal/complaints/new/", {
        "unit": place_a.unit.pk, "category": "noise", "content": "楼上噪音",
        "attachments": [SimpleUploadedFile("x.html", PDF_PAGE, content_type="text/html")]})
    assert response.status_code == 302, response.content.decode()[:500]
    attachment = ComplaintAttachment.objects.get()
    assert attachment.file.name.endswith("/x.pdf")
    assert_served_safely(client.get(f"/portal/attachments/{attachment.pk}/"),
                         "application/pdf", download=True)
    client.force_login(superuser)
    assert_served_safely(
        client.get(f"/admin/property_service/complaint/attachment/{attachment.pk}/"),
        "application/pdf", download=True)


def test_incident_and_agreement_documents_are_named_and_served_by_their_content(
        client, superuser, place_a, new_incident):
    incident = new_incident()
    attachment = IncidentAttachment.objects.create(
        incident=incident, file=SimpleUploadedFile("scene.html", PNG_PAGE))
    contract = ContractFactory(community=place_a.community)
    document = AgreementDocument.objects.create(
        contract=contract, file=SimpleUploadedFile("signed.svg", PDF_PAGE))
    assert attachment.file.name.endswith("/scene.png")
    assert document.file.name.endswith("/signed.pdf")
    client.force_login(superuser)
    assert_served_safely(
        client.get(f"/admin/property_service/incident/attachment/{attachment.pk}/"),
        "image/png", download=False)
    assert_served_safely(
        client.get(f"/admin/property_service/contract/document/{document.pk}/"),
        "application/pdf", download=True)


def test_content_of_no_accepted_kind_is_never_stored(place_a):
    order = WorkOrderFactory(unit=place_a.unit)
    with pytest.raises(ValidationError), transaction.atomic():
        WorkOrderPhoto.objects.create(work_order=order, image=SimpleUploadedFile("x.png", SCRIPT))
    assert not WorkOrderPhoto.objects.exists()


def test_a_page_stored_before_these_checks_is_only_ever_an_opaque_download(client, superuser,
                                                                           place_a, settings):
    order = WorkOrderFactory(unit=place_a.unit)
    old = settings.MEDIA_ROOT / "work_orders/2025/01/1"
    old.mkdir(parents=True)
    (old / "x.html").write_bytes(SCRIPT)
    photo = WorkOrderPhoto.objects.create(work_order=order, image=SimpleUploadedFile(
        "x.png", PNG_PAGE))
    WorkOrderPhoto.objects.filter(pk=photo.pk).update(image="work_orders/2025/01/1/x.html")
    client.force_login(superuser)
    assert_served_safely(client.get(f"/admin/property_service/workorder/photo/{photo.pk}/"),
                         "application/octet-stream", download=True)


@pytest.fixture
def new_incident(place_a, make_staff):
    from property_service.incidents import services

    guard = make_staff("Security", communities=[place_a.community])

    def make():
        return services.create_incident(
            by=guard, community=place_a.community, kind="elevator_entrapment",
            location="3栋电梯", units=[place_a.unit], buildings=[place_a.building],
            people_affected=1)

    return make


