"""The printable work order (派工单): a PDF of one order for whoever may open it, with the
resident's phone masked, staff by their full names and a QR code to the order."""

import io

import pytest
from django.utils import translation
from property_service.core.display import display_name
from property_service.workorders.sheet import qr_data_uri, sheet_html, sheet_pdf
from pypdf import PdfReader

from tests.helpers import admin_url
from tests.workorders.conftest import fire

PHONE = "13912345671"  # resident A's phone (tests/conftest.py)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def dispatched(clock, new_order, agent, technician, place_a):
    clock.set("2026-11-25 10:00")
    technician.first_name, technician.last_name = "师傅", "王"
    technician.save()
    order = new_order("lighting", resident=place_a.resident, description="3楼楼道灯不亮")
    return fire(order, agent, "dispatch", assignee=technician)


def test_the_order_page_offers_the_printed_work_order(client, agent, dispatched):
    client.force_login(agent)
    page = client.get(admin_url("workorder", "change", dispatched.pk)).content.decode()
    assert f'href="{admin_url("workorder", "sheet", dispatched.pk)}"' in page
    assert "Print work order" in page


def test_the_printed_work_order_is_a_pdf_with_the_order_on_it(client, agent, dispatched):
    client.force_login(agent)
    response = client.get(admin_url("workorder", "sheet", dispatched.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{dispatched.number}.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert dispatched.number in text
    assert "3楼楼道灯不亮" in text
    assert "139****5671" in text and PHONE not in text
    assert "王师傅" in text  # the full name, family name first, not the login
    assert "tech_a" not in text
    assert "2026-11-25 10:00" in text  # reported at, by the clock


def test_the_sheet_has_every_part_in_english_and_in_chinese(agent, dispatched):
    url = "http://testserver" + admin_url("workorder", "change", dispatched.pk)
    with translation.override("en"):
        html = sheet_html(dispatched, url=url)
    for part in ("Work order", "Resident", "Category", "Priority", "Problem described",
                 "Respond by", "Complete by", "Team", "Technician",
                 "Technician's signature", "Resident's signature", "Scan to open the order"):
        assert part in html, part
    with translation.override("zh-hans"):
        html = sheet_html(dispatched, url=url)
        content = sheet_pdf(dispatched, url=url)
    for part in ("派工单", "维修人员签字", "业主签字", "报修人", "完成时限"):
        assert part in html, part
    assert "派工单" in pdf_text(content)


def test_the_qr_code_opens_the_order(client, agent, dispatched):
    url = "http://testserver" + admin_url("workorder", "change", dispatched.pk)
    with translation.override("en"):
        html = sheet_html(dispatched, url=url)
    assert f'<img src="{qr_data_uri(url)}" alt="{url}">' in html
    assert qr_data_uri(url) != qr_data_uri(url.replace(str(dispatched.pk), "0"))
    # The printed sheet points at the order's own page, as an absolute address.
    client.force_login(agent)
    text = pdf_text(client.get(admin_url("workorder", "sheet", dispatched.pk)).content)
    assert url in "".join(text.split())


def test_another_communitys_order_is_not_printed(client, make_staff, place_b, dispatched):
    client.force_login(make_staff("CS Agent", communities=[place_b.community]))
    assert client.get(admin_url("workorder", "sheet", dispatched.pk)).status_code == 404


def test_a_technician_prints_only_the_orders_they_may_open(client, dispatched, technician,
                                                           other_technician, cleaner):
    client.force_login(technician)
    assert client.get(admin_url("workorder", "sheet", dispatched.pk)).status_code == 200
    client.force_login(cleaner)
    assert client.get(admin_url("workorder", "sheet", dispatched.pk)).status_code == 404


def test_staff_without_a_name_are_printed_by_their_login(make_staff):
    assert display_name(make_staff(None, username="nameless", first_name="",
                                 last_name="")) == "nameless"
    assert display_name(None) == ""
