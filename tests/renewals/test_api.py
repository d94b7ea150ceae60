"""The contracts and insurance-policies resources of the API contract."""

import pytest
from django.utils import timezone
from property_service.contracts.models import Contract
from property_service.insurance.models import InsurancePolicy

from tests.factories.renewals import ContractFactory, InsurancePolicyFactory
from tests.renewals.conftest import days


def post(client, url, data, **extra):
    return client.post(url, data, content_type="application/json", **extra)


def test_finance_enters_a_contract_with_ids_and_codes(client, finance, place_a):
    client.force_login(finance)
    response = post(client, "/api/v1/contracts/", {
        "community": place_a.community.pk, "kind": "vendor_maintenance",
        "counterparty": "上海三菱电梯有限公司", "number": "HT-DT-001",
        "start_date": days(0).isoformat(), "end_date": days(100).isoformat(),
        "responsible": finance.pk, "value": "86000.00"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft" and body["kind_label"].startswith("Vendor maintenance")
    assert body["days_to_expiry"] == (days(100) - timezone.localdate()).days
    assert body["renewal_step"] is None and body["responsible_label"] == "fin_a"


def test_a_policy_goes_through_its_lifecycle_by_transition(client, finance, manager, place_a):
    policy = InsurancePolicyFactory(community=place_a.community, responsible=finance,
                                    state="draft", start_date=days(-300), end_date=days(65))
    client.force_login(manager)
    url = f"/api/v1/insurance-policies/{policy.pk}/transition/"
    response = post(client, url, {"action": "activate"})
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "renewal_due" and response.json()["renewal_step"] == 90
    response = post(client, url, {"action": "renew", "number": "PA-NEXT",
                                  "end_date": days(65 + 365).isoformat(), "amount": "19000"})
    assert response.status_code == 200, response.json()
    successor = InsurancePolicy.objects.get(policy_number="PA-NEXT")
    assert response.json()["successor"] == successor.pk
    assert successor.premium == 19000 and successor.sum_insured == policy.sum_insured


def test_bad_transitions_are_4xx_with_a_message_and_change_nothing(client, finance, place_a):
    contract = ContractFactory(community=place_a.community, responsible=finance)
    client.force_login(finance)
    url = f"/api/v1/contracts/{contract.pk}/transition/"
    assert post(client, url, {"action": "activate"}).status_code == 403
    response = post(client, url, {"action": "terminate"})
    assert response.status_code == 400 and "comment" in response.json()
    response = post(client, url, {"action": "negotiate", "expected_state": "draft"})
    assert response.status_code == 409
    response = post(client, url, {"action": "terminate"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json() == {"comment": ["请说明原因：此操作必须填写说明。"]}
    contract.refresh_from_db()
    assert contract.state == "active"


def test_dates_and_values_are_locked_once_in_force(client, finance, place_a):
    contract = ContractFactory(community=place_a.community, responsible=finance)
    client.force_login(finance)
    response = client.patch(f"/api/v1/contracts/{contract.pk}/",
                            {"value": "1.00", "notes": "x"}, content_type="application/json")
    assert response.status_code == 400 and "value" in response.json()
    response = client.patch(f"/api/v1/contracts/{contract.pk}/", {"notes": "电梯年检已完成"},
                            content_type="application/json")
    assert response.status_code == 200
    contract.refresh_from_db()
    assert contract.notes == "电梯年检已完成" and contract.value != 1


@pytest.mark.parametrize("role", ["Maintenance", "Cleaning", "Front Desk", "Security"])
@pytest.mark.parametrize("url", ["/api/v1/contracts/", "/api/v1/insurance-policies/"])
def test_roles_outside_finance_and_management_see_no_contracts_or_policies(
        client, make_staff, place_a, finance, role, url):
    ContractFactory(community=place_a.community, responsible=finance)
    client.force_login(make_staff(role, communities=[place_a.community]))
    assert client.get(url).status_code == 403


def test_finance_sees_only_its_communities(client, finance, place_a, place_b, manager_b):
    mine = ContractFactory(community=place_a.community, responsible=finance)
    ContractFactory(community=place_b.community, responsible=manager_b)
    client.force_login(finance)
    body = client.get("/api/v1/contracts/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    other = Contract.objects.exclude(pk=mine.pk).get()
    assert client.get(f"/api/v1/contracts/{other.pk}/").status_code == 404


def test_a_patch_corrects_a_contract_through_the_service_and_is_on_its_timeline(
        client, finance, place_a):
    from property_service.renewals.models import AgreementEvent

    contract = ContractFactory(community=place_a.community, responsible=finance, state="draft",
                               start_date=days(0), end_date=days(300))
    client.force_login(finance)
    response = client.patch(f"/api/v1/contracts/{contract.pk}/", {"counterparty": "新的供应商"},
                            content_type="application/json")
    assert response.status_code == 200, response.json()
    event = AgreementEvent.objects.filter(contract=contract, action="corrected").get()
    assert event.by == finance and "counterparty" in event.comment.lower()
    assert Contract.objects.get(pk=contract.pk).counterparty == "新的供应商"
