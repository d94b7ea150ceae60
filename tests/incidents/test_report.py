"""The printable report: a PDF in the reader's language, with Chinese text that survives."""

import io

from django.utils import translation
from property_service.incidents import services
from property_service.incidents.report import report_html, report_pdf
from pypdf import PdfReader

from tests.helpers import admin_url
from tests.incidents.conftest import REPORT, act, write_report


def pdf_text_and_fonts(content: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    return text, fonts


def approved_incident(new_incident, guard, manager):
    incident = new_incident()
    services.tick_checklist_item(incident_id=incident.pk,
                                 item_id=incident.checklist.first().pk, user=guard)
    services.add_timeline_entry(incident_id=incident.pk, user=guard, text="维保人员到场，开门救出")
    act(incident, guard, "contain")
    write_report(incident, guard)
    act(incident, guard, "draft_report")
    return act(incident, manager, "approve")


def test_a_chinese_report_prints_its_chinese_text_in_a_cjk_font(new_incident, guard, manager):
    incident = approved_incident(new_incident, guard, manager)
    with translation.override("zh-hans"):
        content = report_pdf(incident)
    assert content.startswith(b"%PDF-")
    text, fonts = pdf_text_and_fonts(content)
    assert REPORT["summary"] in text
    assert REPORT["cause"] in text and "维保人员到场，开门救出" in text
    assert incident.number in text
    assert any("CJK" in font or "Noto" in font for font in fonts), fonts


def test_the_report_has_every_part_in_the_active_language(new_incident, guard, manager):
    incident = approved_incident(new_incident, guard, manager)
    with translation.override("en"):
        html = report_html(incident)
    for part in ("Summary", "Timeline", "Response checklist", "Actions taken",
                 "People hurt / damage", "Cause", "Corrective actions", "Attachments",
                 "Approval", "Approved by mgr_a"):
        assert part in html
    first_step = incident.checklist.first()
    assert first_step.text_en in html and first_step.done_at is not None
    with translation.override("zh-hans"):
        assert first_step.text_zh in report_html(incident)


def test_the_form_serves_the_report_as_a_pdf(client, guard, new_incident):
    incident = new_incident()
    client.force_login(guard)
    response = client.get(admin_url("incident", "report", incident.pk),
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert incident.number in response["Content-Disposition"]
    text, _ = pdf_text_and_fonts(response.content)
    assert "应急事件" in text or "Incident report" in text


def test_an_incident_is_worded_as_an_incident_not_as_a_repair(new_incident, guard, manager):
    incident = approved_incident(new_incident, guard, manager)
    with translation.override("zh-hans"):
        html = report_html(incident)
    assert "发生时间" in html and "事件登记" in html
    assert "报修" not in html
    with translation.override("en"):
        html = report_html(incident)
    assert "Occurred at" in html and "Incident recorded" in html
    assert "Reported at" not in html


def test_the_incident_page_words_it_as_an_incident(client, new_incident, guard, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    incident = new_incident()
    client.force_login(guard)
    page = client.get(admin_url("incident", "change", incident.pk),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "发生时间" in page and "事件登记" in page
    assert "报修" not in page
