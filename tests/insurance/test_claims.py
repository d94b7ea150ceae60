"""Insurance claims (理赔): Draft → Submitted → Approved / Rejected → Paid, against a policy."""

import datetime
from decimal import Decimal

import pytest
from property_service.core.errors import ActionError, ConcurrentChange, NotAllowed
from property_service.insurance import claims
from property_service.insurance.models import Claim

from tests.factories.renewals import InsurancePolicyFactory
from tests.renewals.conftest import finance, manager, manager_b  # noqa: F401  (fixtures)

TODAY = datetime.date.today()


@pytest.fixture
def policy(place_a, finance):  # noqa: F811
    return InsurancePolicyFactory(community=place_a.community, responsible=finance,
                                  start_date=TODAY - datetime.timedelta(days=100),
                                  end_date=TODAY + datetime.timedelta(days=265),
                                  sum_insured=Decimal("500000"))


@pytest.fixture
def claim(policy, finance):  # noqa: F811
    return claims.create_claim(by=finance, policy=policy,
                               loss_date=TODAY - datetime.timedelta(days=3),
                               description="地下车库进水，三辆业主车辆受损",
                               amount_claimed=Decimal("86000"))


def fire(claim, user, action, **kwargs):
    return claims.transition_claim(claim_id=claim.pk, user=user, action=action, **kwargs)


def test_a_claim_is_numbered_and_goes_to_payment(claim, finance):  # noqa: F811
    assert claim.number.startswith("LP-") and claim.state == "draft"
    fire(claim, finance, "submit", insurer_reference="PA-LP-778")
    fire(claim, finance, "approve", amount=Decimal("80000"))
    paid = fire(claim, finance, "pay", amount="80000")
    assert (paid.state, paid.amount_approved, paid.amount_paid, paid.insurer_reference) == (
        "paid", Decimal("80000"), Decimal("80000"), "PA-LP-778")
    assert [e.action for e in claim.events.all()] == ["created", "submit", "approve", "pay"]
    assert claim.events.first().policy_id == claim.policy_id


def test_a_rejection_needs_the_insurers_reason(claim, finance):  # noqa: F811
    fire(claim, finance, "submit")
    with pytest.raises(ActionError):
        fire(claim, finance, "reject")
    rejected = fire(claim, finance, "reject", comment="属于免责条款")
    assert rejected.state == "rejected" and rejected.rejection_reason == "属于免责条款"
    with pytest.raises(NotAllowed):
        fire(claim, finance, "pay", amount=1)


@pytest.mark.parametrize("action,amount,message", [
    ("approve", None, "Give the amount"), ("approve", "0", "more than zero"),
    ("approve", "90000", "more than was claimed")])
def test_bad_amounts_are_refused_and_change_nothing(claim, finance, action, amount,  # noqa: F811
                                                    message):
    fire(claim, finance, "submit")
    with pytest.raises(ActionError, match=message):
        fire(claim, finance, action, amount=amount)
    claim.refresh_from_db()
    assert claim.state == "submitted" and claim.amount_approved is None


def test_the_loss_must_fall_within_the_policy_period(policy, finance):  # noqa: F811
    with pytest.raises(ActionError, match="outside its period"):
        claims.create_claim(by=finance, policy=policy,
                            loss_date=policy.start_date - datetime.timedelta(days=1),
                            description="x", amount_claimed=1)
    with pytest.raises(ActionError, match="sum insured"):
        claims.create_claim(by=finance, policy=policy, loss_date=TODAY,
                            description="x", amount_claimed=Decimal("600000"))
    assert not Claim.objects.exists()


def test_a_stale_page_gets_a_concurrent_change(claim, finance):  # noqa: F811
    with pytest.raises(ConcurrentChange):
        fire(claim, finance, "submit", expected_state="submitted")


@pytest.mark.parametrize("role", ["Security", "Maintenance", "Front Desk", "CS Supervisor"])
def test_only_finance_and_managers_process_claims(claim, make_staff, place_a, role):
    with pytest.raises(NotAllowed):
        fire(claim, make_staff(role, communities=[place_a.community]), "submit")


def test_a_manager_of_another_community_cannot_reach_it(claim, manager_b):  # noqa: F811
    with pytest.raises(NotAllowed, match="does not exist"):
        fire(claim, manager_b, "submit")


def test_the_api_takes_a_claim_through_its_transitions(client, claim, finance):  # noqa: F811
    client.force_login(finance)
    url = f"/api/v1/claims/{claim.pk}/transition/"
    body = client.post(url, {"action": "submit"}, content_type="application/json").json()
    assert body["state"] == "submitted" and body["state_label"] == "Submitted"
    response = client.post(url, {"action": "approve", "amount": "99999999"},
                           content_type="application/json")
    assert response.status_code == 400 and "amount" in response.json()
    response = client.patch(f"/api/v1/claims/{claim.pk}/", {"description": "x"},
                            content_type="application/json")
    assert response.status_code == 400


def test_security_staff_see_no_claims_in_the_api(client, claim, make_staff, place_a):
    client.force_login(make_staff("Security", communities=[place_a.community]))
    assert client.get("/api/v1/claims/").status_code == 403


def test_the_incident_page_shows_its_claims_to_finance_not_to_security(
        client, claim, finance, make_staff, place_a):  # noqa: F811
    from tests.factories.incidents import IncidentFactory
    from tests.helpers import admin_url

    incident = IncidentFactory(community=place_a.community)
    Claim.objects.filter(pk=claim.pk).update(incident=incident)
    client.force_login(finance)
    assert claim.number in client.get(admin_url("incident", "change", incident.pk)).content.decode()
    client.force_login(make_staff("Security", communities=[place_a.community]))
    page = client.get(admin_url("incident", "change", incident.pk)).content.decode()
    assert claim.number not in page and "86000" not in page
