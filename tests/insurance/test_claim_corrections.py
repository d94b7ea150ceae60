"""What a claim still lets staff correct by hand, declared once (``Claim.editable_fields``) and
followed by the back office and the API alike: a draft all it was entered with; once lodged
with the insurer only the insurer's reference. Every correction goes through the service and
is on the policy's timeline."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from property_service.core.errors import ActionError, NotAllowed
from property_service.core.intake import editable_fields
from property_service.insurance import claims
from property_service.insurance.claim_states import ClaimState
from property_service.insurance.models import Claim

from tests.factories.incidents import IncidentFactory
from tests.factories.renewals import InsurancePolicyFactory
from tests.helpers import admin_url
from tests.renewals.conftest import finance, manager_b  # noqa: F401  (fixtures)

TODAY = datetime.date(2026, 11, 25)
ENTERED = {"policy", "incident", "loss_date", "description", "amount_claimed",
           "insurer_reference"}


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def _clock_on_today(clock):
    clock.set("2026-11-25 10:00")


@pytest.fixture
def policy(place_a, finance):  # noqa: F811
    return InsurancePolicyFactory(community=place_a.community, responsible=finance,
                                  start_date=days(-100), end_date=days(265),
                                  sum_insured=Decimal("500000"))


@pytest.fixture
def claim(policy, finance):  # noqa: F811
    return claims.create_claim(by=finance, policy=policy, loss_date=days(-3),
                               description="地下车库进水，三辆业主车辆受损",
                               amount_claimed=Decimal("86000"))


@pytest.fixture
def lodged(claim, finance):  # noqa: F811
    return claims.transition_claim(claim_id=claim.pk, user=finance, action="submit")


def patch(client, claim, body, **headers):
    return client.patch(f"/api/v1/claims/{claim.pk}/", body, content_type="application/json",
                        **headers)


@pytest.mark.parametrize("state,editable", [
    ("draft", ENTERED), ("submitted", {"insurer_reference"}),
    ("approved", {"insurer_reference"}), ("rejected", {"insurer_reference"}),
    ("paid", {"insurer_reference"})])
def test_the_back_office_leaves_editable_exactly_what_the_claim_declares(rf, state, editable):
    claim_admin = admin.site._registry[Claim]
    record = Claim(state=state)
    readonly = set(claim_admin.get_readonly_fields(rf.get("/"), record))
    assert set(claim_admin.change_fields) - readonly == editable == set(editable_fields(record))


def test_a_draft_is_corrected_in_the_api_through_the_service(client, claim, finance):  # noqa: F811
    client.force_login(finance)
    response = patch(client, claim, {"amount_claimed": "90000.00", "loss_date": str(days(-4)),
                                     "description": "地下车库进水，四辆车受损"})
    assert response.status_code == 200, response.json()
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.amount_claimed, stored.loss_date) == (Decimal("90000"), days(-4))
    event = stored.events.last()
    assert (event.action, event.by, event.policy_id) == ("corrected", finance, claim.policy_id)
    assert "amount claimed" in event.comment and "date of the loss" in event.comment


@pytest.mark.parametrize("field,value", [
    ("amount_claimed", "1.00"), ("loss_date", str(days(-10))), ("description", "x"),
    ("incident", None), ("policy", None)])
def test_a_lodged_claim_refuses_a_patch_of_what_the_insurer_assesses(client, lodged, finance,  # noqa: F811
                                                                   place_a, field, value):
    if field == "incident":
        value = IncidentFactory(community=place_a.community).pk
    if field == "policy":
        value = InsurancePolicyFactory(community=place_a.community, start_date=days(-100),
                                       end_date=days(265)).pk
    client.force_login(finance)
    response = patch(client, lodged, {field: value, "insurer_reference": "PA-LP-778"})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    stored = Claim.objects.get(pk=lodged.pk)
    assert (stored.amount_claimed, stored.loss_date, stored.incident_id, stored.policy_id,
            stored.insurer_reference) == (Decimal("86000"), days(-3), None, lodged.policy_id, "")
    assert stored.events.last().action == "submit"


def test_the_refusal_is_in_the_callers_language(client, lodged, finance):  # noqa: F811
    client.force_login(finance)
    response = patch(client, lodged, {"amount_claimed": "1.00"},
                     HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    message = response.json()["amount_claimed"][0]
    assert message and not any("a" <= ch <= "z" for ch in message.lower())


def test_the_insurers_reference_of_a_lodged_claim_is_still_corrected(client, lodged,
                                                                    finance):  # noqa: F811
    client.force_login(finance)
    response = patch(client, lodged, {"insurer_reference": "PA-LP-778"})
    assert response.status_code == 200, response.json()
    assert response.json()["insurer_reference"] == "PA-LP-778"
    stored = Claim.objects.get(pk=lodged.pk)
    assert stored.insurer_reference == "PA-LP-778" and stored.state == ClaimState.SUBMITTED
    assert stored.events.last().action == "corrected"


def test_the_service_refuses_a_locked_field_whoever_calls_it(lodged, finance):  # noqa: F811
    with pytest.raises(ActionError) as refused:
        claims.correct_claim(claim_id=lodged.pk, user=finance,
                             changes={"amount_claimed": Decimal("1")})
    assert refused.value.field == "amount_claimed"
    assert Claim.objects.get(pk=lodged.pk).amount_claimed == Decimal("86000")


def test_a_draft_does_not_let_the_insurers_answer_be_set_by_hand(claim, finance):  # noqa: F811
    with pytest.raises(ActionError) as refused:
        claims.correct_claim(claim_id=claim.pk, user=finance,
                             changes={"amount_paid": Decimal("86000")})
    assert refused.value.field == "amount_paid"
    assert Claim.objects.get(pk=claim.pk).amount_paid is None


def test_someone_who_may_not_change_claims_cannot_correct_one(claim, make_staff, place_a):
    desk = make_staff("Front Desk", communities=[place_a.community])
    with pytest.raises(NotAllowed):
        claims.correct_claim(claim_id=claim.pk, user=desk, changes={"description": "x"})


def test_a_manager_of_another_community_cannot_reach_it(claim, manager_b):  # noqa: F811
    with pytest.raises(NotAllowed, match="does not exist"):
        claims.correct_claim(claim_id=claim.pk, user=manager_b, changes={"description": "x"})


def test_a_draft_cannot_be_moved_to_a_policy_out_of_reach(claim, finance, place_b):  # noqa: F811
    theirs = InsurancePolicyFactory(community=place_b.community, start_date=days(-100),
                                    end_date=days(265))
    with pytest.raises(ActionError) as refused:
        claims.correct_claim(claim_id=claim.pk, user=finance, changes={"policy": theirs})
    assert refused.value.field == "policy"
    assert Claim.objects.get(pk=claim.pk).policy_id == claim.policy_id


def _form_data(page, **changes):
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(changes, _save="Save", record_version=page.context.get("record_version", ""))
    return data


def test_the_claim_page_saves_a_draft_through_the_service(client, claim, finance):  # noqa: F811
    client.force_login(finance)
    page = client.get(admin_url("claim", "change", claim.pk))
    response = client.post(admin_url("claim", "change", claim.pk),
                           _form_data(page, amount_claimed="90000.00"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.amount_claimed == Decimal("90000")
    assert stored.events.last().action == "corrected"


def test_the_claim_page_of_a_lodged_claim_saves_only_the_reference(client, lodged,
                                                                  finance):  # noqa: F811
    client.force_login(finance)
    page = client.get(admin_url("claim", "change", lodged.pk))
    assert set(page.context["adminform"].form.fields) == {"insurer_reference"}
    response = client.post(admin_url("claim", "change", lodged.pk), _form_data(
        page, insurer_reference="PA-LP-778", amount_claimed="1.00", loss_date=str(days(-9))))
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Claim.objects.get(pk=lodged.pk)
    assert (stored.insurer_reference, stored.amount_claimed, stored.loss_date) == (
        "PA-LP-778", Decimal("86000"), days(-3))
    assert stored.events.last().action == "corrected"
