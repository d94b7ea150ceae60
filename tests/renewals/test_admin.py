"""The back office of contracts and policies: lists, the form's buttons, the renewal dashboard
and its export, documents served only to those who may see them."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from property_service.renewals.models import AgreementDocument
from property_service.renewals.scan import run_renewal_scan

from tests.factories.renewals import ContractFactory, InsurancePolicyFactory
from tests.helpers import admin_url

DASHBOARD = "/admin/property_service/contract/renewals/"


def in_days(n):
    return timezone.localdate() + timezone.timedelta(days=n)


@pytest.fixture
def ledger(place_a, place_b, finance, manager_b):
    """Agreements of A at 5, 25, 80, 150 and 400 days and one expired; one of B at 10 days."""
    rows = {n: ContractFactory(community=place_a.community, responsible=finance,
                               start_date=in_days(n - 365), end_date=in_days(n),
                               number=f"A-{n}") for n in (5, 25, 80, 400)}
    rows[150] = InsurancePolicyFactory(community=place_a.community, responsible=finance,
                                       start_date=in_days(-215), end_date=in_days(150),
                                       policy_number="P-150")
    rows[-3] = ContractFactory(community=place_a.community, responsible=finance,
                               start_date=in_days(-368), end_date=in_days(-3), number="A-OLD")
    ContractFactory(community=place_b.community, responsible=manager_b, end_date=in_days(10),
                    start_date=in_days(-355), number="B-10")
    run_renewal_scan()
    return rows


def test_the_dashboard_groups_by_time_to_expiry_within_the_users_communities(
        client, finance, ledger):
    client.force_login(finance)
    page = client.get(DASHBOARD).content.decode()
    sections = {code: page.split(f'data-bucket="{code}"')[1].split("</section>")[0]
                for code in ("expired", "7d", "30d", "90d", "6m")}
    assert "A-OLD" in sections["expired"] and "A-5" in sections["7d"]
    assert "A-25" in sections["30d"] and "A-80" in sections["90d"]
    assert "P-150" in sections["6m"] and "Within 6 months" in page
    assert "A-400" not in page and "B-10" not in page
    assert "fin_a" in sections["7d"] and "Renewal due" in sections["7d"]
    summary = page.split('id="renewal-summary"')[1].split("</table>")[0]
    assert "Community BBB" not in summary
    cells = [c.split("<")[0] for c in summary.split('<td class="px-3 py-2 text-right">')[1:]]
    assert cells == ["1", "1", "1", "1", "1"]  # expired, ≤7 days, ≤30, ≤90, ≤6 months


def test_the_dashboard_exports_to_excel(client, finance, ledger):
    client.force_login(finance)
    response = client.get(DASHBOARD + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    references = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert references[0].startswith("A-OLD") and len(references) == 5


def test_the_dashboard_is_not_for_roles_without_contracts(client, make_staff, place_a):
    client.force_login(make_staff("Maintenance", communities=[place_a.community]))
    assert client.get(DASHBOARD).status_code == 403


def test_the_list_filters_by_time_to_expiry(client, finance, ledger):
    client.force_login(finance)
    page = client.get(admin_url("contract", "changelist") + "?expiry=30d").content.decode()
    assert "A-5" in page and "A-25" in page and "A-80" not in page


def test_the_form_offers_the_users_actions_and_fires_them(client, finance, manager, ledger):
    contract = ledger[25]
    client.force_login(finance)
    page = client.get(admin_url("contract", "change", contract.pk)).content.decode()
    assert 'data-action="negotiate"' in page and 'data-action="activate"' not in page
    assert "25 days left" in page
    response = client.post(admin_url("contract", "act", contract.pk), {
        "action": "renew", "expected_state": "renewal_due", "number": "A-25-NEXT",
        "end_date": in_days(25 + 730).isoformat(), "amount": "150000"}, follow=True)
    assert response.status_code == 200
    contract.refresh_from_db()
    assert contract.state == "renewed" and contract.successor.number == "A-25-NEXT"


def test_a_refused_action_shows_its_message(client, finance, ledger):
    contract = ledger[80]
    client.force_login(finance)
    response = client.post(admin_url("contract", "act", contract.pk),
                           {"action": "terminate", "expected_state": "renewal_due"},
                           follow=True)
    assert "comment is required" in response.content.decode()
    contract.refresh_from_db()
    assert contract.state == "renewal_due"


def test_documents_are_served_only_within_scope(client, finance, manager_b, place_a, ledger):
    document = AgreementDocument.objects.create(
        contract=ledger[5], description="合同扫描件",
        file=SimpleUploadedFile("contract.pdf", b"%PDF-1.7 signed contract"))
    url = reverse("admin:property_service_contract_document", args=[document.pk])
    client.force_login(finance)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(
        b"%PDF")
    client.force_login(manager_b)  # another community: "not found", like a missing file
    assert client.get(url).status_code == 404
    policy_url = reverse("admin:property_service_insurancepolicy_document", args=[document.pk])
    client.force_login(finance)  # a contract's document is not reachable as a policy's
    assert client.get(policy_url).status_code == 404


def test_security_staff_reach_no_contract_page(client, make_staff, place_a, ledger):
    client.force_login(make_staff("Security", communities=[place_a.community]))
    assert client.get(admin_url("contract", "changelist")).status_code == 403
    assert client.get(admin_url("contract", "change", ledger[5].pk)).status_code == 403


def test_finance_enters_a_contract_in_the_admin_as_a_draft(client, finance, place_a):
    from property_service.contracts.models import Contract

    client.force_login(finance)
    response = client.post(admin_url("contract", "add"), {
        "community": place_a.community.pk, "kind": "vendor_maintenance",
        "number": "HT-ADMIN-1", "counterparty": "上海三菱电梯有限公司",
        "start_date": in_days(0).isoformat(), "end_date": in_days(730).isoformat(),
        "value": "99000", "currency": "cny", "notice_period_days": "30",
        "responsible": finance.pk, "agreementdocuments-TOTAL_FORMS": "0",
        "agreementdocuments-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content.decode()[:3000]
    contract = Contract.objects.get(number="HT-ADMIN-1")
    assert contract.state == "draft"
    assert contract.agreementevents.get().action == "created"


def test_finance_finds_the_incident_to_link_a_claim_to(client, finance, place_a):
    from tests.factories.incidents import IncidentFactory

    incident = IncidentFactory(community=place_a.community)
    client.force_login(finance)
    response = client.get("/admin/autocomplete/", {
        "app_label": "property_service", "model_name": "claim", "field_name": "incident",
        "term": incident.number})
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(incident.pk)]


def test_saving_the_form_of_a_contract_in_force_corrects_it_through_the_service(
        client, finance, ledger):
    from property_service.renewals.models import AgreementEvent

    contract = ledger[400]
    client.force_login(finance)
    page = client.get(admin_url("contract", "change", contract.pk))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"notes": "续约条款待谈", "agreementdocuments-TOTAL_FORMS": "0",
                 "agreementdocuments-INITIAL_FORMS": "0"})
    response = client.post(admin_url("contract", "change", contract.pk), data)
    assert response.status_code == 302, response.context["errors"]
    contract.refresh_from_db()
    assert contract.notes == "续约条款待谈"
    event = AgreementEvent.objects.filter(contract=contract, action="corrected").get()
    assert event.by == finance
