"""The enquiry pages speak Chinese in zh-hans: no English word in what the staff and the
resident read."""

import re

from django.utils.html import strip_tags
from property_service.portal import services as portal_services

from tests.enquiries.conftest import act
from tests.helpers import admin_url


def english_words(html: str) -> set[str]:
    main = html.split(">", 1)[1]  # what follows the opening tag the section starts in
    # Script, style and the choices of data lists (category names are bilingual data).
    main = re.sub(r"<(script|style|select)[^>]*>.*?</\1>", "", main, flags=re.S)
    text = strip_tags(main)
    # Numbers (ZX-202611-00001), units and the personas' names are data, not words.
    text = re.sub(r"\b(ZX|TS|WO)-\d+-\d+\b|Community AAA|Resident AAA|AAA-1|agent_a|desk_a",
                  "", text)
    return set(re.findall(r"[A-Za-z]{3,}", text))


def test_the_enquiry_page_of_the_back_office_is_all_chinese(client, settings, new_enquiry,
                                                           front_desk, agent):
    settings.LANGUAGE_CODE = "zh-hans"
    enquiry = act(new_enquiry(complex=True), front_desk, "hand_over", handler=agent)
    client.force_login(agent)
    html = client.get(admin_url("enquiry", "change", enquiry.pk),
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    section = html.split('id="enquiry-actions"', 1)[1].split("</ol>", 1)[0]
    assert english_words(section) == set()


def test_the_residents_enquiry_page_is_all_chinese(client, settings, place_a, clock):
    settings.LANGUAGE_CODE = "zh-hans"
    account = portal_services.create_account(by=None, resident=place_a.resident,
                                             username="resident_a", password="Pass-2026-x")
    client.force_login(account.user)
    enquiry = portal_services.ask_question(user=account.user, unit_id=place_a.unit.pk,
                                           topic="parking", question="能办月卡吗？")
    html = client.get(f"/portal/enquiries/{enquiry.pk}/",
                      HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    section = html.split('id="enquiry"', 1)[1].split("</table>", 1)[0]
    assert english_words(section) == set()
