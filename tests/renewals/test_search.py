"""Searching contracts and policies: the beginning of the number on its index, else words of
the other party's name; the same in the list, the API and for both kinds of agreement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.contracts.models import Contract
from property_service.insurance.models import InsurancePolicy
from property_service.renewals.selectors import search_agreements

from tests.factories.renewals import ContractFactory, InsurancePolicyFactory


@pytest.fixture
def contracts(place_a):
    make = lambda number, party: ContractFactory(  # noqa: E731
        community=place_a.community, number=number, counterparty=party)
    return {"lift": make("HT-2026-0101", "上海迅达电梯有限公司"),
            "lift2": make("HT-2026-0102", "上海三菱电梯有限公司"),
            "clean": make("BJ-2025-0007", "绿洲保洁服务有限公司"),
            # A name that holds the beginning of another's number: the number wins.
            "odd": make("ZZ-0001", "HT-2026 联合体")}


def found(term, model=Contract):
    return set(search_agreements(model.objects.all(), term).values_list("pk", flat=True))


def test_a_number_is_found_by_its_beginning(contracts):
    assert found("HT-2026-0101") == {contracts["lift"].pk}
    assert found("HT-2026-01") == {contracts["lift"].pk, contracts["lift2"].pk}
    assert found("ht-2026-0102") == {contracts["lift2"].pk}  # in either case


def test_a_number_is_not_found_by_its_middle(contracts):
    assert found("2026-0101") == set()


def test_other_words_are_looked_for_in_the_other_partys_name(contracts):
    assert found("电梯") == {contracts["lift"].pk, contracts["lift2"].pk}
    assert found("电梯 三菱") == {contracts["lift2"].pk}
    assert found("保洁") == {contracts["clean"].pk}


def test_a_word_that_begins_a_number_is_taken_as_the_number(contracts):
    assert found("HT-2026") == {contracts["lift"].pk, contracts["lift2"].pk}


def test_policies_are_searched_by_their_number_and_insurer(place_a):
    policy = InsurancePolicyFactory(community=place_a.community, policy_number="PA-9-001",
                                    insurer="中国平安财产保险股份有限公司")
    other = InsurancePolicyFactory(community=place_a.community, policy_number="RB-9-002",
                                   insurer="中国人民财产保险股份有限公司")
    assert found("PA-9", InsurancePolicy) == {policy.pk}
    assert found("人民", InsurancePolicy) == {other.pk}


def test_a_number_search_does_not_look_in_the_names(contracts):
    with CaptureQueriesContext(connection) as queries:
        list(search_agreements(Contract.objects.all(), "HT-2026-0101"))
    assert queries.captured_queries
    assert all("counterparty" not in query["sql"].split("WHERE", 1)[-1]
               for query in queries.captured_queries)


def test_the_list_and_the_api_search_alike(client, finance, contracts):
    client.force_login(finance)
    page = client.get("/admin/property_service/contract/", {"q": "HT-2026"})
    assert page.status_code == 200
    shown = {row.pk for row in page.context["cl"].result_list}
    assert shown == {contracts["lift"].pk, contracts["lift2"].pk}
    body = client.get("/api/v1/contracts/", {"search": "保洁"}).json()
    assert [row["id"] for row in body["results"]] == [contracts["clean"].pk]
    body = client.get("/api/v1/contracts/", {"search": "HT-2026"}).json()
    assert {row["id"] for row in body["results"]} == {contracts["lift"].pk, contracts["lift2"].pk}
