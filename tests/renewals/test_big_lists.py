"""The lists of contracts and policies at scale: the same rows in the same order, capped
counts, a date drill-down on the end date that probes ranges, and ids-first API pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from property_service.contracts.admin import ContractAdmin
from property_service.contracts.models import Contract
from property_service.insurance.models import InsurancePolicy
from property_service.templatetags.big_lists import probed_date_hierarchy

from tests.factories.renewals import ContractFactory, InsurancePolicyFactory
from tests.helpers import admin_url
from tests.renewals.conftest import days

CONTRACTS = admin_url("contract", "changelist")


@pytest.fixture
def ledger(place_a, place_b, finance, manager_b):
    made = []
    for n in range(11):
        place, who = (place_a, finance) if n % 3 else (place_b, manager_b)
        made.append(ContractFactory(community=place.community, responsible=who,
                                    start_date=days(-400), end_date=days(30 * (n // 2)),
                                    number=f"C-{n:02d}"))
        InsurancePolicyFactory(community=place.community, responsible=who,
                               start_date=days(-400), end_date=days(40 * n))
    return made


def queries_of(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        assert response.status_code == 200
    return response, [query["sql"] for query in queries.captured_queries]


def test_the_contract_list_shows_the_plain_querys_rows_in_its_order_on_every_page(
        client, make_staff, ledger, monkeypatch):
    monkeypatch.setattr(ContractAdmin, "list_per_page", 3)
    user = make_staff("Admin & Finance", communities=None)
    client.force_login(user)
    rows, page = [], 1
    while True:
        response = client.get(CONTRACTS, {"p": page})
        rows += [c.pk for c in response.context["cl"].result_list]
        if not response.context["cl"].paginator.page(page).has_next():
            break
        page += 1
    assert rows == list(Contract.objects.order_by("end_date", "id").values_list("pk", flat=True))


@pytest.mark.parametrize("url", [CONTRACTS, admin_url("insurancepolicy", "changelist")])
@pytest.mark.parametrize("params", [{}, {"state__exact": "active"}, {"expiry": "90d"},
                                    {"renewal_group": "30d"}, {"end_date__year": "2027"}])
def test_no_count_on_the_lists_reads_past_a_limit(client, finance, ledger, url, params):
    client.force_login(finance)
    _response, queries = queries_of(client, url, params)
    for sql in queries:
        if "COUNT(" in sql.upper():
            assert "LIMIT" in sql.upper(), sql


def test_the_end_date_drill_down_probes_dates(client, make_staff, place_a, finance,
                                              monkeypatch):
    from property_service.core.lists import ProbedDates

    def compiled_probe_not_used(self, ranges):
        raise AssertionError("the probe compiled once was not used")

    # The probe compiled once serves a date field too.
    monkeypatch.setattr(ProbedDates, "_holding_one_by_one", compiled_probe_not_used)
    for end in ("2027-03-09", "2028-07-01", "2028-09-30", "2028-09-02"):
        ContractFactory(community=place_a.community, responsible=finance,
                        start_date=datetime.date(2026, 1, 1),
                        end_date=datetime.date.fromisoformat(end))
    client.force_login(make_staff("Admin & Finance", communities=None))

    def choices(params):
        response, queries = queries_of(client, CONTRACTS, params)
        assert not any("DISTINCT" in sql.upper() for sql in queries)
        return [c["title"] for c in probed_date_hierarchy(response.context["cl"])["choices"]]

    assert choices({}) == ["2027", "2028"]
    assert choices({"end_date__year": "2028"}) == ["July 2028", "September 2028"]
    assert choices({"end_date__year": "2028", "end_date__month": "9"}) == [
        "September 2", "September 30"]


def test_the_list_says_1000_plus_past_the_cap(client, finance, ledger, settings, monkeypatch):
    settings.LIST_COUNT_CAP = 3
    monkeypatch.setattr(ContractAdmin, "list_per_page", 2)
    client.force_login(finance)
    response = client.get(CONTRACTS)
    assert "3+ contracts" in " ".join(response.content.decode().split())


@pytest.mark.parametrize("resource,model", [("contracts", Contract),
                                            ("insurance-policies", InsurancePolicy)])
def test_the_api_walks_every_row_newest_id_first_and_picks_ids_first(
        client, make_staff, ledger, resource, model):
    client.force_login(make_staff("Admin & Finance", communities=None))
    seen, url = [], f"/api/v1/{resource}/?page_size=4"
    while url:
        response, queries = queries_of(client, url)
        body = response.json()
        selects = [sql for sql in queries if f"FROM `{model._meta.db_table}`"
                   in sql.replace('"', "`") and "LIMIT" in sql.upper()]
        assert selects and "JOIN" not in selects[0].upper()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(model.objects.values_list("pk", flat=True), reverse=True)
