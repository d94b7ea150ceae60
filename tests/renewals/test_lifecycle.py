"""The contract and policy lifecycle: who may fire what, renewal links a successor, bad input
changes nothing."""

import datetime
from decimal import Decimal

import pytest
from property_service.contracts.models import Contract
from property_service.core.errors import ActionError, ConcurrentChange, NotAllowed
from property_service.renewals import services

from tests.factories.renewals import ContractFactory, InsurancePolicyFactory
from tests.renewals.conftest import days


def fire(agreement, user, action, **kwargs):
    return services.transition_agreement(model=type(agreement), pk=agreement.pk, user=user,
                                          action=action, **kwargs)


@pytest.fixture
def draft(place_a, finance):
    return services.create_agreement(
        model=Contract, by=finance, community=place_a.community, kind="cleaning",
        number="HT-BJ-2027-01", counterparty="上海洁净保洁服务有限公司",
        start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2028, 12, 31),
        value=Decimal("360000"), responsible=finance)


def test_finance_enters_a_draft_and_only_a_manager_puts_it_in_force(draft, finance, manager):
    assert draft.state == "draft"
    with pytest.raises(NotAllowed):
        fire(draft, finance, "activate")
    fire(draft, manager, "activate")
    draft.refresh_from_db()
    assert draft.state == "active"
    assert [e.action for e in draft.agreementevents.all()] == ["created", "activate"]


def test_putting_in_force_an_agreement_near_its_end_flags_it_at_once(place_a, finance, manager):
    contract = ContractFactory(community=place_a.community, responsible=finance, state="draft",
                               start_date=days(-200), end_date=days(60))
    contract = fire(contract, manager, "activate")
    assert contract.state == "renewal_due" and contract.renewal_step == 90


def test_renewal_enters_a_linked_draft_successor(place_a, finance, manager):
    contract = ContractFactory(community=place_a.community, responsible=finance,
                               end_date=days(100), value=Decimal("100"))
    fire(contract, finance, "negotiate")
    renewed = fire(contract, finance, "renew", successor={
        "number": "HT-NEXT", "end_date": days(100 + 365 * 3), "value": Decimal("110")})
    successor = renewed.successor
    assert renewed.state == "renewed" and successor.predecessor == renewed
    assert successor.state == "draft" and successor.start_date == days(101)
    assert (successor.counterparty, successor.value, successor.responsible) == (
        contract.counterparty, Decimal("110"), finance)


def test_renewal_without_an_end_date_or_number_changes_nothing(place_a, finance):
    contract = ContractFactory(community=place_a.community, responsible=finance)
    with pytest.raises(ActionError, match="end date"):
        fire(contract, finance, "renew", successor={"number": "X"})
    with pytest.raises(ActionError, match="number"):
        fire(contract, finance, "renew", successor={"end_date": days(900)})
    contract.refresh_from_db()
    assert contract.state == "active" and Contract.objects.count() == 1


def test_a_successor_number_already_used_is_refused(place_a, finance):
    taken = ContractFactory(community=place_a.community, responsible=finance)
    contract = ContractFactory(community=place_a.community, responsible=finance)
    with pytest.raises(ActionError, match="already exists"):
        fire(contract, finance, "renew", successor={"number": taken.number,
                                                     "end_date": days(900)})
    contract.refresh_from_db()
    assert contract.state == "active" and contract.successor is None


def test_termination_needs_a_reason(place_a, finance):
    policy = InsurancePolicyFactory(community=place_a.community, responsible=finance)
    with pytest.raises(ActionError, match="comment is required"):
        fire(policy, finance, "terminate")
    policy = fire(policy, finance, "terminate", comment="保险公司退出该险种")
    assert policy.state == "terminated" and policy.termination_reason == "保险公司退出该险种"


def test_a_stale_page_gets_a_concurrent_change(place_a, finance):
    contract = ContractFactory(community=place_a.community, responsible=finance,
                               state="renewal_due")
    with pytest.raises(ConcurrentChange):
        fire(contract, finance, "negotiate", expected_state="active")


@pytest.mark.parametrize("role", ["Maintenance", "Cleaning", "Front Desk", "Security",
                                  "CS Agent"])
def test_roles_without_contracts_can_do_nothing_with_them(role, make_staff, place_a, finance):
    contract = ContractFactory(community=place_a.community, responsible=finance)
    user = make_staff(role, communities=[place_a.community])
    with pytest.raises(NotAllowed):
        fire(contract, user, "negotiate")


def test_a_manager_of_another_community_cannot_reach_it(place_a, finance, manager_b):
    contract = ContractFactory(community=place_a.community, responsible=finance)
    with pytest.raises(NotAllowed, match="does not exist"):
        fire(contract, manager_b, "terminate", comment="x")


def test_the_responsible_must_work_for_the_community(place_a, place_b, manager_b):
    with pytest.raises(ActionError, match="must be active staff of this community"):
        services.create_agreement(
            model=Contract, by=manager_b, community=place_a.community, kind="other",
            number="N-1", counterparty="x", start_date=days(0), end_date=days(10), value=1,
            responsible=manager_b)
    assert not Contract.objects.exists()


def test_the_end_date_must_follow_the_start(place_a, finance):
    with pytest.raises(ActionError, match="after the start date"):
        services.create_agreement(
            model=Contract, by=finance, community=place_a.community, kind="other",
            number="N-2", counterparty="x", start_date=days(10), end_date=days(10), value=1,
            responsible=finance)
